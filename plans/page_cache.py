"""Cache of the plan page's body (filters and the seven-column table).

Rendering 1,000 rows is the plan page's cost (FIELD-NOTES: template work, not the
database), so the body is rendered once per change of the plan and kept.

The key is a *change stamp* read with the plan itself (no extra query): for each
history table that feeds the page, the number of history rows of this plan and the
highest history id. Any save or delete through the ORM writes a history row, so
it changes the stamp. Both numbers are needed: a transaction that started
earlier can commit later with a lower id, but it still raises the count.

Not seen by the stamp (so keep them out of the body, or bust the cache): writes
that skip simple-history (QuerySet.update, bulk_create without history), and
renamed users in the lead filter. Entries also expire after CACHE_SECONDS.
"""

from __future__ import annotations

import datetime
import functools
import hashlib

from django.core.cache.backends.locmem import LocMemCache
from django.db.models import CharField, Count, Max, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat

from boards.models import SubCommittee

from .models import Action, BusinessPlan, EvidenceSource, Measure, Objective, PriorityArea, ProgressUpdate

CACHE_SECONDS = 10 * 60
# Per process and bounded: a 1,000-action body is about 600 KB.
_cache = LocMemCache("plan-page-bodies", {"TIMEOUT": CACHE_SECONDS, "OPTIONS": {"MAX_ENTRIES": 50}})

# (history model, path from a history row to the plan's pk or board's pk, outer field)
_SOURCES = [
    (BusinessPlan, "id", "pk"),
    (PriorityArea, "plan", "pk"),
    (Objective, "priority_area__plan", "pk"),
    (EvidenceSource, "objective__priority_area__plan", "pk"),
    (Measure, "objective__priority_area__plan", "pk"),
    (Action, "objective__priority_area__plan", "pk"),
    (ProgressUpdate, "action__objective__priority_area__plan", "pk"),
    (SubCommittee, "board", "board"),
]


@functools.cache
def _built_annotations() -> dict:
    """Building eight subqueries costs more ORM time than running them: build once.
    (annotate() resolves a copy, so the shared expressions are never changed.)"""
    annotations = {}
    for index, (model, path, outer) in enumerate(_SOURCES):
        rows = (
            model.history.model.objects.filter(**{path: OuterRef(outer)})
            .order_by()
            .values(path)
            .annotate(
                stamp=Concat(
                    Cast(Count("history_id"), CharField()),
                    Value(":"),
                    Cast(Max("history_id"), CharField()),
                    output_field=CharField(),
                )
            )
            .values("stamp")[:1]
        )
        annotations[f"change_stamp_{index}"] = Coalesce(
            Subquery(rows), Value("0:0"), output_field=CharField()
        )
    return annotations


def stamp_annotations() -> dict:
    """Annotations for a BusinessPlan query: one "count:max id" string per history table."""
    return dict(_built_annotations())


def body_key(plan: BusinessPlan, can_manage: bool, query_string: str, today: datetime.date) -> str:
    stamps = ",".join(str(getattr(plan, f"change_stamp_{i}")) for i in range(len(_SOURCES)))
    raw = f"{plan.pk}|{stamps}|{int(can_manage)}|{today.isoformat()}|{query_string}"
    return "plan-body:" + hashlib.sha256(raw.encode()).hexdigest()


def get(key: str) -> str | None:
    return _cache.get(key)


def put(key: str, body: str) -> None:
    _cache.set(key, body)


def clear() -> None:
    _cache.clear()
