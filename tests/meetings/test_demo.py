"""load_demo brings in the frameworks, meetings and the seeds' three board reports, idempotently."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from boards.models import Adoption, Board, Framework, FrameworkStatus, Relationship, SharedFunction
from meetings.models import AgendaItem, BoardReport, Decision, Meeting, ReportRecommendation

pytestmark = pytest.mark.django_db


def counts():
    models = [
        Framework,
        Relationship,
        SharedFunction,
        Adoption,
        Meeting,
        AgendaItem,
        BoardReport,
        ReportRecommendation,
        Decision,
        Board,
    ]
    return {m.__name__: m.objects.count() for m in models} | {"report history": BoardReport.history.count()}


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False)
def test_demo_loads_the_seeds_and_a_second_run_changes_nothing():
    call_command("load_demo")
    sunderland = Framework.objects.get(partnership__name="Sunderland")
    assert sunderland.status == FrameworkStatus.PROPOSED
    assert sunderland.adoptions.get().board.short_name == "HWB"
    peterborough = Framework.objects.get(partnership__name="Peterborough")
    pscb = peterborough.framework_boards.get(board__short_name="PSCB")
    assert pscb.primary_function == "scrutiny and advisory"
    assert (
        peterborough.framework_boards.get(board__short_name="CT").primary_function
        == "delivery and performance"
    )
    assert set(pscb.responsibilities.values_list("sub_group", flat=True)) == {
        "Policies and Procedures",
        "Serious Case Review Process",
        "Child Death Overview Panel",
        "Safeguarding Training",
    }
    assert set(peterborough.shared_functions.values_list("delivered_by", flat=True)) == {
        "Stay Safe Partnership"
    }
    assert peterborough.relationships.filter(
        kind="receives_annual_report", from_board__short_name="CT"
    ).exists()

    stockton = BoardReport.objects.get(board__slug="stockton-on-tees-hwb")
    assert stockton.meeting.starts_at.date() == datetime.date(2014, 5, 21)
    assert stockton.contact_email == "jane.humphreys@stockton.gov.uk"
    improvement = BoardReport.objects.get(title="Improvement Update")
    assert improvement.board.kind == Board.Kind.SCRUTINY_COMMITTEE
    assert improvement.recommendations.count() == 2
    peer = BoardReport.objects.get(board__slug="sunderland-hwb")
    assert peer.recommendations.count() == 3
    assert set(Decision.objects.filter(agenda_item__report=peer).values_list("kind", flat=True)) == {
        "noted",
        "agreed",
        "recommended_to",
    }

    before = counts()
    call_command("load_demo")
    assert counts() == before

    # Users move the demo framework on; loading the demo again leaves their work alone.
    sunderland.create_new_version()
    call_command("load_demo")
    sunderland.refresh_from_db()
    assert sunderland.status == FrameworkStatus.SUPERSEDED
    assert Framework.objects.get(supersedes=sunderland).status == FrameworkStatus.DRAFT
