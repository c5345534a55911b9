"""A "Lead agency" column: an export's names one of the partnership's agencies and sets the
action's lead agency; any other text (other boards head their lead column so) is read as the
lead, as it always was, and the preview says so."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from plans.models import Action
from plans.transfer import jobs
from plans.transfer.files import read_upload
from plans.transfer.importer import write_draft
from plans.transfer.mapping import guess_mapping
from plans.transfer.preview import build_draft
from tests.factories import AgencyFactory, BoardFactory, UserFactory

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 9, 30)
PERIOD = {"title": "Imported", "period_start": "2026-04-01", "period_end": "2027-03-31"}


def csv_file(header: list[str], *rows: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Priority area", "Agreed action", *header, "Timescale"])
    for row in rows:
        writer.writerow(["Priority Area 1 – Neglect", *row, "March 2027"])
    return buffer.getvalue().encode()


def draft_for(board, data: bytes) -> dict:
    extracted = read_upload("plan.csv", data).as_json()
    headings = [heading for table in extracted["tables"] for heading in table["header"]]
    return build_draft(extracted, guess_mapping(headings), plan=None, progress_as_of=AS_OF, board=board)


def drafted_actions(draft: dict) -> list[tuple[str, str, int | None]]:
    return [
        (action["description"], action["lead_role"], action["lead_agency_id"])
        for area in draft["areas"]
        for objective in area["objectives"]
        for action in objective["actions"]
    ]


def warnings(draft: dict) -> list[str]:
    return [issue["message"] for issue in draft["issues"] if issue["level"] == "warning"]


@pytest.fixture
def board():
    return BoardFactory()


def test_an_export_heading_maps_to_the_lead_agency_and_the_lead_person_stays_the_lead():
    mapping = guess_mapping(["Agreed action", "Lead person", "Lead agency"])
    assert (mapping["lead person"], mapping["lead agency"]) == ("lead", "lead_agency")


def test_a_name_of_the_partnerships_agencies_in_any_case_sets_the_lead_agency(board):
    police = AgencyFactory(partnership=board.partnership, name="Northumbria Police")
    data = csv_file(
        ["Lead person", "Lead agency"],
        ["Audit referrals", "Detective Inspector", "NORTHUMBRIA police"],
        ["Train staff", "Named Nurse", ""],
    )
    draft = draft_for(board, data)

    assert draft["error_count"] == 0 and warnings(draft) == [], draft["issues"]
    assert drafted_actions(draft) == [
        ("Audit referrals", "Detective Inspector", police.pk),
        ("Train staff", "Named Nurse", None),  # its own lead: the agency above does not carry down
    ]
    plan = write_draft(draft, user=UserFactory(), board=board, new_plan=PERIOD)
    written = Action.objects.filter(objective__priority_area__plan=plan).order_by("position")
    assert [(a.lead_role, a.lead_agency) for a in written] == [
        ("Detective Inspector", police),
        ("Named Nurse", None),
    ]


def test_a_plan_whose_only_lead_column_is_lead_agency_keeps_its_leads_as_before(board):
    """Other boards' plans: the column is their lead column. Names that are not the
    partnership's agencies are leads, as they always were, and the preview says so once a name."""
    police = AgencyFactory(partnership=board.partnership, name="Northumbria Police")
    AgencyFactory(name="Youth Offending Service")  # another partnership's agency: not this board's
    data = csv_file(
        ["Lead agency"],
        ["Audit referrals", "Youth Offending Service"],
        ["Train staff", ""],  # an empty lead carries the one above down, as it always did
        ["Review cases", "Youth Offending Service"],
        ["Share learning", "Northumbria Police"],
    )
    draft = draft_for(board, data)

    assert draft["error_count"] == 0, draft["issues"]
    assert drafted_actions(draft) == [
        ("Audit referrals", "Youth Offending Service", None),
        ("Train staff", "Youth Offending Service", None),
        ("Review cases", "Youth Offending Service", None),
        # A name of the partnership's agencies is the lead (as before) and the lead agency.
        ("Share learning", "Northumbria Police", police.pk),
    ]
    assert warnings(draft) == [
        "“Youth Offending Service” in the Lead agency column is not one of the partnership's agencies: "
        "it is read as the lead person, here and on every row that names it."
    ]


def test_text_that_names_no_agency_beside_a_lead_person_is_added_to_the_lead(board):
    data = csv_file(["Lead person", "Lead agency"], ["Audit referrals", "Named Nurse", "Sunderland CCG"])
    draft = draft_for(board, data)

    assert draft["error_count"] == 0, draft["issues"]
    assert drafted_actions(draft) == [("Audit referrals", "Named Nurse, Sunderland CCG", None)]
    assert len(warnings(draft)) == 1 and "Sunderland CCG" in warnings(draft)[0]


def test_an_agency_no_longer_of_the_partnership_when_the_import_runs_is_left_out(board):
    police = AgencyFactory(partnership=board.partnership, name="Northumbria Police")
    draft = draft_for(board, csv_file(["Lead person", "Lead agency"], ["Audit", "DI", "Northumbria Police"]))
    # The draft waits on the job between the preview and the import; the agency is moved meanwhile.
    police.partnership = AgencyFactory().partnership
    police.save()

    plan = write_draft(draft, user=UserFactory(), board=board, new_plan=PERIOD)
    action = Action.objects.get(objective__priority_area__plan=plan)
    assert (action.lead_role, action.lead_agency) == ("DI", None)


def test_the_preview_page_shows_the_lead_agency_and_says_which_names_are_read_as_leads(client, people):
    """Through the import job (new plan, so the board says whose agencies count)."""
    AgencyFactory(partnership=people.board.partnership, name="Northumbria Police")
    data = csv_file(
        ["Lead person", "Lead agency"],
        ["Audit referrals", "Detective Inspector", "Northumbria Police"],
        ["Train staff", "Named Nurse", "Sunderland CCG"],
    )
    job = jobs.new_job(
        extracted=read_upload("plan.csv", data).as_json(),
        file_name="plan.csv",
        board=people.board,
        user=people.manager,
        new_plan=PERIOD,
        progress_as_of=AS_OF,
    )
    jobs.preview(job)
    client.force_login(people.manager)
    page = client.get(reverse("plans:transfer:preview", args=[job.pk])).content.decode()
    assert "Detective Inspector<br>Lead agency: Northumbria Police" in page
    assert "Named Nurse, Sunderland CCG" in page
    assert "“Sunderland CCG” in the Lead agency column is not one of the partnership&#x27;s agencies" in page
