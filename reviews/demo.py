"""Demo reviews from the seed documents, loaded by ``load_demo`` through plans.extensions.demo_loaded.

Sources (in ../shared/seeds/):
- sunderland-peer-review-and-framework-of-cooperation.txt: the Core Assets review
  (early 2014) and the LGA peer review of November 2014, its five key themes, its
  four additional issues and its recommendation on the strategic fora;
- sunderland-ofsted-improvement-update.txt: the Ofsted inspection of 11 May – 4
  June 2015, published 20 July 2015, judged inadequate, then intervention with a
  Commissioner; the improvement update's points become actions and progress;
- stockton-lga-diagnostic-review-report.txt: the LGA Safeguarding Practice
  Diagnostic Review of 25–27 March 2014, its team of four, three strands (35 case
  records audited), the report to the Health and Wellbeing Board on 21 May 2014,
  and the improvement plan monitored by Cabinet, LSCB and CYP.

The seeds do not give the text of most recommendations (they sit in appendices
we do not have). Those recommendations are created with ``illustrative=True``
and the page marks them “Illustrative”; so are the plan actions we had to make
up (their description starts “Illustrative:”). The improvement update is
undated: its points are dated 1 September 2015, before the plan went to the
Children's Scrutiny Panel on 10 September 2015.

Reviews keep their historical dates. The improvement plans' dates move forward
by whole years, as the SSCB plan's do, so the demo shows a real mix of complete,
overdue and open actions; ``--original-dates`` keeps them.

Idempotent: rows are found by natural keys and saved only when a field differs.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.db import models

from boards.models import Board, Membership, Partnership, Role
from plans.demo import demo_approval, demo_password, demo_rag, shift_date, year_shift
from plans.models import (
    Action,
    BusinessPlan,
    DuePrecision,
    EvidenceSource,
    Objective,
    PriorityArea,
    ProgressUpdate,
    Status,
)

from .models import (
    FocusKind,
    FocusTheme,
    ImpactEvidence,
    ImprovementPlan,
    Judgement,
    MonitoringBody,
    Recommendation,
    RecommendationAction,
    Response,
    Review,
    ReviewKind,
    ReviewReport,
    ReviewStatus,
    ReviewTeamMember,
    WorkStrand,
)

D = datetime.date
# Every model written here has one manager, ``objects``, so it is the default manager.
ModelT = TypeVar("ModelT", bound=models.Model)
PEER_REVIEW_SOURCE = (
    "Children's Safeguarding Peer Review & Framework of Cooperation: joint report of the Executive "
    "Director of People Services and the Independent Chair of the SSCB and SSAB to the Health and Wellbeing Board"
)
OFSTED_SOURCE = (
    "Improvement update: report of the Executive Director People Services to the Scrutiny Committee"
)
STOCKTON_SOURCE = (
    "Report to the Health and Wellbeing Board, 21 May 2014, of the Corporate Director of Children, "
    "Education and Social Care"
)

# Said once on each demo improvement plan's page, exports and packs (plans.BusinessPlan.illustrative_note).
IMPROVEMENT_PLAN_NOTE = (
    "The seed does not give the improvement plan itself, only the improvement update's points. Its priority "
    "areas, objectives, actions, leads, timescales, statuses and ratings are illustrative, built from those "
    "points; the update gives no dates for them, so its notes are undated."
)
STOCKTON_PLAN_NOTE = (
    "The seed says only that an improvement plan is being developed, to be monitored by Cabinet, the LSCB and "
    "CYP. Everything in this plan is illustrative."
)

# One demo login more: a manager of the Sunderland Improvement Board, which owns
# the improvement plan (the SSCB manager reads reviews but not the IB's plan).
IMPROVEMENT_MANAGER = {
    "username": "improvement.manager",
    "first_name": "Demo",
    "last_name": "Improvement Manager",
    "job_title": "",  # the seeds name no post for whoever manages the Improvement Board's plan
}


class _Writer:
    """Get-or-create by natural key, saving only the fields that differ (so a rerun writes nothing)."""

    def __init__(self) -> None:
        self.written = 0

    def upsert(
        self, model: type[ModelT], lookup: dict[str, Any], values: dict[str, Any] | None = None
    ) -> ModelT:
        values = values or {}
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            if isinstance(obj, Action):
                obj.written_by_demo = True  # keeps Action.rating_illustrative
            obj.save()
            self.written += 1
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            if isinstance(obj, Action):
                obj.written_by_demo = True
            obj.save()
            self.written += 1
        return obj


def load_reviews_demo(sender, *, today: datetime.date, original_dates: bool, report, **kwargs) -> None:
    writer = _Writer()
    boards = {
        board.slug: board
        for board in Board.objects.filter(partnership__name__in=["Sunderland", "Stockton-on-Tees"])
    }
    sunderland = Partnership.objects.get(name="Sunderland")
    stockton = Partnership.objects.get(name="Stockton-on-Tees")
    _load_improvement_manager(writer, boards["sunderland-ib"], report)
    _load_sunderland(writer, sunderland, boards, today, original_dates)
    _load_stockton(writer, stockton, boards, today, original_dates)
    # load_demo prints report.written; it sets report.counts itself after this signal.
    report.written += writer.written


def _load_improvement_manager(writer: _Writer, board: Board, report) -> None:
    spec = IMPROVEMENT_MANAGER
    user = writer.upsert(
        get_user_model(),
        {"username": spec["username"]},
        {
            "first_name": spec["first_name"],
            "last_name": spec["last_name"],
            "email": f"{spec['username']}@example.org",
        },
    )
    password = demo_password(spec["username"])
    if not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
        writer.written += 1
    writer.upsert(
        Membership, {"user": user, "board": board}, {"role": Role.MANAGER, "job_title": spec["job_title"]}
    )
    if all(login[0] != spec["username"] for login in report.logins):
        report.logins.append((spec["username"], password, f"Manager of {board.short_name}"))


def _review(writer: _Writer, partnership: Partnership, title: str, **values) -> Review:
    return writer.upsert(Review, {"partnership": partnership, "title": title}, values)


def _ordered(writer: _Writer, model, review: Review, rows: list[dict[str, Any]]) -> None:
    for position, values in enumerate(rows, start=1):
        writer.upsert(model, {"review": review, "position": position}, values)


class _PlanBuilder:
    """Writes one demo improvement plan, its dates moved by ``shift`` years."""

    def __init__(self, writer: _Writer, plan: BusinessPlan, shift: int, today: datetime.date) -> None:
        self.writer, self.plan, self.shift, self.today = writer, plan, shift, today

    def area(self, number: int, title: str) -> PriorityArea:
        return self.writer.upsert(PriorityArea, {"plan": self.plan, "number": number}, {"title": title})

    def objective(self, area: PriorityArea, position: int, description: str, evidence: str) -> Objective:
        objective = self.writer.upsert(
            Objective,
            {"priority_area": area, "number": f"{area.number}.{position}"},
            {"position": position, "description": description},
        )
        self.writer.upsert(EvidenceSource, {"objective": objective, "position": 1}, {"text": evidence})
        return objective

    def action(
        self,
        objective: Objective,
        position: int,
        description: str,
        *,
        lead: str,
        due: datetime.date,
        status: str,
        progress: Sequence[tuple[datetime.date | None, str]] = (),
    ) -> Action:
        due = shift_date(due, self.shift)
        notes = [(date and shift_date(date, self.shift), text) for date, text in progress]
        action = self.writer.upsert(
            Action,
            {"objective": objective, "position": position},
            {
                "description": description,
                "lead_role": lead,
                "due_date": due,
                "due_precision": DuePrecision.MONTH,
                "timescale_text": f"{due:%B %Y}",
                "status": status,
                "rag": demo_rag(status, due, self.today),
                "rating_illustrative": True,
                "completed_on": None,  # no seed gives the day an action was complete
            },
        )
        for date, text in notes:
            self.writer.upsert(ProgressUpdate, {"action": action, "text": text}, {"date": date})
        return action


def _link(writer: _Writer, recommendation: Recommendation, *actions: Action) -> None:
    for action in actions:
        writer.upsert(RecommendationAction, {"recommendation": recommendation, "action": action})


def _recommendation(writer: _Writer, review: Review, number: int, text: str, **values) -> Recommendation:
    """No seed records a response to a recommendation or who owns it: both stay empty."""
    values = {"response": Response.AWAITING, "owner_board": None, "owner": "", **values}
    return writer.upsert(Recommendation, {"review": review, "number": number}, {"text": text, **values})


def _monitored_by(writer: _Writer, plan: BusinessPlan, bodies: list[Board | str]) -> None:
    for position, body in enumerate(bodies, start=1):
        values = {"board": body, "name": ""} if isinstance(body, Board) else {"board": None, "name": body}
        writer.upsert(MonitoringBody, {"plan": plan, "position": position}, values)


def _load_sunderland(
    writer: _Writer, partnership, boards, today: datetime.date, original_dates: bool
) -> None:
    hwb, ib, sscb = boards["sunderland-hwb"], boards["sunderland-ib"], boards["sunderland-sscb"]
    _load_case_reviews(writer, partnership, sscb)

    core_assets = _review(
        writer,
        partnership,
        "Core Assets review of children's safeguarding",
        kind=ReviewKind.CORE_ASSETS,
        dates_note="Completed early 2014",
        status=ReviewStatus.REPORTED,
        summary="The first stage of the review of children's safeguarding: it examined the nature of the "
        "Council's safeguarding service and identified areas in need of improvement.",
        source=PEER_REVIEW_SOURCE,
    )

    peer = _review(
        writer,
        partnership,
        "Children's Safeguarding Peer Review",
        kind=ReviewKind.LGA_PEER_REVIEW,
        dates_note="November 2014",
        status=ReviewStatus.REPORTED,
        commissioned_by="",
        summary="A team of LGA peers came to Sunderland in November 2014 as the second stage in a review of "
        f"children's safeguarding, following the {core_assets.title.lower()}. A voluntary Improvement Board, "
        "with an Independent Chair, has been established to oversee the improvement journey, and the SSCB has "
        "a new Independent Chair. The full recommendations of the peer team are in Appendix 1 of the report, "
        "which the seed does not include.",
        source=PEER_REVIEW_SOURCE,
    )
    writer.upsert(ReviewReport, {"review": peer, "board": hwb})
    themes = [
        "Effective practice, service delivery and the voice of the child",
        "Outcomes, impact and performance management",
        "Working together (including Health and Wellbeing Board)",
        "Capacity and managing resources",
        "Vision, strategy and leadership",
    ]
    issues = [
        "Early Intervention, Help, Support",
        "Sunderland Safeguarding Children Board",
        "Children's Services improvement activity",
        "The quality and effectiveness of MASH",
    ]
    _ordered(
        writer,
        FocusTheme,
        peer,
        [{"kind": FocusKind.THEME, "text": text} for text in themes]
        + [{"kind": FocusKind.ISSUE, "text": text} for text in issues],
    )

    ofsted = _review(
        writer,
        partnership,
        "Ofsted inspection of services for children in need of help and protection, children looked after "
        "and care leavers",
        kind=ReviewKind.OFSTED,
        on_site_start=D(2015, 5, 11),
        on_site_end=D(2015, 6, 4),
        published=D(2015, 7, 20),
        commissioned_by="Ofsted (Single Inspection Framework)",
        status=ReviewStatus.REPORTED,
        overall_judgement=Judgement.INADEQUATE,
        intervention=True,
        commissioner="Commissioner for Children's Services, appointed by the Minister for Children",
        summary="A four-week inspection of services for children in need of help and protection, children "
        "looked after and care leavers, and of the effectiveness of the local safeguarding board. Services "
        "for these children in Sunderland were judged inadequate. Following the inspection the Minister for "
        "Children placed Sunderland's Children's Services in intervention and appointed a Commissioner for "
        "Children's Services. The Deputy Director of Children's Services in Leeds, Steve Walker, was seconded "
        "to support the council to implement the improvement plan.",
        source=OFSTED_SOURCE,
    )
    writer.upsert(ReviewReport, {"review": ofsted, "board": ib})

    # The improvement plan: dates move like the SSCB plan's. The update is undated, so are its
    # notes; 1 September 2015 only anchors the move (before the 10 September 2015 panel).
    as_of = D(2015, 9, 1)
    shift = 0 if original_dates else year_shift(as_of, today)
    plan = writer.upsert(
        BusinessPlan,
        {"board": ib, "title": "Children's Services Improvement Plan"},
        {
            "period_start": shift_date(D(2015, 9, 1), shift),
            "period_end": shift_date(D(2017, 3, 31), shift),
            **demo_approval(
                BusinessPlan.objects.filter(board=ib, title="Children's Services Improvement Plan").first()
            ),
            "dates_moved_years": shift,
            "illustrative_note": IMPROVEMENT_PLAN_NOTE,
        },
    )
    writer.upsert(ImprovementPlan, {"review": peer, "plan": plan})
    writer.upsert(ImprovementPlan, {"review": ofsted, "plan": plan})
    _monitored_by(writer, plan, [ib, "Children's Scrutiny Panel"])
    build = _PlanBuilder(writer, plan, shift, today)
    update = "Improvement update:"

    governance = build.area(1, "Governance, leadership and partnership working")
    fora = build.objective(
        governance,
        1,
        "Strengthened governance and oversight across the strategic safeguarding fora",
        peer.title,
    )
    framework = build.action(
        fora,
        1,
        "Develop a framework of cooperation between the Health and Wellbeing Board, the SSCB and the SSAB, "
        "and ask each board to adopt it",
        lead="Executive Director of People Services and Independent Chair of the SSCB and SSAB",
        due=D(2015, 3, 31),
        status=Status.IN_PROGRESS,
        progress=[
            (
                None,
                "Proposed framework of cooperation presented to the Health and Wellbeing Board for review and "
                "adoption, with a recommendation that the SSCB and SSAB adopt it.",
            )
        ],
    )
    leadership = build.objective(
        governance,
        2,
        "The council has the leadership capacity to carry out the improvement plan",
        ofsted.title,
    )
    secondment = build.action(
        leadership,
        1,
        "Second the Deputy Director of Children's Services in Leeds to support the council to implement and "
        "take forward the improvement plan",
        lead="Executive Director People Services, with the Commissioner for Children's Services",
        due=D(2015, 8, 31),
        status=Status.COMPLETE,
        progress=[
            (
                None,
                f"{update} Secondment of Steve Walker, Deputy Director of Children's Services in Leeds, agreed.",
            )
        ],
    )

    front_door = build.area(2, "Help and protection")
    cases = build.objective(front_door, 1, "Children whose cases concerned inspectors are safe", ofsted.title)
    cases_reviewed = build.action(
        cases,
        1,
        "Review all individual cases identified by Ofsted where there were concerns",
        lead="Director of Children's Services",
        due=D(2015, 8, 31),
        status=Status.COMPLETE,
        progress=[
            (
                None,
                f"{update} All individual cases identified by Ofsted, where there were concerns, have been reviewed.",
            )
        ],
    )
    mash_objective = build.objective(
        front_door,
        2,
        "The Multi-Agency Safeguarding Hub deals with contacts and referrals safely and promptly",
        ofsted.title,
    )
    mash = build.action(
        mash_objective,
        1,
        "Strengthen the Multi-Agency Safeguarding Hub: clear the backlog and reduce caseloads to a safe, "
        "manageable level",
        lead="Director of Children's Services",
        due=D(2015, 8, 31),
        status=Status.COMPLETE,
        progress=[
            (
                None,
                f"{update} The backlog of work in the hub at the time of the inspection has been addressed and "
                "caseloads have been reduced to a safe and manageable level.",
            )
        ],
    )
    # The update is undated and says nothing of anyone checking it: the evidence is stored
    # undated ("Date not recorded") and not verified, rather than given an invented day.
    writer.upsert(
        ImpactEvidence,
        {"action": mash, "indicator_reference": "Improvement update, paragraph 3.5"},
        {
            "text": "The improvement update to the Scrutiny Committee reports the hub's backlog cleared and "
            "caseloads at a safe and manageable level.",
            "date": None,
            "verified": False,
            "verified_on": None,
        },
    )
    cp_objective = build.objective(
        front_door,
        3,
        "Plans for the most vulnerable children are informed by their views and wishes, of a high standard "
        "and carried out in good time",
        ofsted.title,
    )
    cp_iro = build.action(
        cp_objective,
        1,
        "Strengthen the Child Protection and Independent Reviewing Officer Service further, beyond the "
        "additional administration already allocated",
        lead="Associate Director, Children's Services",
        due=D(2015, 10, 31),
        status=Status.IN_PROGRESS,
        progress=[
            (
                None,
                f"{update} The Child Protection and Independent Reviewing Officer Service has been strengthened "
                "and additional administration allocated; there are plans to strengthen it further.",
            )
        ],
    )

    performance = build.area(3, "Performance and quality of practice")
    oversight = build.objective(
        performance,
        1,
        "Robust oversight of practice, so that concerns are identified and acted on promptly",
        ofsted.title,
    )
    dataset = build.action(
        oversight,
        1,
        "Develop a new performance management dataset",
        lead="Associate Director, Children's Services",
        due=D(2015, 8, 31),
        status=Status.COMPLETE,
        progress=[(None, f"{update} A new performance management dataset has been developed.")],
    )
    scrutiny_reports = build.action(
        oversight,
        2,
        "Report safeguarding performance data to the Scrutiny Committee regularly, if the Committee wishes",
        lead="Executive Director People Services",
        due=D(2016, 3, 31),
        status=Status.NOT_STARTED,
    )

    # The one recommendation the peer-review seed states in words (section 3.1).
    fora_rec = _recommendation(
        writer,
        peer,
        1,
        "Review and reconfigure the relationship between the various strategic fora across safeguarding, with "
        "the aim of strengthening governance and oversight.",
        illustrative=False,
    )
    _link(writer, fora_rec, framework)
    mash_rec = _recommendation(
        writer,
        peer,
        2,
        "Improve the quality and effectiveness of the Multi-Agency Safeguarding Hub (one of the issues the peer "
        "team was asked to explore; the seed does not give the team's words).",
        illustrative=True,
    )
    _link(writer, mash_rec, mash)

    ofsted_recs = [
        (
            "Review every case where inspectors found concerns, and act on what the reviews find.",
            [cases_reviewed],
        ),
        (
            "Make sure the Multi-Agency Safeguarding Hub responds to contacts and referrals promptly, with safe caseloads.",
            [mash],
        ),
        (
            "Give senior leaders and members robust, regular performance information on the quality of practice.",
            [dataset, scrutiny_reports],
        ),
        (
            "Make sure child protection plans are informed by children's views and wishes, are of a high standard and are carried out in good time.",
            [cp_iro],
        ),
        ("Secure the leadership capacity needed to carry out the improvement plan.", [secondment]),
        (
            "Make sure the local safeguarding children board monitors the effectiveness of help and protection across the partnership.",
            [],
        ),
    ]
    for number, (text, actions) in enumerate(ofsted_recs, start=1):
        rec = _recommendation(
            writer,
            ofsted,
            number,
            text,
            illustrative=True,
        )
        _link(writer, rec, *actions)


SSCB_PLAN_SOURCE = "Sunderland Safeguarding Children Board Business Plan April 2011 – March 2013"


def _load_case_reviews(writer: _Writer, partnership: Partnership, sscb: Board) -> None:
    """The two serious case reviews the SSCB plan cites. The seed names them and says what the
    board will do about them, but gives neither review's recommendations or findings, nor
    its dates: the reviews carry no recommendations, and the plan is linked as answering them."""
    plan = BusinessPlan.objects.filter(
        board=sscb, title="Sunderland Safeguarding Children Board Business Plan"
    ).first()
    child_x = _review(
        writer,
        partnership,
        "Serious Case Review for Child X",
        kind=ReviewKind.CASE_REVIEW,
        dates_note="Not given in the source",
        status=ReviewStatus.REPORTED,
        summary="The SSCB Business Plan 2011–2013 cites this review as evidence for objectives 2.1, 6.1, 8.1, 8.2 "
        "and 10.1, and plans to implement and embed all its recommendations, monitor them through a multi-agency "
        "SCR audit group, evaluate them and deliver lessons learnt sessions. Its progress notes say all "
        "recommendations were actioned as of June 2011. The seed does not give the recommendations' words.",
        source=SSCB_PLAN_SOURCE,
    )
    nursery_z = _review(
        writer,
        partnership,
        "Nursery Z Serious Case Review",
        kind=ReviewKind.CASE_REVIEW,
        dates_note="Not given in the source",
        status=ReviewStatus.REPORTED,
        summary="The SSCB Business Plan 2011–2013 (objective 6.1) plans to establish a lead and multi-agency group "
        "of key staff and to measure Sunderland's position against this review's findings. The seed does not "
        "give the findings.",
        source=SSCB_PLAN_SOURCE,
    )
    if plan is not None:
        for review in (child_x, nursery_z):
            writer.upsert(ImprovementPlan, {"review": review, "plan": plan})


def _load_stockton(writer: _Writer, partnership, boards, today: datetime.date, original_dates: bool) -> None:
    lscb, hwb, cabinet = (
        boards["stockton-on-tees-lscb"],
        boards["stockton-on-tees-hwb"],
        boards["stockton-on-tees-cabinet"],
    )
    critical_friend = _review(
        writer,
        partnership,
        "Critical Friend Review",
        kind=ReviewKind.CRITICAL_FRIEND,
        dates_note="Earlier in 2014, before the LGA diagnostic review",
        status=ReviewStatus.REPORTED,
        source=STOCKTON_SOURCE,
    )
    diagnostic = _review(
        writer,
        partnership,
        "LGA Safeguarding Practice Diagnostic Review (Children)",
        kind=ReviewKind.LGA_DIAGNOSTIC,
        on_site_start=D(2014, 3, 25),
        on_site_end=D(2014, 3, 27),
        commissioned_by="Stockton-on-Tees Borough Council",
        status=ReviewStatus.REPORTED,
        summary="Three days on site, focused on key lines of enquiry discussed in advance with the LGA team and "
        "the Council. The team met and spoke to a number of staff, gave individual feedback on each case record "
        "audited, and presented an overview of its key findings to the Council on the last day (27 March 2014).",
        source=STOCKTON_SOURCE,
    )
    writer.upsert(ReviewReport, {"review": diagnostic, "board": hwb}, {"reported_on": D(2014, 5, 21)})
    _ordered(
        writer,
        ReviewTeamMember,
        diagnostic,
        [
            {
                "name": "Cliff James",
                "role": "Head of Safeguarding and Children's Social Care – Children and Young People Services",
                "organisation": "Suffolk County Council",
            },
            {
                "name": "Mark Nicholas",
                "role": "Head of Adult Safeguarding and Performance Management",
                "organisation": "City of Bradford Metropolitan District Council",
            },
            {
                "name": "Neil Holden",
                "role": "Operations Manager, Children's Social Care",
                "organisation": "West Sussex County Council",
            },
            {
                "name": "Ernest Opuni",
                "role": "Peer Challenge Manager",
                "organisation": "Local Government Association",
            },
        ],
    )
    _ordered(
        writer,
        WorkStrand,
        diagnostic,
        [
            {"name": "Case Records Review", "records_audited": 35},
            {"name": "Real Time Review of Contact, Referral and Assessment", "records_audited": None},
            {"name": "Social Work Practice Observation", "records_audited": None},
        ],
    )

    as_of = D(2014, 5, 21)
    shift = 0 if original_dates else year_shift(as_of, today)
    plan = writer.upsert(
        BusinessPlan,
        {"board": lscb, "title": "Children's Safeguarding Improvement Plan"},
        {
            "period_start": shift_date(D(2014, 4, 1), shift),
            "period_end": shift_date(D(2015, 3, 31), shift),
            "status": BusinessPlan.Status.DRAFT,
            "dates_moved_years": shift,
            "illustrative_note": STOCKTON_PLAN_NOTE,
        },
    )
    writer.upsert(ImprovementPlan, {"review": diagnostic, "plan": plan})
    writer.upsert(ImprovementPlan, {"review": critical_friend, "plan": plan})
    _monitored_by(writer, plan, [cabinet, lscb, "Children and Young People's Partnership (CYP)"])
    build = _PlanBuilder(writer, plan, shift, today)
    area = build.area(1, "Quality of social work practice")
    records = build.objective(
        area, 1, "Illustrative: case records show good quality, timely work", diagnostic.title
    )
    feedback = build.action(
        records,
        1,
        "Illustrative: act on the individual feedback the review team gave on each of the 35 case records audited",
        lead="Head of Children's Social Care",
        due=D(2014, 9, 30),
        status=Status.IN_PROGRESS,
        progress=[(None, "Illustrative: feedback on the audited records shared with team managers.")],
    )
    front_door = build.objective(
        area,
        2,
        "Illustrative: contacts, referrals and assessments are handled consistently",
        diagnostic.title,
    )
    front_door_action = build.action(
        front_door,
        1,
        "Illustrative: review the contact, referral and assessment pathway in the light of the real-time review",
        lead="Service Manager, First Contact",
        due=D(2014, 12, 31),
        status=Status.NOT_STARTED,
    )
    recs = [
        ("Act on the individual feedback given on the case records audited.", [feedback]),
        ("Strengthen the consistency of contact, referral and assessment.", [front_door_action]),
        ("Build on the strengths seen in social work practice observation.", []),
    ]
    for number, (text, actions) in enumerate(recs, start=1):
        rec = _recommendation(writer, diagnostic, number, text, illustrative=True)
        _link(writer, rec, *actions)
