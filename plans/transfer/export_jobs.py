"""Exports of large plans are made by the Celery worker, never in a web request (issue 15
point 1). The file is kept in the shared cache under the plan's content version
(``safeguarding.heavy_renders``), so once made it is served at once to every member, from
any web process, until the plan changes.

A job's state lives beside the file in the shared cache, keyed the same way: asking for a
file that is being made joins the job under way (``cache.add``), and a plan changed while
its file was made simply asks for the next version's file. Nothing about an export needs
to outlive the cache: a lost state or file is made again when next asked for.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from pathlib import Path

from django.conf import settings
from django.core.cache import cache

from plans.models import Action, BusinessPlan
from safeguarding import heavy_renders, shared_cache
from safeguarding.queueing import send_now

from .exporter import EXPORTERS

logger = logging.getLogger(__name__)

EXPORT_TASK = "plans.transfer.build_export"
LABELS = {"csv": "CSV file", "xlsx": "Excel workbook", "docx": "Word document"}


@functools.cache
def exporter_digest() -> str:
    """A release that changes how files are written never serves files written the old way."""
    return hashlib.sha256(Path(__file__).with_name("exporter.py").read_bytes()).hexdigest()[:12]


def export_key(plan: BusinessPlan, fmt: str) -> str:
    return f"plan-export:{plan.pk}:v{plan.content_version}:{fmt}:{exporter_digest()}"


def state_key(plan: BusinessPlan, fmt: str) -> str:
    return f"plan-export-job:{plan.pk}:v{plan.content_version}:{fmt}"


def action_count(plan: BusinessPlan) -> int:
    return Action.objects.filter(objective__priority_area__plan=plan).count()


def made_in_worker(plan: BusinessPlan) -> bool:
    return action_count(plan) > settings.EXPORT_IN_WORKER_ACTIONS


def job_state(plan: BusinessPlan, fmt: str) -> dict | None:
    """{"state": "queued" | "making" | "failed", "message": …}, or None when no job is known."""
    return shared_cache.get(state_key(plan, fmt))


def request_export(plan: BusinessPlan, fmt: str) -> dict | None:
    """Ask the worker for the plan's file at its current version, once: a job already
    asked for is joined. None when neither the shared cache nor the worker can be reached."""
    key = state_key(plan, fmt)
    queued = {"state": "queued", "message": "Waiting for the worker."}
    try:
        if not cache.add(key, queued, settings.HEAVY_RENDER_SLOT_SECONDS * 5):
            return cache.get(key) or queued
    except Exception as error:  # Redis down: the worker cannot be reached either
        shared_cache.failed(error)
        return None
    if not send_now(EXPORT_TASK, [plan.pk, fmt]):
        cache.delete(key)
        return None
    return queued


def build_export(plan_pk: int, fmt: str) -> str:
    """In the worker: make the file of the plan as it is now and keep it in the shared cache."""
    plan = BusinessPlan.objects.filter(pk=plan_pk).first()
    if plan is None:
        return "gone"
    build, _content_type = EXPORTERS[fmt]
    label = LABELS[fmt]
    key = state_key(plan, fmt)
    timeout = settings.HEAVY_RENDER_SLOT_SECONDS * 5
    if heavy_renders.cached_file(export_key(plan, fmt)) is not None:
        cache.delete(key)
        return "cached"
    cache.set(
        key, {"state": "making", "message": f"Making the {label} of {action_count(plan):,} actions."}, timeout
    )
    try:
        data = build(plan)
    except Exception:
        logger.exception("export of plan %s as %s failed", plan_pk, fmt)
        cache.set(
            key, {"state": "failed", "message": "The file could not be made. Try again later."}, timeout
        )
        return "failed"
    heavy_renders.keep_file(export_key(plan, fmt), data)
    cache.delete(key)
    return "done"
