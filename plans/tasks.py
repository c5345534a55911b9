"""The plans app's own Celery task (the import and export tasks are in plans.transfer.tasks)."""

from __future__ import annotations

from celery import shared_task

from . import page_body
from .page_cache import REDRAW_TASK


@shared_task(name=REDRAW_TASK, ignore_result=True)
def redraw_plan_page(plan_pk: int) -> int:
    """Draw the plan page's new version right after a write (plans.page_body.redraw)."""
    return page_body.redraw(plan_pk)
