"""Plan page filters. The filter state lives in the query string (a GET form), so a
filtered view can be shared and bookmarked."""

from __future__ import annotations

import datetime
from collections import Counter

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import F, Q, Value
from django.db.models.functions import Concat

from boards.forms import choice_field
from boards.models import SubCommittee

from .models import RAG_TAG_CLASSES, ActionQuerySet, BusinessPlan, Rag, Status

RAG_ORDER = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.BLUE, Rag.NOT_RATED]


class PlanFilterForm(forms.Form):
    # The choices are filled from the priority areas the page loads anyway (no extra query).
    area = forms.IntegerField(label="Priority area", required=False, min_value=1, widget=forms.Select)
    lead = forms.ChoiceField(label="Lead or sub-committee", required=False)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *Status.choices])
    rag = forms.ChoiceField(
        label="RAG rating",
        required=False,
        choices=[("", "Any rating"), *((v or "none", label) for v, label in Rag.choices)],
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)
    due_within = forms.IntegerField(
        label="Due within (days)",
        required=False,
        min_value=1,
        max_value=3650,
        error_messages={
            "invalid": "Due within must be a whole number of days, like 30",
            "min_value": "Due within must be 1 day or more",
            "max_value": "Due within must be 3,650 days (ten years) or fewer",
        },
    )
    q = forms.CharField(label="Search the actions", required=False, max_length=200)

    def __init__(self, *args, plan: BusinessPlan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].widget.choices = [("", "All priority areas")]
        # The board's sub-committees and the people named as leads in this plan, in one query.
        sub_committees = (
            SubCommittee.objects.filter(board=plan.board_id)
            .annotate(kind=Value("sc"), label=F("name"))
            .values_list("kind", "pk", "label")
            .order_by()
        )
        people = (
            get_user_model()
            .objects.filter(actions_led__objective__priority_area__plan=plan)
            .annotate(kind=Value("user"), label=Concat("first_name", Value(" "), "last_name"))
            .values_list("kind", "pk", "label")
            .order_by()
        )
        leads = sorted(sub_committees.union(people), key=lambda row: (row[0], row[2].lower()))
        choice_field(self, "lead").choices = [
            ("", "Any lead"),
            ("Sub-committees", [(f"sc-{pk}", label) for kind, pk, label in leads if kind == "sc"]),
            ("People", [(f"user-{pk}", label.strip()) for kind, pk, label in leads if kind == "user"]),
        ]
        for name, bound in self.fields.items():
            if isinstance(bound.widget, forms.Select):
                bound.widget.attrs["class"] = "govuk-select"
            elif name != "overdue":
                bound.widget.attrs["class"] = "govuk-input"
        self.fields["due_within"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-4", "inputmode": "numeric"}
        )
        self.fields["due_within"].widget.input_type = "text"
        self.fields["q"].widget.input_type = "search"

    def set_areas(self, areas) -> None:
        self.fields["area"].widget.choices = [
            ("", "All priority areas"),
            *((a.number, f"{a.number} – {a.title}") for a in areas),
        ]

    @property
    def active(self) -> bool:
        return (
            self.is_bound
            and self.is_valid()
            and any(v not in (None, "", False) for v in self.cleaned_data.values())
        )


def filter_actions(actions: ActionQuerySet, form: PlanFilterForm, today: datetime.date) -> ActionQuerySet:
    if not form.is_bound or not form.is_valid():
        return actions
    data = form.cleaned_data
    if data["area"] is not None:
        actions = actions.filter(objective__priority_area__number=data["area"])
    lead = data["lead"]
    if lead.startswith("sc-"):
        actions = actions.filter(lead_sub_committee_id=int(lead[3:]))
    elif lead.startswith("user-"):
        actions = actions.filter(responsible_id=int(lead[5:]))
    if data["status"]:
        actions = actions.filter(status=data["status"])
    if data["rag"]:
        actions = actions.filter(rag="" if data["rag"] == "none" else data["rag"])
    if data["overdue"]:
        actions = actions.overdue(today)
    if data["due_within"]:
        actions = actions.open().filter(
            due_date__gte=today, due_date__lte=today + datetime.timedelta(days=data["due_within"])
        )
    if data["q"]:
        q = data["q"]
        actions = actions.filter(
            Q(description__icontains=q) | Q(lead_role__icontains=q) | Q(deferred_to__icontains=q)
        )
    return actions


def rag_counts(actions) -> list[tuple[str, str, int]]:
    """[(tag class, label, count), …] for the actions shown, counted from what the page
    already loaded (no extra query)."""
    counts = Counter(action.rag for action in actions)
    labels = dict(Rag.choices)
    return [(RAG_TAG_CLASSES[rag], labels[rag], counts[rag]) for rag in RAG_ORDER if counts[rag]]
