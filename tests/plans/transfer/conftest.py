from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def files_are_read_in_this_process(request, monkeypatch):
    """Stand in for the Celery worker when a view queues a file's reading or a preview: do it
    at once, through the same tasks (and child process) the worker uses. Tests marked celery_worker
    run the real worker instead. Returns the real queue_read, for tests of the queueing itself."""
    from plans.transfer import tasks

    real_queue_read = tasks.queue_read
    if not request.node.get_closest_marker("celery_worker"):
        monkeypatch.setattr(tasks, "queue_read", lambda job: tasks.read_import_file.apply(args=[str(job.pk)]))
        monkeypatch.setattr(
            tasks, "queue_preview", lambda job: tasks.prepare_import_preview.apply(args=[str(job.pk)])
        )
    return real_queue_read
