"""Frameworks of cooperation: which board scrutinises, advises or delivers what,
and each bound board's decision to adopt it.

The status rules live here as model methods, each one a transaction.

These models lived in the ``boards`` app until the frameworks app was split out;
they keep their ``boards_*`` tables (``db_table``, and ``table_name`` for their
history), so existing databases keep their rows: the move was a change of Django's
state only (see ``migrations/0001_initial.py``).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from boards.models import Board, Membership, Partnership, Role


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PROPOSED = "proposed", "Proposed for adoption"
    ADOPTED = "adopted", "Adopted"
    SUPERSEDED = "superseded", "Superseded"


# GOV.UK tag modifier per status; the tag always carries the word too.
FRAMEWORK_STATUS_TAGS: dict[str, str] = {
    FrameworkStatus.DRAFT: "govuk-tag--grey",
    FrameworkStatus.PROPOSED: "govuk-tag--yellow",
    FrameworkStatus.ADOPTED: "govuk-tag--green",
    FrameworkStatus.SUPERSEDED: "govuk-tag--grey",
}


class FrameworkError(Exception):
    """A state change the framework's status does not allow; the message is for the user."""


class Consent(models.TextChoices):
    """Whether a board has agreed to be bound by a framework (one version of it).

    Binding a board, and every board of a new version (which will supersede the one
    in force), waits for one of that board's managers to accept. Until then the
    framework is none of that board's business: its members do not see it, its
    packs leave it out, and the framework cannot be proposed for adoption.
    """

    REQUESTED = "requested", "Waiting for the board's consent"
    GIVEN = "given", "Consented"


class FrameworkQuerySet(models.QuerySet):
    def visible_to(self, user) -> FrameworkQuerySet:
        """Frameworks binding a board the user holds a role on (with that board's consent),
        and those asking the consent of a board the user manages."""
        if not user.is_authenticated:
            return self.none()
        # One filter() call, so the membership and the binding are the same rows.
        bindings = FrameworkBoard.objects.filter(
            Q(framework=OuterRef("pk"), board__memberships__user=user)
            & (Q(consent=Consent.GIVEN) | Q(consent=Consent.REQUESTED, board__memberships__role=Role.MANAGER))
        )
        return self.filter(Exists(bindings))

    def binding_boards_of(self, user) -> FrameworkQuerySet:
        """Frameworks binding, with its consent, a board the user holds a role on."""
        if not user.is_authenticated:
            return self.none()
        bindings = FrameworkBoard.objects.filter(
            framework=OuterRef("pk"), board__memberships__user=user, consent=Consent.GIVEN
        )
        return self.filter(Exists(bindings))

    def in_force_for(self, board: Board) -> FrameworkQuerySet:
        """The adopted frameworks that bind the board with its consent: its governance.
        A proposed framework is not yet anyone's governance."""
        return self.filter(
            status=FrameworkStatus.ADOPTED,
            framework_boards__board=board,
            framework_boards__consent=Consent.GIVEN,
        )


