import pytest

from safeguarding.celery import ping
from tests.celery_worker import running_worker

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_consumes_tasks_from_redis():
    with running_worker() as worker:
        result = ping.delay()
        assert result.get(timeout=30) == "pong"
        assert worker.poll() is None
