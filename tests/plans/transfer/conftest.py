from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def files_are_read_in_this_process(request, monkeypatch):
    """Stand in for the Celery worker when a view queues a file's reading: read it at once,
    through the same task and child process the worker uses. Tests marked celery_worker
    run the real worker instead."""
    if request.node.get_closest_marker("celery_worker"):
        return
    from plans.transfer import tasks

    monkeypatch.setattr(tasks, "queue_read", lambda job: tasks.read_import_file.apply(args=[str(job.pk)]))
