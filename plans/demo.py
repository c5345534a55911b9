"""Demo data: the partnerships and boards the seed documents name, demo users for
each role, and the whole Sunderland SSCB Business Plan 2011–2013 from
``plans/demo_data/sunderland_sscb_2011_2013.json``.

Loading is idempotent: rows are found by their natural keys and saved only when
a field differs, so a second run writes nothing (not even history rows).
"""

from __future__ import annotations

import base64
import calendar
import datetime
import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from boards.models import Agency, AgencyKind, Board, Membership, Partnership, Role, SubCommittee

from .extensions import demo_loaded
from .models import (
    Action,
    BusinessPlan,
    DuePrecision,
    EvidenceSource,
    Measure,
    NoteDatePrecision,
    Objective,
    PriorityArea,
    ProgressUpdate,
    Rag,
    Status,
)

SEED_PLAN = Path(__file__).parent / "demo_data" / "sunderland_sscb_2011_2013.json"

BOARDS: list[dict[str, str]] = [
    # partnership, short name, name, kind, statutory basis. Only the Peterborough governance
    # seed states a board's statutory basis (PSCB ss.13/14, Trust s.10); the others stay
    # empty rather than carry a basis no seed gives.
    {
        "partnership": "Sunderland",
        "short_name": "SSCB",
        "name": "Sunderland Safeguarding Children Board",
        "kind": Board.Kind.SAFEGUARDING_CHILDREN_BOARD,
        "statutory_basis": "",
    },
    {
        "partnership": "Sunderland",
        "short_name": "SSAB",
        "name": "Sunderland Safeguarding Adults Board",
        "kind": Board.Kind.SAFEGUARDING_ADULTS_BOARD,
        "statutory_basis": "",
    },
    {
        "partnership": "Sunderland",
        "short_name": "HWB",
        "name": "Sunderland Health and Wellbeing Board",
        "kind": Board.Kind.HEALTH_AND_WELLBEING_BOARD,
        "statutory_basis": "",
    },
    {
        "partnership": "Sunderland",
        "short_name": "IB",
        "name": "Sunderland Children's Services Improvement Board",
        "kind": Board.Kind.IMPROVEMENT_BOARD,
        "statutory_basis": "",
    },
    {
        "partnership": "Stockton-on-Tees",
        "short_name": "LSCB",
        "name": "Stockton-on-Tees Local Safeguarding Children Board",
        "kind": Board.Kind.SAFEGUARDING_CHILDREN_BOARD,
        "statutory_basis": "",
    },
    {
        "partnership": "Stockton-on-Tees",
        "short_name": "HWB",
        "name": "Stockton-on-Tees Health and Wellbeing Board",
        "kind": Board.Kind.HEALTH_AND_WELLBEING_BOARD,
        "statutory_basis": "",
    },
    {
        "partnership": "Stockton-on-Tees",
        "short_name": "Cabinet",
        "name": "Stockton-on-Tees Borough Council Cabinet",
        "kind": Board.Kind.CABINET,
        "statutory_basis": "",
    },
    {
        "partnership": "Peterborough",
        "short_name": "PSCB",
        "name": "Peterborough Safeguarding Children Board",
        "kind": Board.Kind.SAFEGUARDING_CHILDREN_BOARD,
        "statutory_basis": "Children Act 2004 ss.13–14",
    },
    {
        "partnership": "Peterborough",
        "short_name": "CT",
        "name": "Peterborough Children's Trust",
        "kind": Board.Kind.CHILDRENS_TRUST,
        "statutory_basis": "Children Act 2004 s.10",
    },
]

SSCB_SUB_COMMITTEES = [
    "Quality Assurance Sub-committee",
    "Case Review Sub-committee",
    "Communication & Workforce Development Sub-committee",
    "Business Planning Group",
    "Child Death Review Local Panel",
]


@dataclass(frozen=True)
class DemoUser:
    """A demo login. No seed names these people, so their names say what they are
    ("Demo Member"), never an invented person's name; a job title only where the seeds
    name the post (the SSCB plan's leads, the Sunderland reports' Executive Director People
    Services and Independent Chair), otherwise none."""

    username: str
    first_name: str
    last_name: str
    job_title: str
    # (board slug, role) pairs
    roles: tuple[tuple[str, str], ...] = ()
    chairs: tuple[str, ...] = ()  # SSCB sub-committees this user chairs
    is_staff: bool = False


