"""The frameworks moved from the boards app to their own app without losing a row, and
the bindings made before consent was asked stay bound.

The move is a change of Django's state only (``boards`` 0006 forgets the models,
``frameworks`` 0001 takes them over with their ``boards_*`` tables). This test
builds a database as it was before the move, with a framework, its history and
its content types in it, migrates it forward and finds everything under the new app.
"""

from __future__ import annotations

import datetime
from importlib import import_module

import pytest
from django.db import connection

MOVE = ("boards", "0006_frameworks_moved_to_their_own_app")
AFTER_MOVE = ("frameworks", "0001_initial")
# The boards migration just before the move, whatever its number.
BEFORE_MOVE = next(
    dependency
    for dependency in import_module(f"boards.migrations.{MOVE[1]}").Migration.dependencies
    if dependency[0] == "boards"
)


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_frameworks(migrator):
    old = migrator.apply_initial_migration(BEFORE_MOVE)
    old_partnership = old.apps.get_model("boards", "Partnership")
    old_board = old.apps.get_model("boards", "Board")
    old_framework = old.apps.get_model("boards", "Framework")
    old_framework_board = old.apps.get_model("boards", "FrameworkBoard")
    old_relationship = old.apps.get_model("boards", "Relationship")
    old_shared_function = old.apps.get_model("boards", "SharedFunction")
    old_adoption = old.apps.get_model("boards", "Adoption")
    old_historical_framework = old.apps.get_model("boards", "HistoricalFramework")
    content_type = old.apps.get_model("contenttypes", "ContentType")
    permission = old.apps.get_model("auth", "Permission")

    partnership = old_partnership.objects.create(name="Peterborough", slug="peterborough")
    pscb = old_board.objects.create(
        partnership=partnership, name="PSCB", short_name="PSCB", slug="pscb", kind="lscb"
    )
    trust = old_board.objects.create(
        partnership=partnership, name="Trust", short_name="CT", slug="ct", kind="trust"
    )
    framework = old_framework.objects.create(
        partnership=partnership, title="Governance model", status="proposed"
    )
    old_historical_framework.objects.create(
        id=framework.pk,
        partnership=partnership,
        title=framework.title,
        version=1,
        status="proposed",
        summary="",
        created_at=framework.created_at,
        history_date=framework.created_at,
        history_type="+",
    )
    for position, board in enumerate((pscb, trust), start=1):
        old_framework_board.objects.create(framework=framework, board=board, position=position)
    old_relationship.objects.create(framework=framework, from_board=pscb, to_board=trust, kind="scrutinises")
    shared = old_shared_function.objects.create(
        framework=framework, name="Quality assurance", delivered_by="SSP"
    )
    shared.boards.set([pscb, trust])
    old_adoption.objects.create(
        framework=framework, board=pscb, decision="adopt", meeting_date=datetime.date(2010, 1, 12)
    )
    framework_type = content_type.objects.create(app_label="boards", model="framework")
    permission.objects.create(content_type=framework_type, codename="change_framework", name="Can change")
    tables_before = _tables()

    new = migrator.apply_tested_migration(AFTER_MOVE)

    assert _tables() == tables_before  # nothing made, dropped or renamed
    moved = new.apps.get_model("frameworks", "Framework").objects.get(pk=framework.pk)
    assert moved.title == "Governance model" and moved.status == "proposed"
    assert list(moved.framework_boards.order_by("position").values_list("board__short_name", flat=True)) == [
        "PSCB",
        "CT",
    ]
    assert list(moved.relationships.values_list("kind", flat=True)) == ["scrutinises"]
    assert sorted(moved.shared_functions.get().boards.values_list("short_name", flat=True)) == ["CT", "PSCB"]
    assert moved.adoptions.get().decision == "adopt"
    assert new.apps.get_model("frameworks", "HistoricalFramework").objects.get().title == "Governance model"
    # The content type (and so its permissions) moved with the model rather than being made again.
    content_type = new.apps.get_model("contenttypes", "ContentType")
    moved_type = content_type.objects.get(pk=framework_type.pk)
    assert (moved_type.app_label, moved_type.model) == ("frameworks", "framework")
    assert new.apps.get_model("auth", "Permission").objects.get(
        codename="change_framework"
    ).content_type_id == (framework_type.pk)

    # The next migration asks boards for their consent: bindings made before it stay bound,
    # with no one recorded as agreeing, so nothing anyone sees disappears on upgrade.
    consent = migrator.apply_tested_migration(("frameworks", "0002_board_consent"))
    bindings = consent.apps.get_model("frameworks", "FrameworkBoard").objects.order_by("position")
    assert [(b.consent, b.consent_given_by_id, b.consent_given_at) for b in bindings] == [
        ("given", None, None),
        ("given", None, None),
    ]

    # And back: unapplying the move gives the boards app its content types again.
    back = migrator.apply_tested_migration(BEFORE_MOVE)
    content_type = back.apps.get_model("contenttypes", "ContentType")
    assert content_type.objects.get(pk=framework_type.pk).app_label == "boards"
    assert back.apps.get_model("boards", "Framework").objects.get().title == "Governance model"
