"""Who gets which reminder today: the selection rules, as plain functions of a date.

Each job returns a list of ``Batch``: one e-mail to one person about one board,
listing every action it concerns. The functions only read; claiming and sending
are in ``notifications.delivery``.

Every job reads in a fixed number of queries whatever the number of actions
(the reminder sweep bench pins this): actions come back as ``values()`` rows
with their board, lead and chair ids, and memberships and preferences are read
once per job and joined in Python.

Rules shared by all jobs:
- only open actions (not complete) with a due date, in plans in force (approved: a
  draft's or an archived plan's actions never reach anyone);
- a recipient must still hold a membership on the action's board: someone who
  left the board gets nothing more about it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from boards.models import Board, Membership, Role
from plans.models import Action, DueDateChange, ProgressUpdate
from reviews.clocks import CLOCK_KINDS, clocks_of, is_in_progress
from reviews.models import Recommendation, RecommendationAction, Response, Review

from .models import ClaimStatus, NotificationPreference, ReminderKind, SentClockReminder, SentReminder

BOARD = "objective__priority_area__plan__board_id"

# The sections of a weekly digest, in the order the e-mail shows them.
DIGEST_SECTIONS = ("overdue", "slipped", "no_progress", "recommendations_without_action")


@dataclass(frozen=True)
class Batch:
    """One e-mail: ``kind`` to ``recipient_id`` about ``board_id``.

    ``action_ids`` are the actions reminded of (one claim each); a digest claims
    once per board and lists its actions in ``sections`` instead.
    """

    kind: str
    recipient_id: int
    board_id: int
    action_ids: tuple[int, ...] = ()
    sections: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # Clock reminders: (review id, clock key, due date ISO) for each clock reminded of.
    clocks: tuple[tuple[int, str, str], ...] = ()


def live_actions():
    """Open actions with a due date in plans in force (approved: not drafts, not archived)."""
    return Action.objects.in_force().open().filter(due_date__isnull=False)


# Rows are streamed from a server-side cursor this many at a time: at national scale
# (1,000,000 actions) a job's rows never sit in memory all at once, only the ids it groups.
CHUNK_SIZE = 5000


def _action_rows(queryset) -> Iterator[dict]:
    return (
        queryset.values(
            "pk",
            "due_date",
            "responsible_id",
            chair_id=F("lead_sub_committee__chair_id"),
            board_id=F(BOARD),
            independent_chair_id=F("objective__priority_area__plan__board__independent_chair_id"),
        )
        .order_by("pk")
        .iterator(chunk_size=CHUNK_SIZE)
    )


@dataclass
class _Members:
    """Who holds a role on which board: one query for all the boards a job touches."""

    pairs: set[tuple[int, int]]
    managers: dict[int, list[int]]

    @classmethod
    def of(cls, board_ids: Iterable[int] | QuerySet) -> _Members:
        """Members of these boards: ids, or a query of actions whose boards are meant (read
        as a subquery, so the actions need not be read first)."""
        pairs: set[tuple[int, int]] = set()
        managers: dict[int, list[int]] = defaultdict(list)
        if isinstance(board_ids, QuerySet):
            boards: Iterable[int] | QuerySet = board_ids.order_by().values(BOARD)
        else:
            boards = set(board_ids)
        rows = Membership.objects.filter(board_id__in=boards, user__is_active=True).values_list(
            "user_id", "board_id", "role"
        )
        for user_id, board_id, role in rows.order_by("board_id", "user_id"):
            pairs.add((user_id, board_id))
            if role == Role.MANAGER:
                managers[board_id].append(user_id)
        return cls(pairs=pairs, managers=managers)

    def holds(self, user_id: int | None, board_id: int) -> bool:
        return user_id is not None and (user_id, board_id) in self.pairs


def lead_of(row: dict, members: _Members) -> int | None:
    """The person to remind about an action: its responsible person, or else the chair of
    its lead sub-committee; whoever of them still holds a membership on the board."""
    for candidate in (row["responsible_id"], row["chair_id"]):
        if members.holds(candidate, row["board_id"]):
            return candidate
    return None


def _opted_out(preference: str) -> set[int]:
    return set(NotificationPreference.objects.filter(**{preference: False}).values_list("user_id", flat=True))


def _batches(kind: str, grouped: dict[tuple[int, int], list[int]]) -> list[Batch]:
    return [
        Batch(kind=kind, recipient_id=recipient, board_id=board, action_ids=tuple(sorted(ids)))
        for (recipient, board), ids in sorted(grouped.items())
    ]


def _sent_since(kind: str, day) -> Exists:
    """A reminder of this kind about the action was sent after ``day`` (a date or an expression)."""
    return Exists(
        SentReminder.objects.filter(action=OuterRef("pk"), kind=kind, status=ClaimStatus.SENT, day__gt=day)
    )


# --- Daily jobs -------------------------------------------------------------


def overdue(today: datetime.date) -> list[Batch]:
    """Every day, each lead gets one e-mail per board listing all their overdue actions.

    Overdue reminders cannot be turned off."""
    actions = live_actions().filter(due_date__lt=today)
    members = _Members.of(actions)
    grouped: dict[tuple[int, int], list[int]] = defaultdict(list)
    for row in _action_rows(actions):
        if (lead := lead_of(row, members)) is not None:
            grouped[(lead, row["board_id"])].append(row["pk"])
    return _batches(ReminderKind.OVERDUE, grouped)


def due_soon(today: datetime.date, days: int | None = None) -> list[Batch]:
    """Actions due within ``days`` (REMINDER_DUE_SOON_DAYS, 14) from today, each reminded
    of once in that window, to leads who have not turned due-soon reminders off."""
    days = settings.REMINDER_DUE_SOON_DAYS if days is None else days
    window_start = today - datetime.timedelta(days=days)
    actions = live_actions().filter(due_date__gte=today, due_date__lte=today + datetime.timedelta(days=days))
    actions = actions.exclude(_sent_since(ReminderKind.DUE_SOON, window_start))
    members = _Members.of(actions)
    opted_out = _opted_out("due_soon")
    grouped: dict[tuple[int, int], list[int]] = defaultdict(list)
    for row in _action_rows(actions):
        lead = lead_of(row, members)
        if lead is not None and lead not in opted_out:
            grouped[(lead, row["board_id"])].append(row["pk"])
    return _batches(ReminderKind.DUE_SOON, grouped)


def escalations(
    today: datetime.date, managers_after: int | None = None, chair_after: int | None = None
) -> list[Batch]:
    """The escalation ladder: an action overdue more than ``managers_after`` days (28) goes
    to the board's managers; more than ``chair_after`` days (56), also to its independent
    chair. Each rung is sent once per action and due date: moving the due date later
    and missing it again escalates again."""
    managers_after = settings.REMINDER_ESCALATE_MANAGERS_DAYS if managers_after is None else managers_after
    chair_after = settings.REMINDER_ESCALATE_CHAIR_DAYS if chair_after is None else chair_after
    actions = (
        live_actions()
        .filter(due_date__lt=today - datetime.timedelta(days=managers_after))
        .annotate(
            # Told about this due date: sent after it had passed the rung's threshold.
            managers_told=_sent_since(
                ReminderKind.ESCALATION_MANAGER,
                OuterRef("due_date") + datetime.timedelta(days=managers_after),
            ),
            chair_told=_sent_since(
                ReminderKind.ESCALATION_CHAIR, OuterRef("due_date") + datetime.timedelta(days=chair_after)
            ),
        )
    )
    rows = (
        actions.values(
            "pk",
            "due_date",
            "managers_told",
            "chair_told",
            board_id=F(BOARD),
            independent_chair_id=F("objective__priority_area__plan__board__independent_chair_id"),
        )
        .order_by("pk")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    members = _Members.of(actions)
    to_managers: dict[tuple[int, int], list[int]] = defaultdict(list)
    to_chair: dict[tuple[int, int], list[int]] = defaultdict(list)
    chair_cutoff = today - datetime.timedelta(days=chair_after)
    for row in rows:
        board = row["board_id"]
        if not row["managers_told"]:
            for manager in members.managers.get(board, []):
                to_managers[(manager, board)].append(row["pk"])
        chair = row["independent_chair_id"]
        if row["due_date"] < chair_cutoff and not row["chair_told"] and members.holds(chair, board):
            to_chair[(chair, board)].append(row["pk"])
    return _batches(ReminderKind.ESCALATION_MANAGER, to_managers) + _batches(
        ReminderKind.ESCALATION_CHAIR, to_chair
    )


# --- Weekly digest ----------------------------------------------------------


def slipped_action_ids(since: datetime.datetime) -> QuerySet:
    """Actions whose due date was moved later since ``since``, from the due-date ledger
    (plans.due_dates), the same entries board packs' "Slipped deadlines" read."""
    return (
        DueDateChange.objects.standing_moves()
        .filter(made_at__gte=since, new_due_date__gt=F("old_due_date"))
        .order_by()
        .values("action_id")
    )


