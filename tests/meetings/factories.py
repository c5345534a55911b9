import datetime
import zoneinfo

import factory

from meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    BoardReport,
    Decision,
    DecisionKind,
    Meeting,
    ReportRecommendation,
)
from tests.factories import BoardFactory, UserFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    board = factory.SubFactory(BoardFactory)
    starts_at = factory.Sequence(
        lambda n: datetime.datetime(2026, 12, 1, 14, 0, tzinfo=LONDON) + datetime.timedelta(days=7 * n)
    )
    place = "Committee Room 1, Civic Centre"


class BoardReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardReport

    board = factory.SubFactory(BoardFactory)
    title = factory.Sequence(lambda n: f"Board report {n}")
    report_of = "Executive Director People Services"
    purpose = "To tell the board what happened."


class FullBoardReportFactory(BoardReportFactory):
    """Every section filled, so every heading appears."""

    background = "Background paragraph one.\n\nBackground paragraph two."
    detail = "The current position.\n- first point\n- second point"
    financial_implications = "None beyond existing budgets."
    legal_implications = "None."
    risk_assessment = "Low."
    consultation = "Partners were consulted."
    background_papers = "Ofsted inspection report, July 2015."
    contact_name = "Tracey Newcomb"
    contact_role = "Associate Director, Children's Services"
    contact_phone = "0191 000 0000"
    contact_email = "tracey.newcomb@example.org"


class ReportRecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportRecommendation

    report = factory.SubFactory(BoardReportFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Faker("sentence", nb_words=8)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Agenda item {n}")


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    agenda_item = factory.SubFactory(AgendaItemFactory)
    kind = DecisionKind.NOTED
    text = "Noted the report."


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(UserFactory)
    member_name = factory.LazyAttribute(lambda a: a.user.get_full_name() or a.user.username)
    status = AttendanceStatus.PRESENT
