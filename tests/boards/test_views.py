import pytest
from django.urls import reverse

from tests.factories import BusinessPlanFactory, SubCommitteeFactory

pytestmark = pytest.mark.django_db


def test_home_lists_only_the_users_boards(client, people):
    client.force_login(people.member)
    response = client.get(reverse("boards:home"))
    assert response.status_code == 200
    assert people.board.name in response.text
    assert people.other_board.name not in response.text


@pytest.mark.parametrize("role", ["manager", "chair", "member", "executive"])
def test_members_see_the_board_page(client, people, role):
    SubCommitteeFactory(board=people.board, name="Case Review Sub-committee")
    BusinessPlanFactory(board=people.board, title="Business Plan 2026-2028")
    client.force_login(getattr(people, role))
    response = client.get(people.board.get_absolute_url())
    assert response.status_code == 200
    assert "Case Review Sub-committee" in response.text
    assert "Business Plan 2026-2028" in response.text
    assert people.manager.get_full_name() in response.text


def test_outsider_gets_404_for_another_board(client, people):
    client.force_login(people.outsider)
    assert client.get(people.board.get_absolute_url()).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, people):
    response = client.get(people.board.get_absolute_url())
    assert response.status_code == 302


def test_board_page_query_count_is_fixed(client, people, django_assert_max_num_queries):
    """Sub-committee chairs and members' users are joined in, not loaded one by one."""
    client.force_login(people.member)
    with django_assert_max_num_queries(10):
        assert client.get(people.board.get_absolute_url()).status_code == 200
    for _ in range(10):
        SubCommitteeFactory(board=people.board, chair=people.chair)
        BusinessPlanFactory(board=people.board)
    with django_assert_max_num_queries(10):
        assert client.get(people.board.get_absolute_url()).status_code == 200


def test_outsider_404_is_logged(client, people, caplog):
    client.force_login(people.outsider)
    client.get(people.board.get_absolute_url())
    messages = [r.getMessage() for r in caplog.records if r.name == "safeguarding.security"]
    assert f"not-found board={people.board.slug} user=outsider" in messages
