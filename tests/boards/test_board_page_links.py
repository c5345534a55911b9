"""The board page leads to everything of the board (#14.11), meetings included."""

from django.urls import reverse


def test_the_board_page_links_to_its_meetings_and_reports(client, people):
    client.force_login(people.member)
    html = client.get(people.board.get_absolute_url()).content.decode()
    assert (
        f'href="{reverse("meetings:board_meetings", args=[people.board.slug])}">Meetings and reports</a>'
        in html
    )
