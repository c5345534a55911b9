"""A pack's governance appendix shows the board's adopted framework, bound with its consent,
and never a framework merely proposed or one the board has not agreed to (issue 15, point 5)."""

import datetime

import pytest

from frameworks.models import Consent, FrameworkStatus
from packs.gather import gather_governance
from tests.factories import BoardFactory
from tests.frameworks.factories import FrameworkBoardFactory, framework_binding

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 9, 30)


@pytest.fixture
def boards(people):
    return people.board, BoardFactory(partnership=people.board.partnership, short_name="HWB")


def test_a_merely_proposed_framework_is_left_out(boards, q2):
    framework_binding(*boards, status=FrameworkStatus.PROPOSED, title="Proposed only")
    assert gather_governance(boards[0], q2, AS_OF) is None


def test_the_adopted_framework_is_shown_even_while_its_next_version_is_proposed(boards, q2):
    adopted = framework_binding(*boards, status=FrameworkStatus.ADOPTED, title="Governance model")
    framework_binding(
        *boards, status=FrameworkStatus.PROPOSED, title="Governance model", version=2, supersedes=adopted
    )
    governance = gather_governance(boards[0], q2, AS_OF)
    assert (governance["id"], governance["version"], governance["status_label"]) == (adopted.pk, 1, "Adopted")


def test_a_framework_the_board_has_not_consented_to_is_left_out(boards, q2):
    """Even an adopted one: a binding still waiting for the board's managers is not the
    board's governance (the other board, which consented, gets it)."""
    sscb, hwb = boards
    adopted = framework_binding(sscb, status=FrameworkStatus.ADOPTED)
    FrameworkBoardFactory(framework=adopted, board=hwb, consent=Consent.REQUESTED)
    assert gather_governance(hwb, q2, AS_OF) is None
    assert gather_governance(sscb, q2, AS_OF)["id"] == adopted.pk