DEMO_USERS: list[DemoUser] = [
    DemoUser(
        "manager",
        "Demo",
        "Business Manager",
        "SSCB Business Manager",
        roles=(("sunderland-sscb", Role.MANAGER), ("sunderland-ssab", Role.MEMBER)),
    ),
    DemoUser(
        "qa.chair",
        "Demo",
        "QA Chair",
        "Chair of Quality Assurance Sub-committee",
        roles=(("sunderland-sscb", Role.CHAIR),),
        chairs=("Quality Assurance Sub-committee",),
    ),
    DemoUser(
        "cwd.chair",
        "Demo",
        "CWD Chair",
        "Chair of Communication & Workforce Development Sub-committee",
        roles=(("sunderland-sscb", Role.CHAIR),),
        chairs=("Communication & Workforce Development Sub-committee",),
    ),
    DemoUser(
        "member",
        "Demo",
        "Member",
        "",  # no seed names a member's post
        roles=(("sunderland-sscb", Role.MEMBER),),
    ),
    DemoUser(
        "executive",
        "Demo",
        "Executive",
        "Executive Director People Services",
        roles=(
            ("sunderland-sscb", Role.EXECUTIVE),
            ("sunderland-hwb", Role.EXECUTIVE),
            ("sunderland-ib", Role.EXECUTIVE),
        ),
    ),
    DemoUser(
        "independent.chair",
        "Demo",
        "Independent Chair",
        "Independent Chair, SSCB and SSAB",
        roles=(("sunderland-sscb", Role.EXECUTIVE), ("sunderland-ssab", Role.EXECUTIVE)),
    ),
    DemoUser(
        "stockton.manager",
        "Demo",
        "Stockton Manager",
        "",  # the Stockton review names no business manager
        roles=(("stockton-on-tees-lscb", Role.MANAGER),),
    ),
    DemoUser("admin", "Site", "Administrator", "", is_staff=True),
]


@dataclass
class LoadReport:
    written: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    year_shift: int = 0


