"""Peer reviews and inspections: what they found, what they recommended, and the
plan actions and evidence of impact that answer each recommendation.

The chain an Improvement Board follows is finding → recommendation → action
(in any plan of the partnership) → impact evidence. Reviews belong to a
partnership, not to one board: they usually report to several boards.
"""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from boards.models import Board, Partnership
from plans.models import Action, BusinessPlan


class ReviewKind(models.TextChoices):
    LGA_PEER_REVIEW = "lga_peer_review", "LGA safeguarding peer review"
    LGA_DIAGNOSTIC = "lga_diagnostic", "LGA safeguarding practice diagnostic review"
    OFSTED = "ofsted", "Ofsted inspection"
    CORE_ASSETS = "core_assets", "Core Assets review"
    CRITICAL_FRIEND = "critical_friend", "Critical friend review"
    # Before 2019 (Working Together 2018) children's case reviews were serious case reviews.
    CASE_REVIEW = "case_review", "Serious case review (legacy SCR)"
    SERIOUS_INCIDENT = "serious_incident", "Serious incident notification and rapid review"
    LCSPR = "lcspr", "Local child safeguarding practice review (LCSPR)"
    SAR = "sar", "Safeguarding adults review (SAR)"
    DOMESTIC_HOMICIDE = "dhr", "Domestic homicide review"
    SECTION_11 = "section_11", "Section 11 audit"
    OTHER = "other", "Other"


# The reviews of serious cases a board runs itself, to statutory clocks (reviews.clocks).
CASE_REVIEW_KINDS = frozenset(
    {
        ReviewKind.CASE_REVIEW,
        ReviewKind.SERIOUS_INCIDENT,
        ReviewKind.LCSPR,
        ReviewKind.SAR,
        ReviewKind.DOMESTIC_HOMICIDE,
    }
)


class CaseReviewStage(models.TextChoices):
    """Where a case review has got to. Always empty for reviews that are not case reviews."""

    NOT_RECORDED = "", "Not recorded"
    AWARE = "aware", "Incident known, not yet notified"
    NOTIFIED = "notified", "Notified, rapid review to hold"
    RAPID_REVIEW_HELD = "rapid_review_held", "Rapid review held, decision to make"
    NO_FURTHER_REVIEW = "no_further_review", "Decided not to hold a review"
    UNDER_WAY = "under_way", "Review under way"
    REPORT_RECEIVED = "report_received", "Report received"
    PUBLISHED = "published", "Published"
    CLOSED = "closed", "Closed"


# The date a stage needs before a review can be said to have reached it.
STAGE_NEEDS_DATE: dict[str, str] = {
    CaseReviewStage.NOTIFIED: "notified",
    CaseReviewStage.RAPID_REVIEW_HELD: "rapid_review_held",
    CaseReviewStage.UNDER_WAY: "decision_to_review",
    CaseReviewStage.REPORT_RECEIVED: "report_received",
    CaseReviewStage.PUBLISHED: "published",
}


class ReviewStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    UNDER_WAY = "under_way", "Under way"
    REPORTED = "reported", "Reported"
    CLOSED = "closed", "Closed"


class Judgement(models.TextChoices):
    """Ofsted's four-point scale."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement to be good"
    INADEQUATE = "inadequate", "Inadequate"
    NOT_JUDGED = "", "Not judged"


# GOV.UK tag modifier for each judgement; the tag always carries the word too.
JUDGEMENT_TAG_CLASSES: dict[str, str] = {
    Judgement.OUTSTANDING: "govuk-tag--blue",
    Judgement.GOOD: "govuk-tag--green",
    Judgement.REQUIRES_IMPROVEMENT: "govuk-tag--orange",
    Judgement.INADEQUATE: "govuk-tag--red",
    Judgement.NOT_JUDGED: "govuk-tag--grey",
}


class ReviewQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReviewQuerySet:
        """Reviews of partnerships where the user holds a role on any board."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(partnership__boards__memberships__user=user).distinct()


