"""Demo meetings, board reports and frameworks from the seed documents.

Connected to ``plans.extensions.demo_loaded`` in MeetingsConfig.ready(), so it runs
inside ``load_demo``'s transaction. Loading is idempotent: found by natural keys,
saved only when a field differs.

The seeds give the Stockton meeting's date (21 May 2014) but not its time or place,
nor the Sunderland HWB's or the Scrutiny Committee's date, time or place: each
meeting says so (``Meeting.illustrative_note``, shown as "Illustrative"). No seed
gives minutes, so the demo records no decisions, and the HWB's adoption of the
framework of cooperation is not recorded. One upcoming SSCB meeting, dated from
today, shows the calendar feed; it is illustrative too.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model

from boards.models import Board, Membership, Partnership, Role
from frameworks.demo import Upserter, load_framework_demo
from frameworks.models import Adoption, FrameworkStatus
from plans.demo import demo_password

from .forms import save_recommendations
from .models import AgendaItem, BoardReport, Decision, Meeting

LONDON = zoneinfo.ZoneInfo(settings.TIME_ZONE)
NO_DATE_TIME_OR_PLACE = "The source gives no date, time or place for this meeting: they are illustrative."
NO_TIME_OR_PLACE = "The source gives this meeting's date but not its time or place: they are illustrative."
# Decisions earlier demos invented (no seed gives minutes): removed when the demo loads again.
INVENTED_DECISIONS = [
    "Noted the findings of the Safeguarding Children Peer Review.",
    "Reviewed the Framework of Cooperation and agreed to its adoption.",
    "Recommended to adopt the Framework of Cooperation.",
    "Noted the content of the report and received the associated presentation.",
    "Agreed to receive further updates with regard to Safeguarding Performance data.",
    "Noted the content of the report of the LGA Peer Review Team.",
]


def _at(year: int, month: int, day: int, hour: int = 14, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


SUNDERLAND_REPORT = {
    "title": "Childrens Safeguarding Peer Review & Framework of Cooperation",
    "report_of": "Executive Director of People Services and Independent Chair of the Sunderland Safeguarding "
    "Children Board and Sunderland Safeguarding Adults Board (joint report)",
    "purpose": "To highlight to members of the Health and Wellbeing Board, the findings of the November 2014 Peer "
    "Review into Childrens Safeguarding and to introduce a new framework of cooperation for review and adoption.",
    "background": "A team of LGA peers came to Sunderland in November 2014 as the second stage in a review of "
    "Childrens Safeguarding following a Core Assets review to examine the nature of the Council's safeguarding "
    "service and identify areas in need of improvement which was completed in early 2014.",
    "detail": "The safeguarding peer review focused on five key themes:\n"
    "- Effective practice, service delivery and the voice of the child\n"
    "- Outcomes, impact and performance management\n"
    "- Working together (including Health and Wellbeing Board)\n"
    "- Capacity and managing resources\n"
    "- Vision, strategy and leadership\n\n"
    "Within these overall areas, the team were also asked to explore the following issues to assist in the "
    "delivery of the on-going partnership improvement plan:\n"
    "- Early Intervention, Help, Support\n"
    "- Sunderland Safeguarding Children Board\n"
    "- Children's Services improvement activity\n"
    "- The quality and effectiveness of MASH\n\n"
    "The full recommendations from the peer team are included as Appendix 1.\n\n"
    "Framework of Cooperation. A voluntary Improvement Board, with an Independent Chair, has been established to "
    "oversee the improvement journey. The Sunderland Safeguarding Children Board (SSCB) has been given fresh "
    "impetus via a new Independent Chair, with challenge, refreshed governance and accountability strengthened on "
    "the Board and within partners' own organisations.\n\n"
    "The peer review recommended that the relationship between the various strategic fora across safeguarding "
    "should be reviewed and reconfigured, with the aim of strengthening governance and oversight.\n\n"
    "In order to progress this recommendation, a proposed framework of cooperation between the Health and "
    "Wellbeing Board, Sunderland Safeguarding Childrens Board and Sunderland Safeguarding Adults Board has been "
    "developed and is included as Appendix 2 to this report.",
    "background_papers": "",
    "contact_name": "",
    "contact_role": "",
    "contact_phone": "",
    "contact_email": "",
    "financial_implications": "",
    "legal_implications": "",
    "risk_assessment": "",
    "consultation": "",
}
SUNDERLAND_RECOMMENDATIONS = [
    "Note the findings of the Safeguarding Children Peer Review",
    "Review the Framework of cooperation and agree to its adoption",
    "Recommend to the Sunderland Safeguarding Childrens Board and Sunderland Safeguarding Adults Board to adopt the "
    "framework of cooperation",
]

IMPROVEMENT_REPORT = {
    "title": "Improvement Update",
    "report_of": "Executive Director People Services",
    "purpose": "This report provides an overview of improvement activity over the last three months following the "
    "Ofsted inspection. The report will be supplemented by a detailed presentation by the Executive Director "
    "People Services and the Director of Children's Services.",
    "background": "The four week Ofsted inspection of Services for Children in Need of Help and Protection, "
    "Children Looked After and Care Leavers, and the effectiveness of the local safeguarding board in Sunderland "
    "took place between 11 May and 4 June 2015. The report was published on 20 July 2015 and the overall "
    "judgement given was that services for these children in Sunderland are Inadequate.\n\n"
    "Following the Inspection the Minister for Children placed Sunderland's Children's Services in intervention, "
    "and appointed a Commissioner for Children's Services.",
    "detail": "The local authority has worked with the Commissioner for Children's Services to develop a "
    "comprehensive improvement plan to address all of the areas for improvement identified in the Ofsted report. "
    "The plan will be presented to the Children's Scrutiny Panel on 10 September, 2015.\n\n"
    "Sunderland, with the support of the Commissioner for Children's Services, negotiated the secondment of the "
    "Deputy Director of Children's Services in Leeds, Steve Walker to support the council to implement and take "
    "forward the improvement plan.\n\n"
    "Steve Walker has over 30 years of experience in the field of Children's Social Care. Over the past 4 years, "
    "Steve has supported Leeds to improve from Inadequate to a judgement of Good, which it received in their most "
    "recent Inspection in January of this year.\n\n"
    "All cases individual cases identified by Ofsted, where there were concerns, have been reviewed.\n\n"
    "The Multi-Agency Safeguarding Hub has been strengthened. The backlog of work in the hub at the time of the "
    "inspection has been addressed and caseloads have been reduced to a safe and manageable level.\n\n"
    "A new performance management dataset has been developed which will ensure that there is robust oversight of "
    "practice and that any areas of concerns can be identified and acted on promptly. If the Committee would find "
    "it helpful, the report can be submitted to them on a regular basis.\n\n"
    "The Child Protection and Independent Reviewing Officer Service has been strengthened and additional "
    "administration allocated and there are plans to further strengthen the service to ensure that plans for the "
    "most vulnerable children in the city are informed by the views and wishes of children, are of a high "
    "standard and are implemented in a timely manner.",
    "background_papers": "Ofsted Inspection of Services for Children in Need of Help and Protection, Children "
    "Looked After and Care Leavers, July 2015",
    "contact_name": "Tracey Newcomb",
    "contact_role": "Associate Director, Children's Services",
    "contact_phone": "",
    "contact_email": "",
    "financial_implications": "",
    "legal_implications": "",
    "risk_assessment": "",
    "consultation": "",
}
IMPROVEMENT_RECOMMENDATIONS = [
    "The Scrutiny Committee are requested to note the content of this report and to receive the associate "
    "presentation.",
    "The Scrutiny Committee are asked to consider receiving further updates with regard to Safeguarding "
    "Performance data.",
]

STOCKTON_REPORT = {
    "title": "Report on Stockton-on-Tees Borough Council's LGA Safeguarding Practice Diagnostic Review (Children) – "
    "25-27 March 2014",
    "report_of": "Corporate Director of Children, Education and Social Care",
    "purpose": "This report provides findings of the LGA Safeguarding Practice Diagnostic Review (Children), held in "
    "March 2014.",
    "background": "",
    "detail": "The Review was undertaken over three days and focused on a number of key lines of enquiry that had "
    "been discussed in advance with the LGA Team and the Council (Appendix 1 in the Report).\n\n"
    "The Review concentrated on three strands of work whilst on site, including:\n"
    "- Case Records Review\n"
    "- Real Time Review of Contact, Referral and Assessment\n"
    "- Social Work Practice Observation\n\n"
    "The Peer Review Team was made up of the following members:\n"
    "- Cliff James (Head of Safeguarding and Children's Social Care - Children and Young People Services Suffolk "
    "County Council)\n"
    "- Mark Nicholas (Head of Adult Safeguarding and Performance Management City of Bradford Metropolitan District "
    "Council)\n"
    "- Neil Holden (Operations Manager, Children's Social Care, West Sussex County Council)\n"
    "- Ernest Opuni (Peer Challenge Manager, Local Government Association)\n\n"
    "The team was on site from 25-27 March 2014 and met and spoke to a number of staff during the Review period.\n\n"
    "Thirty five case records were subject to audit by the Team and individual feedback was provided on the "
    "records.\n\n"
    "An overview of the key findings of the review was provided in a presentation to the Council on the last day "
    "of the Review (27.03.2014).\n\n"
    "An Improvement Plan is now being developed to incorporate the findings of the LGA Review and the Critical "
    "Friend Review undertaken earlier in the year. The Improvement Plan will be monitored by Cabinet, LSCB and "
    "CYP.\n\n"
    "The attached report provides more detail in relation to the findings of the LGA Team.",
    "financial_implications": "Not applicable to this report.",
    "legal_implications": "Not applicable to this report.",
    "risk_assessment": "Not applicable to this report.",
    "consultation": "Not applicable.",
    "background_papers": "",
    "contact_name": "Jane Humphreys",
    "contact_role": "",
    "contact_phone": "01642 527053",
    "contact_email": "jane.humphreys@stockton.gov.uk",
}
STOCKTON_RECOMMENDATIONS = [
    "That the Health and Wellbeing Board notes the content of the report of the LGA Peer Review Team (included as "
    "Appendix 1).",
]


def load_meetings_demo(sender, today: datetime.date, report=None, **kwargs) -> None:
    upsert = Upserter()
    boards = {board.slug: board for board in Board.objects.all()}
    sunderland = Partnership.objects.get(name="Sunderland")
    boards["sunderland-scrutiny"] = upsert(
        Board,
        {"slug": "sunderland-scrutiny"},
        {
            "partnership": sunderland,
            "short_name": "Scrutiny",
            "name": "Sunderland City Council Scrutiny Committee",
            "kind": Board.Kind.SCRUTINY_COMMITTEE,
            "statutory_basis": "",  # no seed states it
        },
    )
    users = {
        user.username: user
        for user in get_user_model().objects.filter(username__in=["executive", "stockton.manager"])
    }
    if "executive" in users:
        upsert(
            Membership,
            {"user": users["executive"], "board": boards["sunderland-scrutiny"]},
            {"role": Role.MEMBER},
        )
    if "stockton.manager" in users:
        upsert(
            Membership,
            {"user": users["stockton.manager"], "board": boards["stockton-on-tees-hwb"]},
            {"role": Role.MEMBER},
        )
    _peterborough_login(upsert, boards, report)
    ib_chair = upsert(
        get_user_model(),
        {"username": "ib.independent.chair"},
        {
            # The seed says the Improvement Board has an independent chair, not who.
            "first_name": "Demo",
            "last_name": "IB Independent Chair",
            "email": "ib.independent.chair@example.org",
            "is_active": False,
            "password": "!no-login",
        },
    )
    upsert(Board, {"pk": boards["sunderland-ib"].pk}, {"independent_chair": ib_chair})

    frameworks = load_framework_demo(boards, upsert)

    # Sunderland HWB: the peer review and framework of cooperation report.
    hwb_meeting = _meeting(
        upsert,
        boards["sunderland-hwb"],
        _at(2015, 1, 23),
        "Committee Room 1, Civic Centre, Sunderland",
        NO_DATE_TIME_OR_PLACE,
    )
    hwb_report = _report(
        upsert, boards["sunderland-hwb"], hwb_meeting, SUNDERLAND_REPORT, SUNDERLAND_RECOMMENDATIONS
    )
    _item(
        upsert,
        hwb_meeting,
        1,
        hwb_report.title,
        "Executive Director of People Services and Independent Chair, SSCB and SSAB",
        hwb_report,
    )
    framework = frameworks["sunderland"]
    # Earlier demos recorded the HWB adopting it; the seed only recommends adoption.
    invented = Adoption.objects.filter(framework=framework, note="Item 1 of the HWB meeting")
    if invented.exists():
        upsert.written += invented.delete()[0]
    if framework.status in (FrameworkStatus.PROPOSED, FrameworkStatus.ADOPTED):
        # Left alone once users have moved it on (a new version supersedes it).
        upsert(type(framework), {"pk": framework.pk}, {"status": framework.status_from_decisions()})

    # Sunderland Scrutiny Committee: the improvement update after the 2015 Ofsted inspection.
    scrutiny_meeting = _meeting(
        upsert,
        boards["sunderland-scrutiny"],
        _at(2015, 9, 8, 17, 30),
        "Council Chamber, Civic Centre, Sunderland",
        NO_DATE_TIME_OR_PLACE,
    )
    improvement = _report(
        upsert,
        boards["sunderland-scrutiny"],
        scrutiny_meeting,
        IMPROVEMENT_REPORT,
        IMPROVEMENT_RECOMMENDATIONS,
    )
    _item(
        upsert, scrutiny_meeting, 1, "Improvement Update", "Executive Director People Services", improvement
    )

    # Stockton-on-Tees HWB, 21 May 2014: the LGA diagnostic review report.
    stockton_meeting = _meeting(
        upsert,
        boards["stockton-on-tees-hwb"],
        _at(2014, 5, 21),
        "Stockton-on-Tees Borough Council",
        NO_TIME_OR_PLACE,
    )
    stockton = _report(
        upsert, boards["stockton-on-tees-hwb"], stockton_meeting, STOCKTON_REPORT, STOCKTON_RECOMMENDATIONS
    )
    _item(
        upsert,
        stockton_meeting,
        1,
        "LGA Safeguarding Practice Diagnostic Review (Children)",
        "Corporate Director of Children, Education and Social Care",
        stockton,
    )
    invented_decisions = Decision.objects.filter(
        agenda_item__meeting__in=[hwb_meeting, scrutiny_meeting, stockton_meeting],
        text__in=INVENTED_DECISIONS,
    )
    if invented_decisions.exists():
        upsert.written += invented_decisions.delete()[0]

    # An upcoming SSCB meeting, so members' calendar feeds have something ahead of them.
    upcoming = _first_tuesday_after(today)
    sscb_meeting = upsert(
        Meeting,
        {"board": boards["sunderland-sscb"], "title": "SSCB Board meeting"},
        {
            "starts_at": _at(upcoming.year, upcoming.month, upcoming.day, 10),
            "ends_at": _at(upcoming.year, upcoming.month, upcoming.day, 12),
            "place": "Committee Room 2, Civic Centre, Sunderland",
            "illustrative_note": "A demo meeting: its date, time, place and agenda are illustrative.",
        },
    )
    _item(
        upsert,
        sscb_meeting,
        1,
        "Framework of Cooperation: recommended for adoption by the Health and Wellbeing Board",
        "Independent Chair, SSCB",
        None,
    )
    _item(upsert, sscb_meeting, 2, "Business Plan progress: overdue actions", "SSCB Business Manager", None)

    if report is not None:
        report.written += upsert.written


def _peterborough_login(upsert, boards, report) -> None:
    """A login for the Peterborough demo: manager of the PSCB, member of the Children's Trust."""
    user = upsert(
        get_user_model(),
        {"username": "pscb.manager"},
        {"first_name": "Demo", "last_name": "PSCB Manager", "email": "pscb.manager@example.org"},
    )
    password = demo_password(user.username)
    if not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
        upsert.written += 1
    job = ""  # the Peterborough seed names no business manager
    upsert(
        Membership,
        {"user": user, "board": boards["peterborough-pscb"]},
        {"role": Role.MANAGER, "job_title": job},
    )
    upsert(
        Membership,
        {"user": user, "board": boards["peterborough-ct"]},
        {"role": Role.MEMBER, "job_title": job},
    )
    if report is not None:
        report.logins.append((user.username, password, "Manager of PSCB, Member of CT (Peterborough)"))


def _first_tuesday_after(today: datetime.date) -> datetime.date:
    first = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return first + datetime.timedelta(days=(1 - first.weekday()) % 7)


def _meeting(upsert, board, starts_at, place, illustrative_note) -> Meeting:
    return upsert(
        Meeting,
        {"board": board, "starts_at": starts_at},
        {"place": place, "illustrative_note": illustrative_note},
    )


def _report(upsert, board, meeting, fields, recommendations) -> BoardReport:
    values = {key: value for key, value in fields.items() if key != "title"}
    report = upsert(BoardReport, {"board": board, "title": fields["title"]}, {**values, "meeting": meeting})
    save_recommendations(report, recommendations)
    return report


def _item(upsert, meeting, position, title, presenter, report) -> AgendaItem:
    return upsert(
        AgendaItem,
        {"meeting": meeting, "position": position},
        {"title": title, "presenter": presenter, "report": report},
    )