class Framework(models.Model):
    Status = FrameworkStatus

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="frameworks")
    title = models.CharField(max_length=250)
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=20, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT)
    summary = models.TextField(blank=True, help_text="What the framework is for, in a sentence or two.")
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        help_text="The earlier version this one replaces.",
    )
    boards = models.ManyToManyField(Board, through="FrameworkBoard", related_name="frameworks")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FrameworkQuerySet.as_manager()
    history = HistoricalRecords(table_name="boards_historicalframework")

    class Meta:
        db_table = "boards_framework"
        ordering = ["partnership__name", "title", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "title", "version"], name="framework_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=FrameworkStatus.values), name="framework_status_valid"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="framework_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def get_absolute_url(self) -> str:
        return reverse("frameworks:detail", kwargs={"pk": self.pk})

    @property
    def status_tag_class(self) -> str:
        return FRAMEWORK_STATUS_TAGS.get(self.status, "govuk-tag--grey")

    # --- Status rules ---------------------------------------------------------

    def latest_decisions(self) -> dict[int, Adoption]:
        """Each bound board's latest recorded decision, by board id."""
        latest: dict[int, Adoption] = {}
        for adoption in self.adoptions.order_by("board_id", "-meeting_date", "-recorded_at", "-pk"):
            latest.setdefault(adoption.board_id, adoption)
        return latest

    def status_from_decisions(self) -> str:
        """Adopted only when every board that is party to it has adopted it, as its
        latest decision; a decline or deferral by any of them keeps it proposed."""
        parties = set(
            self.framework_boards.consented().filter(is_party=True).values_list("board_id", flat=True)
        )
        latest = self.latest_decisions()
        if parties and all(
            board_id in latest and latest[board_id].decision == AdoptionDecision.ADOPT for board_id in parties
        ):
            return FrameworkStatus.ADOPTED
        return FrameworkStatus.PROPOSED

    def propose(self) -> None:
        """Put a draft to the bound boards for their decisions."""
        with transaction.atomic():
            # Race: two managers pressing "propose" at once; the row lock makes the second a no-op check.
            framework = Framework.objects.select_for_update().get(pk=self.pk)
            if framework.status != FrameworkStatus.DRAFT:
                raise FrameworkError("Only a draft can be proposed for adoption.")
            if not framework.framework_boards.filter(is_party=True).exists():
                raise FrameworkError("Add the boards that must adopt the framework before proposing it.")
            waiting = [
                fb.board.short_name
                for fb in framework.framework_boards.awaiting_consent().select_related("board")
            ]
            if waiting:
                raise FrameworkError(
                    f"Waiting for the consent of {_and_list(waiting)}: a board's managers must agree to "
                    "its being bound (or withdraw the request) before the framework is proposed."
                )
            framework.status = FrameworkStatus.PROPOSED
            framework.save(update_fields=["status"])
        self.status = framework.status

    def record_adoption(
        self, board: Board, decision: str, meeting_date: datetime.date, recorded_by=None, note: str = ""
    ) -> Adoption:
        """Record one board's decision and recompute the framework's status."""
        with transaction.atomic():
            # Race: two boards' managers recording at the same moment would each see the
            # other's decision missing and leave the framework "proposed"; locking the
            # framework row serialises them so the second sees both decisions.
            framework = Framework.objects.select_for_update().get(pk=self.pk)
            if framework.status not in (FrameworkStatus.PROPOSED, FrameworkStatus.ADOPTED):
                raise FrameworkError(
                    f"Decisions can be recorded only while the framework is proposed or adopted, "
                    f"not while it is {framework.get_status_display().lower()}."
                )
            if not framework.framework_boards.consented().filter(board=board, is_party=True).exists():
                raise FrameworkError(f"{board.short_name} is not a party to this framework.")
            adoption = Adoption(
                framework=framework,
                board=board,
                decision=decision,
                meeting_date=meeting_date,
                recorded_by=recorded_by,
                note=note,
            )
            adoption.full_clean()
            adoption.save()
            new_status = framework.status_from_decisions()
            if new_status != framework.status:
                framework.status = new_status
                framework.save(update_fields=["status"])
                if new_status == FrameworkStatus.ADOPTED and framework.supersedes_id:
                    _supersede(framework.supersedes_id)
        self.status = framework.status
        return adoption

    def create_new_version(self, started_by=None) -> Framework:
        """Copy this framework into a new draft version that supersedes it.

        An adopted version stays in force until its successor is adopted; a version
        that was never adopted is superseded at once by the revised draft.

        Every board of the new version is asked again for its consent, because adopting
        the new version supersedes the one its managers agreed to; the boards that
        ``started_by`` manages consent by starting it.
        """
        now = timezone.now()
        own_boards = set(
            Membership.objects.managers().filter(user=started_by).values_list("board_id", flat=True)
            if started_by is not None
            else ()
        )
        with transaction.atomic():
            # Race: two people creating "version 2" at once; the lock plus the one-to-one
            # ``supersedes`` make the second fail cleanly instead of forking the history.
            old = Framework.objects.select_for_update().get(pk=self.pk)
            if old.status == FrameworkStatus.SUPERSEDED or Framework.objects.filter(supersedes=old).exists():
                raise FrameworkError("This version already has a newer version.")
            new = Framework.objects.create(
                partnership=old.partnership,
                title=old.title,
                version=old.version + 1,
                summary=old.summary,
                supersedes=old,
                status=FrameworkStatus.DRAFT,
            )
            for framework_board in old.framework_boards.prefetch_related("responsibilities"):
                copy = FrameworkBoard.objects.create(
                    framework=new,
                    board_id=framework_board.board_id,
                    primary_function=framework_board.primary_function,
                    statutory_basis=framework_board.statutory_basis,
                    is_party=framework_board.is_party,
                    position=framework_board.position,
                    **consent_fields(framework_board.board_id in own_boards, started_by, now),
                )
                for responsibility in framework_board.responsibilities.all():
                    Responsibility.objects.create(
                        framework_board=copy,
                        sub_group=responsibility.sub_group,
                        text=responsibility.text,
                        position=responsibility.position,
                    )
            for shared in old.shared_functions.prefetch_related("boards"):
                shared_copy = SharedFunction.objects.create(
                    framework=new,
                    name=shared.name,
                    delivered_by=shared.delivered_by,
                    description=shared.description,
                    position=shared.position,
                )
                shared_copy.boards.set(shared.boards.all())
            for relationship in old.relationships.all():
                Relationship.objects.create(
                    framework=new,
                    from_board_id=relationship.from_board_id,
                    to_board_id=relationship.to_board_id,
                    kind=relationship.kind,
                    note=relationship.note,
                )
            if old.status != FrameworkStatus.ADOPTED:
                _supersede(old.pk)
        return new

    def boards_bound_by_the_version_in_force(self) -> set[int]:
        """The boards bound by the adopted version this draft will supersede. Adopting the
        draft ends that version for them too, so they leave it only by their own managers."""
        if not self.supersedes_id:
            return set()
        return set(
            FrameworkBoard.objects.consented()
            .filter(framework_id=self.supersedes_id, framework__status=FrameworkStatus.ADOPTED)
            .values_list("board_id", flat=True)
        )

    def versions(self) -> list[Framework]:
        """Every version in this framework's line, newest first."""
        chain: list[Framework] = []
        current: Framework | None = self
        while current is not None and current.supersedes_id:
            current = Framework.objects.filter(pk=current.supersedes_id).first()
            if current is not None:
                chain.append(current)
        newer: list[Framework] = []
        current = Framework.objects.filter(supersedes=self).first()
        while current is not None:
            newer.insert(0, current)
            current = Framework.objects.filter(supersedes=current).first()
        return [*newer, self, *chain]


