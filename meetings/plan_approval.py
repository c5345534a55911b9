"""Which meeting decision approved a plan: offered on the plan page and recorded inside
the approving transaction (through plans.extensions; plans never imports meetings)."""

from __future__ import annotations

from django.utils import timezone

from plans.approval import ApprovalRefusedError
from plans.models import BusinessPlan

from .models import Decision, DecisionKind

# A board meets a few times a year: the latest fifty agreed decisions cover several years.
CHOICES_SHOWN = 50


def _approvable(plan: BusinessPlan):
    """Decisions a plan's approval may name: agreed at a meeting of the plan's board, not
    already naming another plan."""
    return Decision.objects.filter(
        agenda_item__meeting__board_id=plan.board_id,
        kind=DecisionKind.AGREED,
        approved_plan__isnull=True,
    )


def decision_choices(plan: BusinessPlan) -> list[tuple[int, str]]:
    decisions = (
        _approvable(plan)
        .select_related("agenda_item__meeting")
        .order_by("-agenda_item__meeting__starts_at", "-pk")[:CHOICES_SHOWN]
    )
    return [
        (
            decision.pk,
            f"{timezone.localtime(decision.agenda_item.meeting.starts_at):%-d %B %Y}, "
            f"item {decision.agenda_item.position}: {decision.text[:90]}",
        )
        for decision in decisions
    ]


def record_approving_decision(sender, plan: BusinessPlan, decision_pk: int | None, user, **kwargs) -> None:
    """Receiver of plans.extensions.plan_approved, inside the approval's transaction.

    Race: two plans approved naming the same decision at once. The decision row lock
    makes the second see the first's link and be refused (the one-to-one backs it up).
    """
    if decision_pk is None:
        return
    decision = _approvable(plan).select_for_update().filter(pk=decision_pk).first()
    if decision is None:
        raise ApprovalRefusedError(
            "that meeting decision is not an agreed decision of this board's meetings, "
            "or it already approved another plan."
        )
    decision.approved_plan = plan
    decision.save()