def review_recommendations_without_action(board_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """Per board, the ids of review recommendations the board owns that no action of a plan
    in force answers (an action in a draft plan answers nothing yet, as in
    reviews.traceability). Recommendations the board did not accept are left out."""
    found: dict[int, list[int]] = defaultdict(list)
    answered = RecommendationAction.objects.filter(
        recommendation=OuterRef("pk"), action__in=Action.objects.in_force()
    )
    rows = (
        Recommendation.objects.filter(owner_board_id__in=list(board_ids))
        .exclude(Exists(answered))
        .exclude(response=Response.NOT_ACCEPTED)
        # A recorded decision not to implement it: nothing left to answer.
        .exclude(not_implemented_decision__isnull=False)
        .values_list("owner_board_id", "pk")
        .order_by("pk")
    )
    for board_id, pk in rows:
        found[board_id].append(pk)
    return {board_id: tuple(pks) for board_id, pks in found.items()}


def digests(today: datetime.date, period_days: int = 7, no_progress_days: int | None = None) -> list[Batch]:
    """Each board manager gets one digest per board: overdue actions, actions that slipped
    (due date moved later) in the last ``period_days``, actions with no progress note
    for ``no_progress_days`` (90), and review recommendations with no action.
    Nothing to report, no e-mail; managers may turn digests off."""
    no_progress_days = settings.REMINDER_NO_PROGRESS_DAYS if no_progress_days is None else no_progress_days
    tz = timezone.get_current_timezone()
    period_start = datetime.datetime.combine(
        today - datetime.timedelta(days=period_days), datetime.time(), tz
    )
    quiet_since = today - datetime.timedelta(days=no_progress_days)
    quiet_since_dt = datetime.datetime.combine(quiet_since, datetime.time(), tz)
    historical = Action.history.model

    sections: dict[str, dict[int, list[int]]] = {name: defaultdict(list) for name in DIGEST_SECTIONS}
    queries = {
        "overdue": live_actions().filter(due_date__lt=today),
        "slipped": live_actions().filter(pk__in=slipped_action_ids(period_start)),
        "no_progress": live_actions()
        .exclude(Exists(ProgressUpdate.objects.filter(action=OuterRef("pk"), date__gte=quiet_since)))
        # An action added within the period has had no time to progress.
        .exclude(
            Exists(
                historical.objects.filter(
                    id=OuterRef("pk"), history_type="+", history_date__gte=quiet_since_dt
                )
            )
        ),
    }
    for name, queryset in queries.items():
        for pk, board_id in queryset.values_list("pk", BOARD).order_by("pk").iterator(chunk_size=CHUNK_SIZE):
            sections[name][board_id].append(pk)

    manager_rows = list(
        Membership.objects.managers().filter(user__is_active=True).values_list("user_id", "board_id")
    )
    opted_out = _opted_out("digest")
    boards = {board for _, board in manager_rows}
    for board_id, ids in review_recommendations_without_action(boards).items():
        sections["recommendations_without_action"][board_id].extend(ids)

    batches = []
    for manager, board in sorted(manager_rows):
        if manager in opted_out:
            continue
        content = {name: tuple(sections[name].get(board, ())) for name in DIGEST_SECTIONS}
        if any(content.values()):
            batches.append(
                Batch(kind=ReminderKind.DIGEST, recipient_id=manager, board_id=board, sections=content)
            )
    return batches


# --- Case-review clocks -----------------------------------------------------


def clock_reminders(today: datetime.date) -> list[Batch]:
    """Running clocks of reviews in progress (reviews.clocks), each reminded of exactly once
    per due date: as *due soon* (within the clock's warning, in working days) and as
    *breached* to the managers of the boards the review reports to (every board of its
    partnership while it reports to none), and a breach *escalated* to those boards'
    independent chairs. A person on two such boards hears once. Five queries in all."""
    reviews = list(Review.objects.filter(kind__in=CLOCK_KINDS).prefetch_related("reports").order_by("pk"))
    reviews = [review for review in reviews if is_in_progress(review)]
    boards_by_partnership: dict[int, list[int]] = defaultdict(list)
    chairs: dict[int, int | None] = {}
    partnership_ids = {review.partnership_id for review in reviews}
    for board_id, partnership_id, chair_id in Board.objects.filter(
        partnership_id__in=partnership_ids
    ).values_list("pk", "partnership_id", "independent_chair_id"):
        boards_by_partnership[partnership_id].append(board_id)
        chairs[board_id] = chair_id
    members = _Members.of(chairs)
    sent = set(
        SentClockReminder.objects.filter(review__in=reviews, status=ClaimStatus.SENT).values_list(
            "recipient_id", "kind", "review_id", "clock", "due"
        )
    )
    grouped: dict[tuple[str, int, int], list[tuple[int, str, str]]] = defaultdict(list)
    told: set[tuple[int, str, int, str]] = set()

    def remind(kind: str, recipient: int, board: int, review: Review, key: str, due: datetime.date) -> None:
        if (recipient, kind, review.pk, key, due) in sent or (recipient, kind, review.pk, key) in told:
            return
        told.add((recipient, kind, review.pk, key))
        grouped[(kind, recipient, board)].append((review.pk, key, due.isoformat()))

    for review in reviews:
        reported = sorted(report.board_id for report in review.reports.all())
        boards = reported or sorted(boards_by_partnership[review.partnership_id])
        for clock in clocks_of(review, today):
            if not clock.running:
                continue
            if clock.breached:
                kind = ReminderKind.CLOCK_BREACHED
            elif clock.due_soon:
                kind = ReminderKind.CLOCK_DUE_SOON
            else:
                continue
            for board in boards:
                for manager in members.managers.get(board, []):
                    remind(kind, manager, board, review, clock.key, clock.due)
                chair = chairs.get(board)
                if kind == ReminderKind.CLOCK_BREACHED and chair is not None and members.holds(chair, board):
                    remind(ReminderKind.CLOCK_ESCALATION, chair, board, review, clock.key, clock.due)
    return [
        Batch(kind=kind, recipient_id=recipient, board_id=board, clocks=tuple(sorted(items)))
        for (kind, recipient, board), items in sorted(grouped.items())
    ]


JOBS = {
    "overdue": overdue,
    "due_soon": due_soon,
    "escalation": escalations,
    "digest": digests,
    "clocks": clock_reminders,
}


def select(job: str, today: datetime.date) -> list[Batch]:
    """The batches one run of ``job`` sends today."""
    return JOBS[job](today)