def _and_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def consent_fields(own_board: bool, user, now: datetime.datetime) -> dict:
    """The consent columns of a new binding: given at once when the person binding the
    board manages it, otherwise a request to that board's managers."""
    if own_board:
        return {"consent": Consent.GIVEN, "consent_given_by": user, "consent_given_at": now}
    return {"consent": Consent.REQUESTED, "consent_requested_by": user, "consent_requested_at": now}


def _supersede(framework_id: int) -> None:
    framework = Framework.objects.get(pk=framework_id)
    if framework.status != FrameworkStatus.SUPERSEDED:
        framework.status = FrameworkStatus.SUPERSEDED
        framework.save(update_fields=["status"])


class FrameworkBoardQuerySet(models.QuerySet):
    def consented(self) -> FrameworkBoardQuerySet:
        return self.filter(consent=Consent.GIVEN)

    def awaiting_consent(self) -> FrameworkBoardQuerySet:
        return self.filter(consent=Consent.REQUESTED)

    def awaiting_consent_of(self, user) -> FrameworkBoardQuerySet:
        """Requests to bind a board the user manages, oldest first."""
        if not user.is_authenticated:
            return self.none()
        return (
            self.awaiting_consent()
            .filter(board__memberships__user=user, board__memberships__role=Role.MANAGER)
            .order_by("consent_requested_at", "pk")
        )


