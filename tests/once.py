"""Data made once for a group of tests (a class), seen by each of them, rolled back after.

``load_demo`` writes about 2,100 rows (3-12 s on this machine, depending on load). Tests
that only read the demo, or change it and look, need not each load it again: a class-scoped
fixture loads it inside a transaction that stays open while the class's tests run. Each
test's own ``db`` transaction is then a savepoint inside it, rolled back after the test as
before, so no test sees what another changed; the demo itself is rolled back after the
class, so tests elsewhere get an empty database as they expect. Not for transactional
tests (they commit, and the flush after them would empty the demo).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction


@contextmanager
def rolled_back_afterwards(django_db_blocker) -> Iterator[None]:
    """Open a transaction for the data the tests share; roll it back when they are done."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
