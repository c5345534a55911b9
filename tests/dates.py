"""Form data for a GOV.UK date input (boards.govuk_fields.GovukDateField): day, month and year."""

from __future__ import annotations

import datetime


def date_input(name: str, value: str | datetime.date) -> dict[str, str]:
    """``date_input("due_date", "2027-03-31")`` → the three boxes as a browser sends them."""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}