def demo_password(username: str) -> str:
    """A per-install demo password, derived from SECRET_KEY so the command can print it again."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"demo:{username}".encode(), hashlib.sha256).digest()
    return "demo-" + base64.b32encode(digest).decode()[:14].lower()


def year_shift(progress_as_of: datetime.date, today: datetime.date) -> int:
    """Whole years to move the plan so its last progress date is the latest one not after today."""
    shift = today.year - progress_as_of.year
    if shift_date(progress_as_of, shift) > today:
        shift -= 1
    return shift


def shift_date(value: datetime.date, years: int) -> datetime.date:
    year = value.year + years
    # 29 February moves to 28 February, and a month-end stays a month-end.
    last_day = calendar.monthrange(year, value.month)[1]
    if value.day == calendar.monthrange(value.year, value.month)[1]:
        return datetime.date(year, value.month, last_day)
    return datetime.date(year, value.month, min(value.day, last_day))


# Dates as progress notes write them: "25.07.11" and years such as "June 2011",
# "2011-09-01", "Sept 2011-Dec 2011" or "agreed 2010".
_SHORT_DATE = re.compile(r"\b(\d{2})\.(\d{2})\.(\d{2})\b")
_YEAR = re.compile(r"\b(20\d{2})\b")


def shift_note_text(text: str, years: int) -> str:
    """Move the dates written inside a progress note or an action's wording ("beginning in
    October 2011") by ``years``, as the demo moves its due dates, so neither speaks of a year
    the plan no longer covers. Evidence and measures are left alone: their years are in the
    names of documents ("Working Together 2010")."""
    if not years:
        return text
    text = _SHORT_DATE.sub(lambda m: f"{m[1]}.{m[2]}.{(int(m[3]) + years) % 100:02d}", text)
    return _YEAR.sub(lambda m: str(int(m[1]) + years), text)


def note_date(value: str | None) -> tuple[datetime.date | None, str]:
    """A note date as the transcription gives it: null, "2010", "2011-06" or "2011-07-25".
    A month or year is kept as its last day, with its precision."""
    if value is None:
        return None, NoteDatePrecision.DAY
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 1:
        return datetime.date(parts[0], 12, 31), NoteDatePrecision.YEAR
    if len(parts) == 2:
        return month_end(value), NoteDatePrecision.MONTH
    return datetime.date(*parts), NoteDatePrecision.DAY


def month_end(year_month: str) -> datetime.date:
    year, month = (int(part) for part in year_month.split("-"))
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def demo_rag(status: str, due: datetime.date | None, today: datetime.date) -> str:
    """The seed records no RAG ratings (nor statuses); the demo rates each action by a plain rule:
    complete is blue, overdue is red, not started is amber, anything else green."""
    if status == Status.COMPLETE:
        return Rag.BLUE
    if due is not None and due < today:
        return Rag.RED
    if status == Status.NOT_STARTED:
        return Rag.AMBER
    return Rag.GREEN


# Every model written here has one manager, ``objects``, so it is the default manager.
ModelT = TypeVar("ModelT", bound=models.Model)


class _Writer:
    """Get-or-create by natural key, saving only the fields that differ."""

    def __init__(self) -> None:
        self.written = 0

    def upsert(self, model: type[ModelT], lookup: dict[str, Any], values: dict[str, Any]) -> ModelT:
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            if isinstance(obj, Action):
                obj.written_by_demo = True
            obj.full_clean(exclude=["password"], validate_unique=False, validate_constraints=False)
            obj.save()
            self.written += 1
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            if isinstance(obj, Action):
                obj.written_by_demo = True  # keeps Action.rating_illustrative
            obj.save()
            self.written += 1
        return obj


DEMO_APPROVAL_NOTE = (
    "Approved by the demo loader: the seed is the board's agreed plan, but it does not say "
    "when or at which meeting the board approved it."
)


def demo_approval(existing: BusinessPlan | None) -> dict[str, Any]:
    """An agreed plan from the seeds comes in approved, saying so honestly. A reload keeps
    the first load's time, so loading twice writes nothing."""
    approved_at = existing.approved_at if existing is not None and existing.approved_at else timezone.now()
    return {
        "status": BusinessPlan.Status.APPROVED,
        "approved_at": approved_at,
        "approved_by": None,
        "approval_note": DEMO_APPROVAL_NOTE,
    }


@transaction.atomic
def load_demo(today: datetime.date, original_dates: bool = False) -> LoadReport:
    report = LoadReport()
    writer = _Writer()
    data = json.loads(SEED_PLAN.read_text(encoding="utf-8"))

    boards = _load_boards(writer)
    _load_agencies(writer)
    users = _load_users(writer, boards, report)
    sscb = boards["sunderland-sscb"]
    sub_committees = {
        name: writer.upsert(SubCommittee, {"board": sscb, "name": name}, {}) for name in SSCB_SUB_COMMITTEES
    }
    for user in DEMO_USERS:
        for name in user.chairs:
            writer.upsert(SubCommittee, {"board": sscb, "name": name}, {"chair": users[user.username]})
    writer.upsert(Board, {"pk": sscb.pk}, {"independent_chair": users["independent.chair"]})
    writer.upsert(
        Board, {"pk": boards["sunderland-ssab"].pk}, {"independent_chair": users["independent.chair"]}
    )

    as_of = datetime.date.fromisoformat(data["progress_as_of"])
    shift = 0 if original_dates else year_shift(as_of, today)
    report.year_shift = shift
    plan = _load_plan(writer, data, sscb, sub_committees, shift, today if not original_dates else as_of)

    report.written = writer.written
    # Apps that build on plans add their demo data (reviews, meetings…) in this transaction.
    demo_loaded.send(
        sender=BusinessPlan, today=today, original_dates=original_dates, year_shift=shift, report=report
    )
    report.counts = {
        "priority areas": plan.priority_areas.count(),
        "objectives": Objective.objects.filter(priority_area__plan=plan).count(),
        "actions": Action.objects.filter(objective__priority_area__plan=plan).count(),
        "progress notes": ProgressUpdate.objects.filter(action__objective__priority_area__plan=plan).count(),
        "measures": Measure.objects.filter(objective__priority_area__plan=plan).count(),
    }
    return report