class Review(models.Model):
    Kind = ReviewKind
    Status = ReviewStatus

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(max_length=30, choices=ReviewKind.choices)
    title = models.CharField(max_length=250)
    on_site_start = models.DateField(null=True, blank=True, verbose_name="On site from")
    on_site_end = models.DateField(null=True, blank=True, verbose_name="On site until")
    dates_note = models.CharField(
        max_length=200,
        blank=True,
        help_text="When the exact dates are not known, as the source puts it, e.g. “completed early 2014”.",
    )
    published = models.DateField(null=True, blank=True, verbose_name="Date published")
    commissioned_by = models.CharField(max_length=250, blank=True, verbose_name="Who commissioned it")
    reports_to = models.ManyToManyField(
        Board, through="ReviewReport", related_name="reviews_reported", blank=True
    )
    status = models.CharField(max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.REPORTED)
    summary = models.TextField(blank=True)
    overall_judgement = models.CharField(
        max_length=30,
        choices=Judgement.choices,
        blank=True,
        default=Judgement.NOT_JUDGED,
        help_text="Ofsted inspections only.",
    )
    intervention = models.BooleanField(
        default=False, help_text="The minister placed the services in intervention."
    )
    commissioner = models.CharField(
        max_length=250, blank=True, help_text="The commissioner appointed with an intervention."
    )
    source = models.CharField(
        max_length=300, blank=True, help_text="The report or board paper this record was taken from."
    )
    # The dates that drive the statutory clocks (reviews.clocks).
    stage = models.CharField(
        max_length=20,
        choices=CaseReviewStage.choices,
        blank=True,
        default=CaseReviewStage.NOT_RECORDED,
        help_text="Case reviews only: where the review has got to.",
    )
    became_aware = models.DateField(
        null=True,
        blank=True,
        verbose_name="Became aware",
        help_text="When the partnership learnt of the incident.",
    )
    notified = models.DateField(
        null=True,
        blank=True,
        verbose_name="Notified",
        help_text="When the incident was notified to the national panel (or the Home Office for a DHR).",
    )
    rapid_review_held = models.DateField(null=True, blank=True, verbose_name="Rapid review held")
    decision_to_review = models.DateField(
        null=True,
        blank=True,
        verbose_name="Decision to review",
        help_text="When the partnership decided to hold the review (or not to).",
    )
    report_received = models.DateField(
        null=True,
        blank=True,
        verbose_name="Report received",
        help_text="When the final report reached the partnership (for Ofsted: the inspection report).",
    )
    action_plan_sent = models.DateField(
        null=True,
        blank=True,
        verbose_name="Action plan sent",
        help_text="Ofsted inspections: when the written action plan was sent to Ofsted.",
    )

    objects = ReviewQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership__name", "-on_site_start", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "title"], name="review_title_unique_in_partnership"
            ),
            models.CheckConstraint(condition=Q(kind__in=ReviewKind.values), name="review_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ReviewStatus.values), name="review_status_valid"),
            models.CheckConstraint(
                condition=Q(overall_judgement__in=Judgement.values), name="review_judgement_valid"
            ),
            models.CheckConstraint(
                condition=Q(overall_judgement="") | Q(kind=ReviewKind.OFSTED),
                name="review_judgement_only_for_ofsted",
            ),
            models.CheckConstraint(
                condition=Q(on_site_start__isnull=True)
                | Q(on_site_end__isnull=True)
                | Q(on_site_end__gte=F("on_site_start")),
                name="review_on_site_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(commissioner="") | Q(intervention=True),
                name="review_commissioner_only_with_intervention",
            ),
            models.CheckConstraint(condition=Q(stage__in=CaseReviewStage.values), name="review_stage_valid"),
            models.CheckConstraint(
                condition=Q(stage="") | Q(kind__in=sorted(CASE_REVIEW_KINDS)),
                name="review_stage_only_for_case_reviews",
            ),
            models.CheckConstraint(
                condition=Q(notified__isnull=True)
                | Q(became_aware__isnull=True)
                | Q(notified__gte=F("became_aware")),
                name="review_notified_not_before_aware",
            ),
            models.CheckConstraint(
                condition=Q(rapid_review_held__isnull=True)
                | Q(notified__isnull=True)
                | Q(rapid_review_held__gte=F("notified")),
                name="review_rapid_review_not_before_notified",
            ),
        ]
        indexes = [
            # A board's "Reviews in progress" page and the clock reminders select open case reviews by kind.
            models.Index(fields=["partnership", "kind", "stage"], name="review_partnership_kind_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reviews:review", kwargs={"pk": self.pk})

    def clean(self) -> None:
        errors = {}
        if self.overall_judgement and self.kind != ReviewKind.OFSTED:
            errors["overall_judgement"] = "Only Ofsted inspections have an overall judgement."
        if self.on_site_start and self.on_site_end and self.on_site_end < self.on_site_start:
            errors["on_site_end"] = "The last day on site must be on or after the first."
        if self.commissioner and not self.intervention:
            errors["commissioner"] = "A commissioner is appointed only with an intervention."
        if self.stage and self.kind not in CASE_REVIEW_KINDS:
            errors["stage"] = "Only case reviews have a stage."
        if (field := STAGE_NEEDS_DATE.get(self.stage)) and getattr(self, field) is None:
            # A date field of this model (STAGE_NEEDS_DATE), not a relation.
            label = cast(models.Field, self._meta.get_field(field)).verbose_name
            errors.setdefault(
                field, f"Enter the date ({label.lower()}) for the stage “{self.get_stage_display()}”."
            )
        if self.became_aware and self.notified and self.notified < self.became_aware:
            errors["notified"] = "The notification must be on or after the day the partnership became aware."
        if self.notified and self.rapid_review_held and self.rapid_review_held < self.notified:
            errors["rapid_review_held"] = "The rapid review must be on or after the notification."
        if errors:
            raise ValidationError(errors)

    @property
    def dates_label(self) -> str:
        start, end = self.on_site_start, self.on_site_end
        if start and end:
            if start == end:
                return f"{start.day} {start:%B %Y}"
            if (start.year, start.month) == (end.year, end.month):
                return f"{start.day}–{end.day} {end:%B %Y}"
            if start.year == end.year:
                return f"{start.day} {start:%B} – {end.day} {end:%B %Y}"
            return f"{start.day} {start:%B %Y} – {end.day} {end:%B %Y}"
        if start:
            return f"from {start.day} {start:%B %Y}"
        return self.dates_note or "Not recorded"

    @property
    def judgement_tag_class(self) -> str:
        return JUDGEMENT_TAG_CLASSES.get(self.overall_judgement, "govuk-tag--grey")

    @property
    def is_case_review(self) -> bool:
        return self.kind in CASE_REVIEW_KINDS


class ReviewReport(models.Model):
    """A board the review reports to, and when it was reported there."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports")
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="review_reports")
    reported_on = models.DateField(null=True, blank=True, help_text="The meeting that received the report.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "reported_on", "board__name"]
        constraints = [
            models.UniqueConstraint(fields=["review", "board"], name="review_report_unique_per_board"),
        ]

    def __str__(self) -> str:
        when = f" on {self.reported_on:%-d %B %Y}" if self.reported_on else ""
        return f"Reported to {self.board.short_name}{when}"

    def get_absolute_url(self) -> str:
        return self.review.get_absolute_url() + "#summary"

    def clean(self) -> None:
        if self.board_id and self.review_id and self.board.partnership_id != self.review.partnership_id:
            raise ValidationError({"board": "Choose a board of the review's partnership."})


class SubJudgement(models.Model):
    """An Ofsted judgement on one area, e.g. “Children who need help and protection”."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="sub_judgements")
    position = models.PositiveIntegerField()
    area = models.CharField(max_length=250)
    judgement = models.CharField(max_length=30, choices=Judgement.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "area"], name="sub_judgement_area_unique_in_review"),
            models.UniqueConstraint(
                fields=["review", "position"], name="sub_judgement_position_unique_in_review"
            ),
            models.CheckConstraint(
                condition=Q(judgement__in=Judgement.values) & ~Q(judgement=""), name="sub_judgement_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.get_judgement_display()}"

    def get_absolute_url(self) -> str:
        return self.review.get_absolute_url() + "#judgements"

    @property
    def judgement_tag_class(self) -> str:
        return JUDGEMENT_TAG_CLASSES.get(self.judgement, "govuk-tag--grey")


class ReviewTeamMember(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="team")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=250, blank=True)
    organisation = models.CharField(max_length=250, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "position"], name="team_member_position_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.review.get_absolute_url() + "#team"


