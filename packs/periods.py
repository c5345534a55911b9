"""Reporting periods. Boards report by financial-year quarter (Q1 is April–June)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", "Quarter"
    MEETING = "meeting", "Meeting"


@dataclass(frozen=True)
class PackPeriod:
    kind: str
    start: datetime.date
    end: datetime.date
    label: str

    def as_json(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "label": self.label,
        }

    @classmethod
    def from_json(cls, data: dict[str, str]) -> PackPeriod:
        return cls(
            kind=data["kind"],
            start=datetime.date.fromisoformat(data["start"]),
            end=datetime.date.fromisoformat(data["end"]),
            label=data["label"],
        )


def quarter_containing(day: datetime.date) -> PackPeriod:
    first_month = ((day.month - 1) // 3) * 3 + 1  # calendar quarter: 1, 4, 7, 10
    start = datetime.date(day.year, first_month, 1)
    end_month = first_month + 3
    end = datetime.date(day.year + (end_month > 12), (end_month - 1) % 12 + 1, 1) - datetime.timedelta(days=1)
    number = {4: 1, 7: 2, 10: 3, 1: 4}[first_month]
    first_year = start.year if first_month >= 4 else start.year - 1
    months = f"{start:%B} to {end:%B %Y}"
    return PackPeriod(
        PeriodKind.QUARTER,
        start,
        end,
        f"Quarter {number} {first_year}/{(first_year + 1) % 100:02d} ({months})",
    )


def next_quarter(period: PackPeriod) -> PackPeriod:
    return quarter_containing(period.end + datetime.timedelta(days=1))


def recent_quarters(today: datetime.date, count: int = 6) -> list[PackPeriod]:
    """The current quarter first, then the ones before it."""
    quarters = [quarter_containing(today)]
    while len(quarters) < count:
        quarters.append(quarter_containing(quarters[-1].start - datetime.timedelta(days=1)))
    return quarters