# Said once on the plan's page, exports and packs: the seed plan records progress but no
# status or RAG rating for any action.
SSCB_ILLUSTRATIVE_NOTE = (
    "The source plan records no status or RAG rating for any action. The statuses shown are the demo's "
    "reading of each action's progress notes, and the ratings follow a plain rule: complete is blue, "
    "overdue red, not started amber, otherwise green."
)


def _load_boards(writer: _Writer) -> dict[str, Board]:
    boards = {}
    for spec in BOARDS:
        partnership = writer.upsert(
            Partnership, {"name": spec["partnership"]}, {"slug": _slug(spec["partnership"])}
        )
        slug = _slug(f"{spec['partnership']} {spec['short_name']}")
        boards[slug] = writer.upsert(
            Board,
            {"slug": slug},
            {
                "partnership": partnership,
                "short_name": spec["short_name"],
                "name": spec["name"],
                "kind": spec["kind"],
                "statutory_basis": spec["statutory_basis"],
            },
        )
    return boards


# Partner agencies as the seeds name them, and only those: the SSCB plan takes data "from
# Children's Services, Police, Health organisations, Probation and Safer Sunderland
# Partnership", has "Representatives from Education, Health and Children's Services" at a
# task group and seeks "Representation from BME, Faith and VCS Groups on SSCB"; the Stockton
# report is the Borough Council's. No seed names the police force or the health bodies, so
# neither is named here; no seed records who sat for which agency, or anyone's attendance,
# so demo memberships name no agency and no meeting has attendance.
SEED_AGENCIES = {
    "Sunderland": [
        ("Children's Services", AgencyKind.LOCAL_AUTHORITY),
        ("Education", AgencyKind.EDUCATION),
        ("Health organisations", AgencyKind.HEALTH),
        ("Police", AgencyKind.POLICE),
        ("Probation", AgencyKind.PROBATION),
        ("Safer Sunderland Partnership", AgencyKind.OTHER),
        ("BME, Faith and VCS Groups", AgencyKind.VOLUNTARY_SECTOR),
    ],
    "Stockton-on-Tees": [("Stockton-on-Tees Borough Council", AgencyKind.LOCAL_AUTHORITY)],
}


def _load_agencies(writer: _Writer) -> None:
    for partnership_name, agencies in SEED_AGENCIES.items():
        partnership = Partnership.objects.get(name=partnership_name)
        for name, kind in agencies:
            writer.upsert(Agency, {"partnership": partnership, "name": name}, {"kind": kind})


def _load_users(writer: _Writer, boards: dict[str, Board], report: LoadReport) -> dict[str, Any]:
    user_model = get_user_model()
    users = {}
    for spec in DEMO_USERS:
        user = writer.upsert(
            user_model,
            {"username": spec.username},
            {
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@example.org",
                "is_staff": spec.is_staff,
                "is_superuser": spec.is_staff,
            },
        )
        password = demo_password(spec.username)
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
            writer.written += 1
        users[spec.username] = user
        for board_slug, role in spec.roles:
            writer.upsert(
                Membership,
                {"user": user, "board": boards[board_slug]},
                {"role": role, "job_title": spec.job_title},
            )
        roles = ", ".join(f"{Role(role).label} of {boards[slug].short_name}" for slug, role in spec.roles)
        report.logins.append((spec.username, password, roles or "Site staff (Django admin)"))
    return users