class FrameworkBoard(models.Model):
    """A board the framework binds, with the function the framework gives it: that
    board's governance section, which only its own managers change.

    The binding counts only once one of the board's managers has consented
    (``consent``); who asked and who agreed, and when, are kept.
    """

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="framework_boards")
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="framework_roles")
    primary_function = models.CharField(
        max_length=200,
        blank=True,
        help_text='For example "scrutiny and advisory" or "delivery and performance".',
    )
    statutory_basis = models.CharField(
        max_length=200, blank=True, help_text="For example: Children Act 2004 s.10, s.11, ss.13–14."
    )
    is_party = models.BooleanField(
        default=True,
        help_text="A party must adopt the framework. Other boards (an improvement board, say) "
        "appear in it without adopting it.",
    )
    position = models.PositiveSmallIntegerField(default=1)
    consent = models.CharField(max_length=10, choices=Consent.choices, default=Consent.REQUESTED)
    consent_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The manager (of another board) who asked for this board to be bound.",
    )
    consent_requested_at = models.DateTimeField(null=True, blank=True)
    consent_given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The board's manager who agreed. Empty for bindings made before consent was "
        "recorded, and for those brought in from a source document.",
    )
    consent_given_at = models.DateTimeField(null=True, blank=True)

    objects = FrameworkBoardQuerySet.as_manager()
    history = HistoricalRecords(table_name="boards_historicalframeworkboard")

    # Not stored: set on each row by frameworks.views._detail_context for the framework page.
    latest_decision: Adoption | None
    can_decide: bool
    can_consent: bool
    can_edit_section: bool
    can_unbind: bool
    responsibility_groups: list[tuple[str, list[Responsibility]]]

    class Meta:
        db_table = "boards_frameworkboard"
        ordering = ["framework", "position", "board__short_name"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "board"], name="framework_board_unique"),
            models.CheckConstraint(
                condition=Q(consent__in=Consent.values), name="framework_board_consent_valid"
            ),
            models.CheckConstraint(
                condition=Q(consent=Consent.GIVEN)
                | Q(consent_given_by__isnull=True, consent_given_at__isnull=True),
                name="framework_board_consent_given_only_when_given",
            ),
        ]
        indexes = [
            # The framework list's "waiting for your consent" and propose()'s check.
            models.Index(
                fields=["board"],
                condition=Q(consent="requested"),
                name="framework_board_awaiting_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board.short_name} in {self.framework}"

    def get_absolute_url(self) -> str:
        return self.framework.get_absolute_url() + f"#board-{self.board_id}"

    @property
    def is_consented(self) -> bool:
        return self.consent == Consent.GIVEN

    def clean(self) -> None:
        if self.board_id and self.framework_id and self.board.partnership_id != self.framework.partnership_id:
            raise ValidationError({"board": "The board must belong to the framework's partnership."})

    def give_consent(self, user) -> FrameworkBoard:
        """One of the board's managers agrees to the board's being bound. The caller has
        checked the user manages the board; checked again here, under the row lock."""
        with transaction.atomic():
            # Race: two of the board's managers accepting at once, or one accepting while
            # another removes the request; the lock makes the second see the first's outcome.
            binding = FrameworkBoard.objects.select_for_update().filter(pk=self.pk).first()
            if binding is None:
                raise FrameworkError("This request was withdrawn.")
            if binding.consent == Consent.GIVEN:
                raise FrameworkError(f"{self.board.short_name} has already consented.")
            if not Membership.objects.managers().filter(user=user, board_id=binding.board_id).exists():
                raise FrameworkError("Only the board's managers may consent for it.")
            binding.consent = Consent.GIVEN
            binding.consent_given_by = user
            binding.consent_given_at = timezone.now()
            binding.save(update_fields=["consent", "consent_given_by", "consent_given_at"])
        return binding


class Responsibility(models.Model):
    """One responsibility of a board under the framework, grouped by the sub-group that carries it."""

    framework_board = models.ForeignKey(
        FrameworkBoard, on_delete=models.CASCADE, related_name="responsibilities"
    )
    sub_group = models.CharField(
        max_length=200, blank=True, help_text="Policies and procedures, serious case reviews, training…"
    )
    text = models.TextField()
    position = models.PositiveSmallIntegerField(default=1)

    history = HistoricalRecords(table_name="boards_historicalresponsibility")

    class Meta:
        db_table = "boards_responsibility"
        ordering = ["framework_board", "position", "pk"]
        verbose_name_plural = "responsibilities"

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return self.framework_board.get_absolute_url()


class SharedFunction(models.Model):
    """A function two or more boards share, delivered by one group (e.g. the Stay Safe Partnership)."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="shared_functions")
    name = models.CharField(max_length=200, help_text="Quality assurance, Section 11 compliance…")
    delivered_by = models.CharField(max_length=200, help_text="The group that delivers it.")
    description = models.TextField(blank=True)
    boards = models.ManyToManyField(
        Board, related_name="shared_functions", db_table="boards_sharedfunction_boards"
    )
    position = models.PositiveSmallIntegerField(default=1)

    history = HistoricalRecords(table_name="boards_historicalsharedfunction")

    # Not stored: set by frameworks.views._detail_context on a draft's page.
    can_remove: bool

    class Meta:
        db_table = "boards_sharedfunction"
        ordering = ["framework", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "name"], name="shared_function_unique_in_framework"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (through {self.delivered_by})"

    def get_absolute_url(self) -> str:
        return self.framework.get_absolute_url() + "#shared-functions"


class RelationshipKind(models.TextChoices):
    REPORTS_TO = "reports_to", "reports to"
    SCRUTINISES = "scrutinises", "scrutinises"
    ADVISES = "advises", "advises"
    RECEIVES_ANNUAL_REPORT_FROM = "receives_annual_report", "receives annual report from"
    HOLDS_TO_ACCOUNT = "holds_to_account", "holds to account"


class Relationship(models.Model):
    """One board's formal relationship to another under the framework: "PSCB scrutinises CT"."""

    Kind = RelationshipKind

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="relationships")
    from_board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="relationships_from")
    to_board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="relationships_to")
    kind = models.CharField(max_length=30, choices=RelationshipKind.choices)
    note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords(table_name="boards_historicalrelationship")

    # Not stored: set by frameworks.views._detail_context on a draft's page.
    can_remove: bool

    class Meta:
        db_table = "boards_relationship"
        ordering = ["framework", "from_board__short_name", "kind", "to_board__short_name"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_board=F("to_board")), name="relationship_not_to_itself"),
            models.CheckConstraint(
                condition=Q(kind__in=RelationshipKind.values), name="relationship_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["framework", "from_board", "to_board", "kind"], name="relationship_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_board.short_name} {self.get_kind_display()} {self.to_board.short_name}"

    def get_absolute_url(self) -> str:
        return self.framework.get_absolute_url() + "#relationships"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.from_board_id and self.from_board_id == self.to_board_id:
            errors["to_board"] = "A board cannot have a relationship with itself."
        if self.framework_id:
            bound = set(self.framework.framework_boards.consented().values_list("board_id", flat=True))
            for field in ("from_board", "to_board"):
                board = getattr(self, field) if getattr(self, f"{field}_id") else None
                if board is None:
                    continue
                if board.partnership_id != self.framework.partnership_id:
                    errors.setdefault(field, f"{board.short_name} belongs to another partnership.")
                elif board.pk not in bound:
                    errors.setdefault(
                        field,
                        f"{board.short_name} is not bound by this framework (or has not yet consented).",
                    )
        if errors:
            raise ValidationError(errors)


