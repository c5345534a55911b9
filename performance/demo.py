"""Demo indicators for the Sunderland SSCB plan: NI64, NI65, NI32 and NI70, each
linked to the plan's measures that name it, with eight quarters of figures.

THE FIGURES ARE ILLUSTRATIVE: invented to show the charts and the board pack, not
Sunderland's real data. Every value's note says so, and so do the pages that show
them. Loading is idempotent: rows are found by natural key and saved only when a
field differs.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from boards.models import Board
from plans.models import BusinessPlan

from .models import ILLUSTRATIVE_PREFIX, GoodDirection, Indicator, IndicatorValue

ILLUSTRATIVE_NOTE = f"{ILLUSTRATIVE_PREFIX} figure for the demo, not real data."

# code, title, unit, good direction, eight quarterly values (oldest first), target
DEMO_INDICATORS: list[tuple[str, str, str, str, list[str], str | None]] = [
    (
        "NI64",
        "Child protection plans lasting two years or more",
        "%",
        GoodDirection.DOWN,
        ["9.1", "8.4", "8.8", "7.6", "7.0", "6.2", "5.9", "5.1"],
        "6.0",
    ),
    (
        "NI65",
        "Children becoming the subject of a child protection plan for a second or subsequent time",
        "%",
        GoodDirection.DOWN,
        ["16.0", "15.2", "14.8", "15.5", "13.9", "13.1", "12.6", "12.0"],
        "13.0",
    ),
    (
        "NI32",
        "Repeat incidents of domestic violence",
        "%",
        GoodDirection.INCREASE_THEN_DECREASE,
        ["24", "26", "29", "31", "30", "28", "26", "25"],
        "28",
    ),
    (
        "NI70",
        "Hospital admissions caused by unintentional and deliberate injuries to children and young people",
        "per 10,000",
        GoodDirection.DOWN,
        ["142", "138", "140", "131", "127", "125", "119", "116"],
        "125",
    ),
]


def financial_quarter(start: datetime.date) -> tuple[datetime.date, datetime.date, str]:
    """The quarter starting on ``start`` (1 Apr, 1 Jul, 1 Oct or 1 Jan) and its label, e.g. Q2 2026/27."""
    end_month = start.month + 2
    next_start = datetime.date(start.year + (end_month // 12), end_month % 12 + 1, 1)
    end = next_start - datetime.timedelta(days=1)
    number = {4: 1, 7: 2, 10: 3, 1: 4}[start.month]
    first_year = start.year if start.month >= 4 else start.year - 1
    return start, end, f"Q{number} {first_year}/{(first_year + 1) % 100:02d}"


def quarters_before(start: datetime.date, count: int) -> list[datetime.date]:
    """Start dates of ``count`` quarters, the last of which starts on ``start``."""
    starts = []
    year, month = start.year, start.month
    for _ in range(count):
        starts.append(datetime.date(year, month, 1))
        month -= 3
        if month < 1:
            month += 12
            year -= 1
    return list(reversed(starts))


def load_demo_indicators(sender: Any = None, **kwargs: Any) -> None:
    """Receiver of plans.extensions.demo_loaded (runs inside load_demo's transaction)."""
    report = kwargs.get("report")
    board = Board.objects.filter(slug="sunderland-sscb").first()
    plan = BusinessPlan.objects.filter(board=board).order_by("-period_start").first() if board else None
    if plan is None:
        return
    # Six quarters before the plan starts and its first two: the last ends with the
    # plan's latest progress (September), so a pack for that quarter has new figures.
    starts = quarters_before(datetime.date(plan.period_start.year, 7, 1), 8)
    written = 0
    for code, title, unit, direction, values, target in DEMO_INDICATORS:
        indicator, changed = _upsert(
            Indicator,
            {"board": board, "code": code},
            {"title": title, "unit": unit, "good_direction": direction},
        )
        written += changed
        written += indicator.link_measures_by_code()
        for start, value in zip(starts, values, strict=True):
            period_start, period_end, label = financial_quarter(start)
            _, changed = _upsert(
                IndicatorValue,
                {"indicator": indicator, "period_start": period_start, "period_end": period_end},
                {
                    "period_label": label,
                    "value": Decimal(value),
                    "target": Decimal(target) if target else None,
                    "note": ILLUSTRATIVE_NOTE,
                },
            )
            written += changed
    if report is not None:
        report.written += written


def _upsert(model, lookup: dict[str, Any], values: dict[str, Any]):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), 1
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj, int(bool(changed))