def _load_plan(writer, data, board, sub_committees, shift: int, today: datetime.date) -> BusinessPlan:
    def moved(value: datetime.date) -> datetime.date:
        return shift_date(value, shift)

    plan = writer.upsert(
        BusinessPlan,
        {"board": board, "title": data["title"]},
        {
            "period_start": moved(datetime.date.fromisoformat(data["period_start"])),
            "period_end": moved(datetime.date.fromisoformat(data["period_end"])),
            **demo_approval(BusinessPlan.objects.filter(board=board, title=data["title"]).first()),
            "dates_moved_years": shift,
            "illustrative_note": SSCB_ILLUSTRATIVE_NOTE,
        },
    )
    for area_data in data["priority_areas"]:
        area = writer.upsert(
            PriorityArea,
            {"plan": plan, "number": area_data["number"]},
            {"title": area_data["title"], "wider_plan_link": area_data["wider_plan_link"]},
        )
        for position, objective_data in enumerate(area_data["objectives"], start=1):
            objective = writer.upsert(
                Objective,
                {"priority_area": area, "number": objective_data["number"]},
                {"position": position, "description": objective_data["description"]},
            )
            actions = {
                index: _load_action(writer, objective, index, action_data, sub_committees, shift, today)
                for index, action_data in enumerate(objective_data["actions"], start=1)
            }
            for index, item in enumerate(objective_data["evidence"], start=1):
                item = {"text": item} if isinstance(item, str) else item
                source = writer.upsert(
                    EvidenceSource, {"objective": objective, "position": index}, {"text": item["text"]}
                )
                _tie_to_row(writer, source, [actions[n] for n in item.get("actions", [])])
            # The seed's Measure column is per row: a measure in a row of actions is each of
            # those actions' own (Measure.action, one per action; the plan page shows one
            # cell across the row), and only a measure of the objective's one row is the
            # objective's.
            measures = [
                (measure_data, actions[number] if number else None)
                for measure_data in objective_data["measures"]
                for number in measure_data.get("actions") or [None]
            ]
            for index, (measure_data, action) in enumerate(measures, start=1):
                writer.upsert(
                    Measure,
                    {"objective": objective, "position": index},
                    {
                        "description": measure_data["description"],
                        "indicator_code": measure_data["indicator"],
                        "action": action,
                    },
                )
            for stale in Measure.objects.filter(objective=objective, position__gt=len(measures)):
                stale.delete()
                writer.written += 1
    return plan


def _tie_to_row(writer: _Writer, item: EvidenceSource, actions: list[Action]) -> None:
    """The seed's evidence cells are per row: tie each to its row's actions (none: the whole objective)."""
    wanted = {action.pk for action in actions}
    if set(item.actions.values_list("pk", flat=True)) != wanted:
        item.actions.set(actions)
        writer.written += 1


def _load_action(writer, objective, position, data, sub_committees, shift: int, today) -> Action:
    due = shift_date(month_end(data["due"]), shift)
    notes = []
    for note in data["progress"]:
        date, precision = note_date(note["date"])
        notes.append((date and shift_date(date, shift), precision, shift_note_text(note["text"], shift)))
    status = data["status"]
    rag = demo_rag(status, due, today)
    action = writer.upsert(
        Action,
        {"objective": objective, "position": position},
        {
            "description": shift_note_text(data["description"], shift),
            "lead_role": data["lead"],
            "deferred_to": data["deferred_to"],
            "lead_sub_committee": sub_committees.get(data["sub_committee"]),
            "due_date": due,
            "due_precision": DuePrecision.MONTH,
            "timescale_text": data["timescale"],
            "status": status,
            "rag": rag,
            "rating_illustrative": True,
            # The seed says what was done, never on which day an action was complete.
            "completed_on": None,
        },
    )
    sync_source_notes(writer, action, notes)
    return action


def sync_source_notes(
    writer: _Writer, action: Action, notes: list[tuple[datetime.date | None, str, str]]
) -> None:
    """Make the action's notes brought in from the source (no author) be ``notes``
    (date, precision, text), matched by order: their text moves with the demo's dates,
    so it cannot be the key."""
    existing = list(action.progress_updates.filter(author=None).order_by("pk"))
    for note, (date, precision, text) in zip(existing, notes, strict=False):
        writer.upsert(
            ProgressUpdate, {"pk": note.pk}, {"date": date, "date_precision": precision, "text": text}
        )
    for note in existing[len(notes) :]:
        note.delete()
        writer.written += 1
    for date, precision, text in notes[len(existing) :]:
        ProgressUpdate.objects.create(action=action, date=date, date_precision=precision, text=text)
        writer.written += 1


def _slug(text: str) -> str:
    from django.utils.text import slugify

    return slugify(text)