class FocusKind(models.TextChoices):
    THEME = "theme", "Key theme"
    ISSUE = "issue", "Additional issue"
    LINE_OF_ENQUIRY = "line_of_enquiry", "Key line of enquiry"


class FocusTheme(models.Model):
    """A theme or key line of enquiry the review was asked to look at."""

    Kind = FocusKind

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="focus_themes")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=FocusKind.choices, default=FocusKind.THEME)
    text = models.CharField(max_length=300)

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "position"], name="focus_theme_position_unique"),
            models.CheckConstraint(condition=Q(kind__in=FocusKind.values), name="focus_theme_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.text

    def get_absolute_url(self) -> str:
        return self.review.get_absolute_url() + "#focus"


class WorkStrand(models.Model):
    """A strand of work on site, e.g. a case records review with the records audited."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="strands")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=250)
    records_audited = models.PositiveIntegerField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "position"], name="work_strand_position_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.review.get_absolute_url() + "#strands"


class FindingKind(models.TextChoices):
    STRENGTH = "strength", "Strength"
    AREA_FOR_IMPROVEMENT = "area_for_improvement", "Area for improvement"


class Finding(models.Model):
    Kind = FindingKind

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="findings")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=30, choices=FindingKind.choices)
    text = models.TextField()
    theme = models.ForeignKey(
        FocusTheme, on_delete=models.SET_NULL, null=True, blank=True, related_name="findings"
    )
    illustrative = models.BooleanField(
        default=False, help_text="Demo text: the source does not give this finding's words."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "position"], name="finding_position_unique"),
            models.CheckConstraint(condition=Q(kind__in=FindingKind.values), name="finding_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:80]}"

    def get_absolute_url(self) -> str:
        return self.review.get_absolute_url() + f"#finding-{self.pk}"

    def clean(self) -> None:
        if self.review_id and self.theme is not None and self.theme.review_id != self.review_id:
            raise ValidationError({"theme": "Choose a theme of this review."})


class Response(models.TextChoices):
    AWAITING = "", "No response yet"
    ACCEPTED = "accepted", "Accepted"
    PARTLY = "partly", "Partly accepted"
    NOT_ACCEPTED = "not_accepted", "Not accepted"


class Recommendation(models.Model):
    Response = Response

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    finding = models.ForeignKey(
        Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="recommendations"
    )
    owner_board = models.ForeignKey(
        Board,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations_owned",
        verbose_name="Board that owns the response",
    )
    response = models.CharField(
        max_length=20, choices=Response.choices, blank=True, default=Response.AWAITING
    )
    owner = models.CharField(
        max_length=250, blank=True, help_text="The person or role who leads the response."
    )
    illustrative = models.BooleanField(
        default=False,
        help_text="Demo text: the source document does not give this recommendation's words.",
    )
    actions = models.ManyToManyField(
        Action, through="RecommendationAction", related_name="recommendations", blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "number"], name="recommendation_number_unique_in_review"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="recommendation_number_positive"),
            models.CheckConstraint(
                condition=Q(response__in=Response.values), name="recommendation_response_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Recommendation {self.number}: {self.text[:80]}"

    def get_absolute_url(self) -> str:
        return self.review.get_absolute_url() + f"#recommendation-{self.number}"

    def clean(self) -> None:
        errors = {}
        if (
            self.review_id
            and self.owner_board is not None
            and self.owner_board.partnership_id != self.review.partnership_id
        ):
            errors["owner_board"] = "Choose a board of the review's partnership."
        if self.review_id and self.finding is not None and self.finding.review_id != self.review_id:
            errors["finding"] = "Choose a finding of this review."
        if errors:
            raise ValidationError(errors)


def action_partnership_id(action: Action) -> int:
    return action.objective.priority_area.plan.board.partnership_id


class RecommendationAction(models.Model):
    """An action that answers a recommendation. Both must belong to the same partnership."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="action_links")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="recommendation_links")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["recommendation", "action__objective__priority_area__plan", "action__objective", "action"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "action"], name="recommendation_action_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.recommendation} ← {self.action}"

    def get_absolute_url(self) -> str:
        return self.recommendation.get_absolute_url()

    def clean(self) -> None:
        if (
            self.recommendation_id
            and self.action_id
            and action_partnership_id(self.action) != self.recommendation.review.partnership_id
        ):
            raise ValidationError({"action": "Choose an action in a plan of the review's partnership."})