class AdoptionDecision(models.TextChoices):
    ADOPT = "adopt", "Adopted"
    DECLINE = "decline", "Declined"
    DEFER = "defer", "Deferred"


ADOPTION_TAGS: dict[str, str] = {
    AdoptionDecision.ADOPT: "govuk-tag--green",
    AdoptionDecision.DECLINE: "govuk-tag--red",
    AdoptionDecision.DEFER: "govuk-tag--yellow",
}


class Adoption(models.Model):
    """A board's decision on the framework at a dated meeting. Rows are only ever added:
    a board that deferred and later adopts has two rows, and the latest counts."""

    Decision = AdoptionDecision

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="adoptions")
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="adoptions")
    decision = models.CharField(max_length=10, choices=AdoptionDecision.choices)
    meeting_date = models.DateField(help_text="The date of the board meeting that decided.")
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adoptions_recorded",
        help_text="Empty for decisions brought in from a source document.",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(table_name="boards_historicaladoption")

    class Meta:
        db_table = "boards_adoption"
        ordering = ["framework", "-meeting_date", "-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=AdoptionDecision.values), name="adoption_decision_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board.short_name}: {self.get_decision_display()} on {self.meeting_date:%d %B %Y}"

    def get_absolute_url(self) -> str:
        return self.framework.get_absolute_url() + "#adoption"

    @property
    def decision_tag_class(self) -> str:
        return ADOPTION_TAGS.get(self.decision, "govuk-tag--grey")
