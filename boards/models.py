"""Partnerships, their boards, sub-committees and who holds which role on each."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Partnership(models.Model):
    """A local area whose boards work together (Sunderland, Stockton-on-Tees…)."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("boards:home") + f"#partnership-{self.slug}"


class AgencyKind(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    HEALTH = "health", "Health / integrated care board"
    POLICE = "police", "Police"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    FIRE = "fire", "Fire and rescue"
    VOLUNTARY_SECTOR = "voluntary_sector", "Voluntary sector"
    OTHER = "other", "Other"


class Agency(models.Model):
    """A partner agency of a partnership (the council, the ICB, the police…): members sit on
    boards for an agency, and an action may be led by one."""

    Kind = AgencyKind

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="agencies")
    name = models.CharField(max_length=200, help_text="For example: Sunderland City Council.")
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    illustrative = models.BooleanField(
        default=False, help_text="Demo data only: the source does not name this agency."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership__name", "name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="agency_name_unique_in_partnership"),
            models.CheckConstraint(condition=Q(kind__in=AgencyKind.values), name="agency_kind_valid"),
            models.CheckConstraint(condition=~Q(name=""), name="agency_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.partnership.get_absolute_url()


class BoardQuerySet(models.QuerySet):
    def visible_to(self, user) -> BoardQuerySet:
        """Boards the user holds a role on. Site staff use the Django admin instead."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)


class BoardKind(models.TextChoices):
    SAFEGUARDING_CHILDREN_BOARD = "lscb", "Safeguarding children board"
    SAFEGUARDING_CHILDREN_PARTNERSHIP = "scp", "Safeguarding children partnership"
    SAFEGUARDING_ADULTS_BOARD = "sab", "Safeguarding adults board"
    HEALTH_AND_WELLBEING_BOARD = "hwb", "Health and wellbeing board"
    IMPROVEMENT_BOARD = "improvement", "Improvement board"
    CHILDRENS_TRUST = "trust", "Children's trust"
    SCRUTINY_COMMITTEE = "scrutiny", "Scrutiny committee"
    CABINET = "cabinet", "Cabinet"
    OTHER = "other", "Other"


class Board(models.Model):
    Kind = BoardKind

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="boards")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=20, help_text="As the board is known: SSCB, SSAB, HWB…")
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    independent_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="boards_chaired",
        help_text="Receives escalations of long-overdue actions.",
    )
    statutory_basis = models.CharField(
        max_length=200, blank=True, help_text="For example: Children Act 2004 ss.13–14."
    )

    objects = BoardQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "short_name"], name="board_short_name_unique_in_partnership"
            ),
            models.CheckConstraint(condition=Q(kind__in=BoardKind.values), name="board_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.short_name})"

    def get_absolute_url(self) -> str:
        return reverse("boards:board", kwargs={"slug": self.slug})


class SubCommittee(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="sub_committees")
    name = models.CharField(max_length=200)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sub_committees_chaired",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "name"], name="sub_committee_name_unique_in_board")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.board.get_absolute_url() + f"#sub-committee-{self.pk}"


class Role(models.TextChoices):
    MANAGER = "manager", "Manager"
    CHAIR = "chair", "Chair"
    MEMBER = "member", "Member"
    EXECUTIVE = "executive", "Executive"


class MembershipQuerySet(models.QuerySet):
    def managers(self) -> MembershipQuerySet:
        return self.filter(role=Role.MANAGER)


class Membership(models.Model):
    """A user's role on one board. A user may hold different roles on different boards."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    job_title = models.CharField(max_length=200, blank=True)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        help_text="The partner agency the member sits for.",
    )

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "role", "user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "board"], name="membership_unique_per_user_and_board"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} of {self.board.short_name}"

    def get_absolute_url(self) -> str:
        return self.board.get_absolute_url() + "#members"

    def clean(self) -> None:
        if (
            self.agency is not None
            and self.board_id
            and self.agency.partnership_id != self.board.partnership_id
        ):
            raise ValidationError({"agency": "Choose an agency of the board's partnership."})
