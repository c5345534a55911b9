"""The reminder sweep bench's set-based builder (bench/reminder_data.py), at 1,000 actions:
it makes the rows its docstring describes, and the production sweep (selection, then
send_now as the management command runs it) reminds of exactly the actions it should."""

import datetime

import pytest
from django.core import mail
from django.db.models import F

from bench import reminder_data
from bench.reminder_data import BOARDS, SLIP_DAYS, TODAY
from boards.models import Membership, Role
from notifications.models import ClaimStatus, Notification, ReminderKind, SentReminder
from notifications.selection import select
from notifications.tasks import send_now
from plans.models import Action, DueDateChange, ProgressUpdate, Rag, Status

pytestmark = pytest.mark.django_db

N = 1_000
DAILY = ("overdue", "due_soon", "escalation")


def due_in_days(i: int) -> int:
    """Action i's due date, in days from TODAY, as the builder spreads them (slips included)."""
    days = (i * 7919) % 401 - 200
    return days + SLIP_DAYS if i % 10 == 1 and i < 1000 else days


@pytest.fixture
def built(frozen_today):
    made = reminder_data.build(N)
    first = Action.objects.order_by("pk").values_list("pk", flat=True)[0]
    return made, first


def test_the_builder_makes_the_rows_it_describes(built):
    made, first = built
    assert made == {"actions": N, "progress notes": N // 2, "history rows": N, "due-date changes": 100}
    actions = {a.pk - first: a for a in Action.objects.select_related("objective__priority_area__plan")}
    assert len(actions) == N
    for i, action in actions.items():
        assert action.due_date == TODAY + datetime.timedelta(days=due_in_days(i)), i
        assert (action.status, action.rag) == (
            (Status.COMPLETE, Rag.BLUE) if i % 10 == 0 else (Status.IN_PROGRESS, Rag.GREEN)
        )
        board = action.objective.priority_area.plan.board_id
        assert action.lead_sub_committee.board_id == board
        assert (action.responsible_id is None) == (i % 5 == 0)
        if action.responsible_id:
            assert Membership.objects.filter(
                user=action.responsible_id, board=board, role=Role.MEMBER
            ).exists()
    assert len({a.objective.priority_area.plan.board_id for a in actions.values()}) == BOARDS
    assert (
        ProgressUpdate.objects.filter(action__in=[a for i, a in actions.items() if i % 2 == 0]).count()
        == N // 2
    )
    history = Action.history.model.objects
    assert history.filter(history_type="+").count() == N
    assert history.filter(history_type="~").count() == 200
    slipped = DueDateChange.objects.standing_moves().filter(new_due_date__gt=F("old_due_date"))
    assert sorted(entry.action_id - first for entry in slipped) == list(range(1, 1000, 10))
    assert all(entry.made_by_id for entry in slipped)


def test_the_sweep_reminds_of_the_actions_the_builder_spread(built):
    _, first = built
    open_ids = {i for i in range(N) if i % 10 != 0}
    overdue = {i for i in open_ids if due_in_days(i) < 0}
    due_soon = {i for i in open_ids if 0 <= due_in_days(i) <= 14}
    to_managers = {i for i in open_ids if due_in_days(i) < -28}
    to_chair = {i for i in open_ids if due_in_days(i) < -56}

    def reminded(kind: str) -> set[int]:
        batches = [b for job in DAILY for b in select(job, TODAY) if b.kind == kind]
        return {pk - first for b in batches for pk in b.action_ids}

    assert reminded(ReminderKind.OVERDUE) == overdue
    assert reminded(ReminderKind.DUE_SOON) == due_soon
    assert reminded(ReminderKind.ESCALATION_MANAGER) == to_managers
    assert reminded(ReminderKind.ESCALATION_CHAIR) == to_chair

    outcomes = [outcome for job in DAILY for outcome in send_now(job, TODAY)]
    assert outcomes and set(outcomes) == {"sent"}
    assert len(mail.outbox) == len(outcomes)
    sent = SentReminder.objects.filter(status=ClaimStatus.SENT)
    # Overdue and due soon: one claim an action; escalations: one a manager (two a board), and the chair.
    assert sent.count() == len(overdue) + len(due_soon) + 2 * len(to_managers) + len(to_chair)
    assert Notification.objects.filter(kind=ReminderKind.OVERDUE).count() == len(overdue)

    # A second beat the same day sends nothing; the digest lists the slipped actions.
    mail.outbox = []
    again = [outcome for job in DAILY for outcome in send_now(job, TODAY)]
    assert set(again) <= {"skipped"}
    assert mail.outbox == []
    digests = select("digest", TODAY)
    assert len(digests) == BOARDS * 2  # every manager: each board has overdue actions
    slipped = {pk - first for b in digests for pk in b.sections["slipped"]}
    assert slipped == {i for i in range(1, 1000, 10) if i in open_ids}
    quiet = {pk - first for b in digests for pk in b.sections["no_progress"]}
    # No note within 90 days (odd actions have none; even ones one 30 to 149 days old), and
    # not added within those 90 days (one in 50 was, on 1 October).
    noted = {i for i in range(0, N, 2) if 30 + (first + i) % 120 <= 90}
    assert quiet == {i for i in open_ids if i not in noted and i % 50 != 7}
