"""A framework asking a board's consent reaches that board's managers in their
notifications, and the answer reaches the manager who asked."""

import pytest
from django.urls import reverse

from boards.models import Role
from frameworks.models import Framework
from notifications.models import Notification, ReminderKind
from tests.factories import BoardFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_boards_managers_are_told_and_the_asker_hears_back(
    client, people, django_capture_on_commit_callbacks
):
    hwb = BoardFactory(partnership=people.board.partnership, short_name="HWB")
    hwb_managers = [UserFactory(), UserFactory()]
    for manager in hwb_managers:
        MembershipFactory(user=manager, board=hwb, role=Role.MANAGER)
    hwb_member = UserFactory()
    MembershipFactory(user=hwb_member, board=hwb, role=Role.MEMBER)

    client.force_login(people.manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("frameworks:create"), {"board": people.board.pk, "title": "Framework of Cooperation"}
        )
    framework = Framework.objects.get()
    assert not Notification.objects.exists(), "binding your own board asks no one"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("frameworks:board_add", args=[framework.pk]), {"board": hwb.pk, "is_party": "on"})

    asked = Notification.objects.filter(kind=ReminderKind.FRAMEWORK_CONSENT)
    assert sorted(asked.values_list("user_id", flat=True)) == sorted(m.pk for m in hwb_managers)
    binding = framework.framework_boards.get(board=hwb)
    notification = asked.first()
    assert notification.board == hwb and notification.link == f"/frameworks/{framework.pk}/#consent-{hwb.pk}"
    assert notification.text == (
        f"{people.manager.get_full_name()} asks for HWB to be bound by “Framework of Cooperation” "
        "(version 1): agree or decline."
    )
    client.force_login(hwb_managers[0])
    listing = client.get(reverse("notifications:list")).text
    assert "agree or decline" in listing

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("frameworks:consent", args=[framework.pk, binding.pk]))
    answered = Notification.objects.get(kind=ReminderKind.FRAMEWORK_CONSENTED)
    assert answered.user == people.manager
    assert answered.text == (
        f"HWB agreed to be bound by “Framework of Cooperation” (version 1): "
        f"{hwb_managers[0].get_full_name()} accepted."
    )
    assert not Notification.objects.filter(user=hwb_member).exists()
