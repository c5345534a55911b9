"""The fan-out's advisory lock: a second run while one is selecting does nothing."""

import psycopg
import pytest

from notifications.tasks import ADVISORY_LOCK_NAMESPACE, JOB_LOCK_KEYS, fan_out
from tests import celery_worker
from tests.notifications.factories import action_on

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_fan_out_already_running_elsewhere_is_skipped(people, frozen_today):
    action_on(people.board, responsible=people.member, due_date=frozen_today.replace(day=1))
    dispatched = []
    with psycopg.connect(celery_worker.test_database_url()) as other, other.transaction():
        other.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK_NAMESPACE, JOB_LOCK_KEYS["overdue"]]
        )
        assert fan_out("overdue", frozen_today, lambda batch, day: dispatched.append(batch)) is None
    assert dispatched == []

    assert fan_out("overdue", frozen_today, lambda batch, day: dispatched.append(batch)) == [None]
    assert len(dispatched) == 1


def test_other_jobs_are_not_blocked(people, frozen_today):
    with psycopg.connect(celery_worker.test_database_url()) as other, other.transaction():
        other.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK_NAMESPACE, JOB_LOCK_KEYS["overdue"]]
        )
        assert fan_out("digest", frozen_today, lambda batch, day: batch) == []