class ImpactEvidenceQuerySet(models.QuerySet):
    def verified(self) -> ImpactEvidenceQuerySet:
        return self.filter(verified=True)


class ImpactEvidence(models.Model):
    """Evidence that an action made a difference: an audit, an indicator's values…

    An action's impact is verified when it has at least one verified piece of evidence.
    """

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="impact_evidence")
    text = models.TextField(verbose_name="What the evidence shows")
    date = models.DateField(
        null=True,
        help_text="The date of the audit, figures or report (empty only when the source gives none).",
    )
    link = models.URLField(blank=True, help_text="A link to the audit, report or indicator's values.")
    indicator_reference = models.CharField(
        max_length=200, blank=True, help_text="An indicator and period, e.g. NI64 Q2 2015/16."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    verified = models.BooleanField(default=False, help_text="A manager has checked the evidence.")
    verified_on = models.DateField(null=True, blank=True)

    objects = ImpactEvidenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "-date", "-pk"]
        verbose_name_plural = "impact evidence"
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="impact_evidence_text_not_empty"),
            models.CheckConstraint(
                condition=Q(verified=True, verified_on__isnull=False)
                | Q(verified=False, verified_on__isnull=True),
                name="impact_evidence_verified_on_iff_verified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date_label}: {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return self.action.get_absolute_url() + "#impact-evidence"

    @property
    def date_label(self) -> str:
        return f"{self.date.day} {self.date:%B %Y}" if self.date else "Date not recorded"


class ImprovementPlan(models.Model):
    """A business plan that answers a review. A plan may answer several reviews."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="improvement_plans")
    plan = models.ForeignKey(BusinessPlan, on_delete=models.CASCADE, related_name="answers_reviews")

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "plan"]
        constraints = [
            models.UniqueConstraint(fields=["review", "plan"], name="improvement_plan_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.title} answers {self.review.title}"

    def get_absolute_url(self) -> str:
        return self.plan.get_absolute_url()

    def clean(self) -> None:
        if self.plan_id and self.review_id and self.plan.board.partnership_id != self.review.partnership_id:
            raise ValidationError({"plan": "Choose a plan of the review's partnership."})


class MonitoringBody(models.Model):
    """A body that monitors an improvement plan: a board of the partnership, or one named in words."""

    plan = models.ForeignKey(BusinessPlan, on_delete=models.CASCADE, related_name="monitoring_bodies")
    position = models.PositiveIntegerField()
    board = models.ForeignKey(
        Board, on_delete=models.PROTECT, null=True, blank=True, related_name="plans_monitored"
    )
    name = models.CharField(
        max_length=250, blank=True, help_text="For a body with no board here, e.g. Children's Scrutiny Panel."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "position"]
        verbose_name_plural = "monitoring bodies"
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="monitoring_body_position_unique"),
            models.UniqueConstraint(
                fields=["plan", "board"], condition=Q(board__isnull=False), name="monitoring_board_unique"
            ),
            models.CheckConstraint(
                condition=(Q(board__isnull=False) & Q(name="")) | (Q(board__isnull=True) & ~Q(name="")),
                name="monitoring_body_board_xor_name",
            ),
        ]

    def __str__(self) -> str:
        return self.board.name if self.board is not None else self.name

    def get_absolute_url(self) -> str:
        return self.plan.get_absolute_url() + "#monitoring"

    @property
    def display_name(self) -> str:
        if self.board is not None:
            return f"{self.board.name} ({self.board.short_name})"
        return self.name

    def clean(self) -> None:
        if bool(self.board_id) == bool(self.name):
            raise ValidationError("Choose a board, or name another body, but not both.")
        if (
            self.plan_id
            and self.board is not None
            and self.board.partnership_id != self.plan.board.partnership_id
        ):
            raise ValidationError({"board": "Choose a board of the plan's partnership."})


class NotImplementedDecision(models.Model):
    """A recorded decision not to implement a recommendation or a finding, with its reason.

    Care Act 2014 Schedule 2 para 4 asks a SAB's annual report for the findings it decided
    not to implement and why; the yearly report reads these rows.
    """

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="not_implemented_decisions")
    recommendation = models.OneToOneField(
        Recommendation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="not_implemented_decision",
    )
    finding = models.OneToOneField(
        Finding, on_delete=models.CASCADE, null=True, blank=True, related_name="not_implemented_decision"
    )
    reason = models.TextField(help_text="Why the board decided not to implement it, as it will be reported.")
    decided_on = models.DateField(help_text="The date of the decision (the meeting that took it).")
    decided_by = models.CharField(
        max_length=250, blank=True, help_text="Who decided, e.g. the SSAB meeting of 12 March."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    illustrative = models.BooleanField(
        default=False, help_text="Demo data only: the source does not record this decision."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["review", "decided_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(recommendation__isnull=False) & Q(finding__isnull=True))
                | (Q(recommendation__isnull=True) & Q(finding__isnull=False)),
                name="not_implemented_recommendation_xor_finding",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="not_implemented_reason_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Not implemented: {self.subject}"

    def get_absolute_url(self) -> str:
        return self.subject.get_absolute_url()

    @property
    def subject(self) -> Recommendation | Finding:
        subject = self.recommendation if self.recommendation_id else self.finding
        assert subject is not None  # not_implemented_recommendation_xor_finding: one is set
        return subject

    def clean(self) -> None:
        if bool(self.recommendation_id) == bool(self.finding_id):
            raise ValidationError("Name a recommendation or a finding, but not both.")
        if self.subject is not None and self.review_id and self.subject.review_id != self.review_id:
            raise ValidationError("Choose a recommendation or finding of this review.")
