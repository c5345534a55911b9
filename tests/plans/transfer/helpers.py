"""Read a plan back as plain data, to compare two plans field by field."""

from __future__ import annotations

from django.apps import apps

from plans.models import BusinessPlan, ImportJob
from plans.transfer.exporter import load_areas


def plan_snapshot(
    plan: BusinessPlan, *, note_dates: bool = True, status: bool = False, shown_timescale: bool = False
) -> list:
    """``shown_timescale``: compare the timescale as the pages show it (exports write those
    words, not the source's own wording of a date that has moved since)."""
    areas = []
    for area in load_areas(plan):
        objectives = []
        for objective in area.objectives.all():
            actions = []
            for action in objective.actions.all():
                notes = sorted(
                    (
                        (note.date.isoformat() if note.date else "undated", note.date_precision)
                        if note_dates
                        else ("", ""),
                        note.text,
                    )
                    for note in action.progress_updates.all()
                )
                row = {
                    "description": action.description,
                    "lead": action.lead_role,
                    "deferred_to": action.deferred_to,
                    "lead_agency": action.lead_agency.name if action.lead_agency else None,
                    "timescale_text": action.timescale
                    if shown_timescale and action.due_date
                    else action.timescale_text,
                    "due": action.due_date,
                    "precision": action.due_precision,
                    "progress": notes,
                }
                if status:
                    row |= {"status": action.status, "rag": action.rag, "completed_on": action.completed_on}
                actions.append(row)
            objectives.append(
                {
                    "number": objective.number,
                    "description": objective.description,
                    "evidence": [source.text for source in objective.evidence_sources.all()],
                    # A measure held once per action of its row (Measure.action) is one measure here.
                    "measures": list(
                        dict.fromkeys((m.description, m.indicator_code) for m in objective.measures.all())
                    ),
                    "actions": actions,
                }
            )
        areas.append(
            {
                "number": area.number,
                "title": area.title,
                "link": area.wider_plan_link,
                "objectives": objectives,
            }
        )
    return areas


def row_counts() -> dict[str, int]:
    """Rows in every plans and boards table, history tables included (not import jobs)."""
    counts = {}
    for model in [*apps.get_app_config("plans").get_models(), *apps.get_app_config("boards").get_models()]:
        if model is not ImportJob:
            counts[model._meta.db_table] = model._default_manager.count()
    return counts
