"""Forms for reviews, recommendations, action links, impact evidence and improvement plans.

Every choice of a board, plan or action is limited to the review's partnership
here; models.clean() and the write functions check it again.
"""

from __future__ import annotations

import datetime

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms

from boards.forms import choice_field, model_choice_field
from boards.govuk_fields import GovukDateField, autocomplete_select
from boards.models import Board, Role
from plans.models import Action, BusinessPlan, PlanStatus

from .models import (
    Finding,
    FindingKind,
    FocusTheme,
    ImpactEvidence,
    Judgement,
    MonitoringBody,
    NotImplementedDecision,
    Recommendation,
    Review,
    ReviewKind,
    ReviewTeamMember,
    SubJudgement,
    WorkStrand,
)


def _require(form: forms.BaseForm, messages: dict[str, str]) -> None:
    """Say which answer is missing, as the GOV.UK error messages pattern asks."""
    for name, message in messages.items():
        form.fields[name].error_messages["required"] = message


def _helper(*fields, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    # The server checks every field and shows the error summary; the browser's own
    # validation bubbles would pre-empt it.
    helper.attrs = {"novalidate": ""}
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


class ReviewForm(forms.ModelForm):
    on_site_start = GovukDateField(label="First day on site", required=False)
    on_site_end = GovukDateField(label="Last day on site", required=False)
    published = GovukDateField(label="Date published", required=False)
    became_aware = GovukDateField(
        label="Became aware", required=False, help_text="When the partnership learnt of the incident."
    )
    notified = GovukDateField(
        label="Notified",
        required=False,
        help_text="When the incident was notified to the national panel (the Home Office for a domestic "
        "homicide review).",
    )
    rapid_review_held = GovukDateField(label="Rapid review held", required=False)
    decision_to_review = GovukDateField(
        label="Decision to review",
        required=False,
        help_text="When the partnership decided to hold the review.",
    )
    report_received = GovukDateField(
        label="Report received",
        required=False,
        help_text="The final report (for an Ofsted inspection: the inspection report, which starts the "
        "action plan's clock).",
    )
    action_plan_sent = GovukDateField(
        label="Action plan sent",
        required=False,
        help_text="Ofsted inspections: when the action plan was sent.",
    )
    reports_to = forms.ModelMultipleChoiceField(
        queryset=Board.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Boards it reports to",
    )

    class Meta:
        model = Review
        fields = [
            "kind",
            "title",
            "status",
            "on_site_start",
            "on_site_end",
            "dates_note",
            "published",
            "stage",
            "became_aware",
            "notified",
            "rapid_review_held",
            "decision_to_review",
            "report_received",
            "action_plan_sent",
            "commissioned_by",
            "reports_to",
            "summary",
            "overall_judgement",
            "intervention",
            "commissioner",
            "source",
        ]

    def __init__(self, *args, partnership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        model_choice_field(self, "reports_to").queryset = partnership.boards.all()
        if self.instance.pk:
            self.initial["reports_to"] = list(self.instance.reports.values_list("board_id", flat=True))
        self.fields["overall_judgement"].help_text = "Ofsted inspections only: leave as Not judged otherwise."
        choice_field(self, "kind").choices = [("", "Choose the kind of review"), *ReviewKind.choices]
        self.fields["stage"].help_text = (
            "Case reviews only (serious incidents, LCSPRs, SARs, SCRs and domestic homicide reviews). The "
            "clocks run from the dates below, whatever the stage."
        )
        _require(self, {"kind": "Choose the kind of review", "title": "Enter the review's title"})
        self.helper = _helper(
            Field.select("kind"),
            Field.text("title"),
            Field.select("status"),
            Field("on_site_start"),
            Field("on_site_end"),
            Field.text("dates_note"),
            Field("published"),
            Fieldset(
                Field.select("stage"),
                Field("became_aware"),
                Field("notified"),
                Field("rapid_review_held"),
                Field("decision_to_review"),
                Field("report_received"),
                Field("action_plan_sent"),
                legend="Case review and inspection dates",
                legend_size=Size.MEDIUM,
            ),
            Field.text("commissioned_by"),
            Field.checkboxes("reports_to"),
            Field.textarea("summary", rows=4),
            Field.select("overall_judgement"),
            Field.checkbox("intervention"),
            Field.text("commissioner"),
            Field.text("source"),
            submit="Save review",
        )

    def clean_title(self) -> str:
        title = self.cleaned_data["title"]
        clash = Review.objects.filter(partnership=self.instance.partnership, title=title).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise forms.ValidationError("The partnership already has a review with this title.")
        return title

    def save(self, commit: bool = True) -> Review:
        """Save the review and its reporting boards, keeping each board's existing report date."""
        review = super().save(commit=commit)
        if commit:
            wanted = set(self.cleaned_data["reports_to"])
            for report in review.reports.select_related("board"):
                if report.board not in wanted:
                    report.delete()
                wanted.discard(report.board)
            for board in wanted:
                review.reports.create(board=board)
        return review

    def _save_m2m(self) -> None:
        # reports_to goes through ReviewReport rows, handled in save().
        pass


class NotImplementedForm(forms.ModelForm):
    """A decision not to implement a recommendation or finding, and why."""

    decided_on = GovukDateField(label="Date of the decision")

    class Meta:
        model = NotImplementedDecision
        fields = ["reason", "decided_on", "decided_by"]
        labels = {"reason": "Why it will not be implemented", "decided_by": "Who decided"}
        help_texts = {
            "reason": "As it will be reported: a SAB's annual report gives the reason for every finding it "
            "decided not to implement (Care Act 2014, Schedule 2).",
        }

    def __init__(self, *args, review: Review, subject: Recommendation | Finding, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.review = review
        if isinstance(subject, Recommendation):
            self.instance.recommendation = subject
        else:
            self.instance.finding = subject
        _require(
            self,
            {
                "reason": "Enter why it will not be implemented",
                "decided_on": "Enter the date of the decision",
            },
        )
        self.helper = _helper(
            Field.textarea("reason", rows=5),
            Field("decided_on"),
            Field.text("decided_by"),
            submit="Record the decision",
        )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Enter why it will not be implemented")
        return reason


class RecommendationForm(forms.ModelForm):
    class Meta:
        model = Recommendation
        fields = ["number", "text", "finding", "owner_board", "response", "owner"]
        labels = {"text": "Recommendation", "finding": "The finding it answers"}
        # GOV.UK asks for numbers in a text box with a number keyboard, not type="number".
        widgets = {"number": forms.TextInput(attrs={"inputmode": "numeric"})}

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.review = review
        model_choice_field(self, "owner_board").queryset = review.partnership.boards.all()
        model_choice_field(self, "finding").queryset = review.findings.all()
        model_choice_field(self, "finding").empty_label = "None"
        model_choice_field(self, "owner_board").empty_label = "None"
        _require(self, {"number": "Enter the recommendation's number", "text": "Enter the recommendation"})
        if not self.instance.pk:
            last = review.recommendations.order_by("-number").values_list("number", flat=True).first()
            self.initial["number"] = (last or 0) + 1
        self.helper = _helper(
            Field.text("number", field_width=4),
            Field.textarea("text", rows=4),
            Field.select("finding"),
            Field.select("owner_board"),
            Field.radios("response", inline=False),
            Field.text("owner"),
            submit="Save recommendation",
        )

    def clean_number(self) -> int:
        number = self.cleaned_data["number"]
        clash = Recommendation.objects.filter(review=self.instance.review, number=number).exclude(
            pk=self.instance.pk
        )
        if clash.exists():
            raise forms.ValidationError(f"This review already has a recommendation {number}.")
        return number


def actions_of_partnership(partnership_pk: int):
    """Actions a recommendation may be linked to: those of the partnership's plans in force
    (a draft's actions are not the board's yet)."""
    return Action.objects.in_force().filter(
        objective__priority_area__plan__board__partnership_id=partnership_pk
    )


class ActionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, action: Action) -> str:
        plan = action.objective.priority_area.plan
        return (
            f"{plan.board.short_name} · {plan.title} · {action.number or action.objective.number}: "
            f"{action.description[:120]}"
        )


class LinkActionForm(forms.Form):
    action = ActionChoiceField(
        queryset=Action.objects.none(),
        label="Action that answers this recommendation",
        help_text="Actions in the approved plans of the partnership's boards (a draft's actions once it is "
        "approved). Type an objective number or words from the action.",
        empty_label="Choose an action",
        widget=autocomplete_select(),
        error_messages={"invalid_choice": "Choose an action from the list"},
    )

    def __init__(self, *args, recommendation: Recommendation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.recommendation = recommendation
        model_choice_field(self, "action").queryset = (
            actions_of_partnership(recommendation.review.partnership_id)
            .exclude(recommendation_links__recommendation=recommendation)
            .exclude(objective__priority_area__plan__status=PlanStatus.ARCHIVED)
            .select_related("objective__priority_area__plan__board")
            .order_by(
                "objective__priority_area__plan__board__short_name",
                "objective__priority_area__plan",
                "objective",
                "position",
            )
        )
        _require(self, {"action": "Choose the action that answers this recommendation"})
        self.helper = _helper(Field.select("action"), submit="Link action")


class ImpactEvidenceForm(forms.ModelForm):
    date = GovukDateField(label="Date of the evidence")
    link = forms.URLField(
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text="A link to the audit, report or indicator's values.",
        widget=forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false", "autocomplete": "url"}),
    )

    class Meta:
        model = ImpactEvidence
        fields = ["text", "date", "link", "indicator_reference", "verified"]
        labels = {"verified": "I have checked this evidence: the action's impact is verified"}
        help_texts = {"verified": ""}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _require(self, {"text": "Describe what the evidence shows"})
        self.helper = _helper(
            Field.textarea("text", rows=4),
            Field("date"),
            Field.text("link"),
            Field.text("indicator_reference"),
            Field.checkbox("verified"),
            submit="Save evidence",
        )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if not cleaned.get("link") and not cleaned.get("indicator_reference") and not self.has_error("link"):
            self.add_error(
                "link", "Give a link to the audit or figures, or an indicator reference, so others can check."
            )
        return cleaned


class ImprovementPlanForm(forms.Form):
    board = forms.ModelChoiceField(
        queryset=Board.objects.none(), label="Board that owns the plan", empty_label="Choose a board"
    )
    title = forms.CharField(max_length=250, label="Plan title")
    period_start = GovukDateField(label="Plan start date")
    period_end = GovukDateField(label="Plan end date")

    def __init__(self, *args, review: Review, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.review = review
        # Only boards the user manages: they will edit the plan as any plan of their board.
        model_choice_field(self, "board").queryset = review.partnership.boards.filter(
            memberships__user=user, memberships__role=Role.MANAGER
        )
        self.initial.setdefault("title", f"Improvement plan: {review.title}"[:250])
        _require(self, {"board": "Choose the board that owns the plan", "title": "Enter the plan's title"})
        self.helper = _helper(
            Field.select("board"),
            Field.text("title"),
            Field("period_start"),
            Field("period_end"),
            submit="Create improvement plan",
        )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end <= start:
            self.add_error("period_end", "The plan must end after it starts.")
        board, title = cleaned.get("board"), cleaned.get("title")
        if (
            board
            and title
            and start
            and BusinessPlan.objects.filter(board=board, title=title, period_start=start).exists()
        ):
            self.add_error("title", "This board already has a plan with this title and start date.")
        return cleaned


class MonitoringBodyForm(forms.ModelForm):
    class Meta:
        model = MonitoringBody
        fields = ["board", "name"]
        labels = {"board": "A board of the partnership", "name": "Or the name of another body"}

    def __init__(self, *args, plan: BusinessPlan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        last = plan.monitoring_bodies.order_by("-position").values_list("position", flat=True).first()
        self.instance.position = (last or 0) + 1
        model_choice_field(self, "board").queryset = plan.board.partnership.boards.exclude(
            plans_monitored__plan=plan
        )
        self.fields["board"].required = False
        model_choice_field(self, "board").empty_label = "Choose a board"  # or name another body below
        self.helper = _helper(Field.select("board"), Field.text("name"), submit="Add monitoring body")


class ReviewPartForm(forms.ModelForm):
    """Base for the parts of a review added one at a time: team, focus, strands, findings, judgements."""

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.review = review
        self.helper = _helper(*self.layout_fields(), submit="Add")

    def layout_fields(self) -> list:
        return [Field.text(name) for name in self.fields]


class TeamMemberForm(ReviewPartForm):
    class Meta:
        model = ReviewTeamMember
        fields = ["name", "role", "organisation"]


class FocusThemeForm(ReviewPartForm):
    class Meta:
        model = FocusTheme
        fields = ["kind", "text"]
        labels = {"kind": "What kind of focus", "text": "Theme, issue or line of enquiry"}
        widgets = {"kind": forms.RadioSelect}

    def layout_fields(self) -> list:
        return [Field.radios("kind"), Field.text("text")]


class WorkStrandForm(ReviewPartForm):
    class Meta:
        model = WorkStrand
        fields = ["name", "records_audited"]
        labels = {"records_audited": "Records audited (if any)"}
        widgets = {"records_audited": forms.TextInput(attrs={"inputmode": "numeric"})}

    def layout_fields(self) -> list:
        return [Field.text("name"), Field.text("records_audited", field_width=4)]


class FindingForm(ReviewPartForm):
    class Meta:
        model = Finding
        fields = ["kind", "text", "theme"]
        labels = {
            "kind": "Strength or area for improvement",
            "text": "What the review found",
            "theme": "Theme (optional)",
        }
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, review=review, **kwargs)
        choice_field(self, "kind").choices = FindingKind.choices
        model_choice_field(self, "theme").queryset = review.focus_themes.all()
        model_choice_field(self, "theme").empty_label = "No particular theme"
        _require(
            self, {"kind": "Choose strength or area for improvement", "text": "Enter what the review found"}
        )

    def layout_fields(self) -> list:
        return [Field.radios("kind"), Field.textarea("text", rows=3), Field.select("theme")]


class SubJudgementForm(ReviewPartForm):
    class Meta:
        model = SubJudgement
        fields = ["area", "judgement"]
        labels = {"area": "Area judged, e.g. Children who need help and protection"}
        widgets = {"judgement": forms.RadioSelect}

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, review=review, **kwargs)
        choice_field(self, "judgement").choices = [c for c in Judgement.choices if c[0]]

    def layout_fields(self) -> list:
        return [Field.text("area"), Field.radios("judgement")]


# part (in the URL) → form, and how the page names one item
REVIEW_PARTS: dict[str, tuple[type[ReviewPartForm], str]] = {
    "team": (TeamMemberForm, "a review team member"),
    "focus": (FocusThemeForm, "a theme or line of enquiry"),
    "strands": (WorkStrandForm, "a strand of work"),
    "findings": (FindingForm, "a finding"),
    "judgements": (SubJudgementForm, "a judgement"),
}
