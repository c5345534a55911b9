"""Two-factor sign-in (#17.4): a right password leads to a second step, not a session; a
code from the app or a recovery code finishes it; wrong codes count towards the
account's lockout; a setting makes it required for managers and site staff; a
password reset does not skip it."""

import datetime
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from tests.accounts.two_factor_helpers import code_now, with_authenticator
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture
def maria(db):
    return UserFactory(username="maria", email="maria@example.org")


def sign_in(client, username="maria", password=PASSWORD, next_url=None, ip="10.0.0.1"):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data, REMOTE_ADDR=ip)


def enter_code(client, code, ip="10.0.0.1"):
    return client.post(reverse("two_factor_authenticate"), {"code": code}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


class TestSecondStep:
    def test_without_an_app_the_password_signs_in_at_once(self, client, maria):
        response = sign_in(client)
        assert response.status_code == 302 and response.url == reverse("boards:home")
        assert signed_in(client)

    def test_a_right_password_only_leads_to_the_code_page(self, client, maria):
        with_authenticator(maria)
        response = sign_in(client, next_url="/plans/")
        assert response.url == reverse("two_factor_authenticate")
        assert not signed_in(client)
        # Nothing else is reachable half-way.
        assert client.get(reverse("boards:home")).status_code == 302
        page = client.get(reverse("two_factor_authenticate"))
        assert page.status_code == 200 and "Enter your code" in page.content.decode()

    def test_the_app_code_finishes_signing_in_and_keeps_where_they_were_going(self, client, maria):
        device, _codes = with_authenticator(maria)
        sign_in(client, next_url="/plans/")
        response = enter_code(client, code_now(device))
        assert response.status_code == 302 and response.url == "/plans/"
        assert signed_in(client)
        assert client.session["otp_device_id"] == device.persistent_id
        assert two_factor.PENDING_KEY not in client.session

    def test_a_wrong_code_is_refused_with_the_form_kept(self, client, maria):
        with_authenticator(maria)
        sign_in(client)
        response = enter_code(client, "000000")
        page = response.content.decode()
        assert response.status_code == 200 and not signed_in(client)
        assert "The code is not right" in page and 'class="govuk-error-summary' in page

    def test_a_code_cannot_be_used_twice(self, client, maria):
        device, _codes = with_authenticator(maria)
        code = code_now(device)
        sign_in(client)
        enter_code(client, code)
        client.post(reverse("logout"))
        sign_in(client)
        enter_code(client, code)  # replayed, for example read over a shoulder
        assert not signed_in(client)

    def test_a_recovery_code_works_once_and_says_how_many_are_left(self, client, maria):
        _device, codes = with_authenticator(maria)
        sign_in(client)
        response = enter_code(client, codes[0].upper())
        assert signed_in(client)
        page = client.get(response.url).content.decode()
        assert "You used a recovery code. You have 9 left" in page
        client.post(reverse("logout"))
        sign_in(client)
        enter_code(client, codes[0])
        assert not signed_in(client)
        assert StaticToken.objects.filter(device__user=maria).count() == 9

    def test_the_code_page_lapses_after_five_minutes(self, client, maria):
        device, _codes = with_authenticator(maria)
        with time_machine.travel("2026-11-30 09:00:00Z", tick=False):
            sign_in(client)
        with time_machine.travel("2026-11-30 09:05:01Z", tick=False):
            response = enter_code(client, code_now(device))
        assert response.status_code == 302 and response.url == reverse("login")
        assert not signed_in(client)

    def test_without_a_password_first_the_code_page_sends_to_sign_in(self, client, maria):
        with_authenticator(maria)
        response = client.get(reverse("two_factor_authenticate"))
        assert response.status_code == 302 and response.url == reverse("login")


class TestThrottling:
    @pytest.fixture(autouse=True)
    def throttling_on(self, settings):
        settings.AXES_ENABLED = True
        settings.AXES_FAILURE_LIMIT = 5
        settings.SIGN_IN_ADDRESS_FAILURE_LIMIT = 20

    def test_wrong_codes_count_as_failed_sign_ins_of_the_account(self, client, maria):
        with_authenticator(maria)
        sign_in(client)
        enter_code(client, "123456")
        assert AccessAttempt.objects.get().failures_since_start == 1

    def test_five_wrong_codes_lock_the_account_even_for_the_right_code(self, client, maria):
        device, _codes = with_authenticator(maria)
        sign_in(client)
        for _ in range(5):
            enter_code(client, "123456")
        response = enter_code(client, code_now(device))
        assert response.status_code == 429 and not signed_in(client)
        # ...and the password step too, from another address: the count is the account's.
        assert sign_in(client, ip="10.9.9.9").status_code == 429

    def test_guessing_codes_on_the_two_factor_page_locks_it_too(self, client, maria):
        device, _codes = with_authenticator(maria)
        client.force_login(maria)
        for _ in range(5):
            client.post(reverse("two_factor"), {"action": "off", "code": "123456"}, REMOTE_ADDR="10.0.0.1")
        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=60)):
            response = client.post(
                reverse("two_factor"), {"action": "off", "code": code_now(device)}, REMOTE_ADDR="10.0.0.1"
            )
        assert response.status_code == 429
        assert two_factor.has_two_factor(maria)

    def test_wrong_passwords_then_wrong_codes_share_one_count(self, client, maria):
        device, _codes = with_authenticator(maria)
        for _ in range(3):
            sign_in(client, password="wrong")
        sign_in(client)
        for _ in range(2):
            enter_code(client, "654321")
        assert enter_code(client, code_now(device)).status_code == 429


class TestSettingUp:
    def test_set_up_shows_a_qr_code_and_the_key_then_needs_a_right_code(self, client, maria):
        client.force_login(maria)
        page = client.get(reverse("two_factor_set_up")).content.decode()
        device = TOTPDevice.objects.get(user=maria, confirmed=False)
        assert '<svg role="img"' in page and "<title>QR code" in page
        assert two_factor.formatted_key(device) in page
        response = client.post(reverse("two_factor_set_up"), {"code": "000000"})
        assert "The code is not right" in response.content.decode()
        assert not two_factor.has_two_factor(maria)

        # django-otp makes the device wait a little after each failure (1 s, then 2, 4…).
        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2)):
            response = client.post(reverse("two_factor_set_up"), {"code": code_now(device)})
        assert response.url == reverse("two_factor_recovery_codes")
        assert two_factor.has_two_factor(maria)
        page = client.get(response.url).content.decode()
        codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
        assert len(codes) == 10
        assert set(codes) == set(
            StaticToken.objects.filter(device__user=maria).values_list("token", flat=True)
        )
        # Shown once only.
        assert client.get(reverse("two_factor_recovery_codes")).url == reverse("two_factor")

    def test_a_new_app_replaces_the_old_one(self, client, maria):
        old, _codes = with_authenticator(maria)
        client.force_login(maria)
        client.get(reverse("two_factor_set_up"))
        new = TOTPDevice.objects.get(user=maria, confirmed=False)
        client.post(reverse("two_factor_set_up"), {"code": code_now(new)})
        assert list(TOTPDevice.objects.filter(user=maria).values_list("pk", flat=True)) == [new.pk]
        assert not TOTPDevice.objects.filter(pk=old.pk).exists()

    def test_new_recovery_codes_need_a_code_and_stop_the_old_ones(self, client, maria):
        device, old_codes = with_authenticator(maria)
        client.force_login(maria)
        response = client.post(reverse("two_factor"), {"action": "codes", "code": "111111"})
        assert "The code is not right" in response.content.decode()
        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2)):
            response = client.post(reverse("two_factor"), {"action": "codes", "code": code_now(device)})
        assert response.url == reverse("two_factor_recovery_codes")
        tokens = set(StaticToken.objects.filter(device__user=maria).values_list("token", flat=True))
        assert len(tokens) == 10 and not tokens & set(old_codes)

    def test_turning_it_off_needs_a_code(self, client, maria):
        device, _codes = with_authenticator(maria)
        client.force_login(maria)
        client.post(reverse("two_factor"), {"action": "off", "code": "111111"})
        assert two_factor.has_two_factor(maria)
        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2)):
            client.post(reverse("two_factor"), {"action": "off", "code": code_now(device)})
        assert not two_factor.has_two_factor(maria)

    @pytest.mark.parametrize("name", ["two_factor", "two_factor_set_up", "two_factor_recovery_codes"])
    def test_pages_ask_anonymous_visitors_to_sign_in(self, client, name):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


class TestRequiredForManagersAndStaff:
    @pytest.fixture(autouse=True)
    def required(self, settings):
        settings.TWO_FACTOR_REQUIRED_FOR_MANAGERS = True

    def test_a_manager_without_an_app_must_set_one_up_first(self, client, people):
        client.force_login(people.manager)
        for path in (reverse("boards:home"), people.board.get_absolute_url(), reverse("password_change")):
            response = client.get(path)
            assert response.status_code == 302 and response.url == reverse("two_factor_set_up"), path
        page = client.get(reverse("two_factor_set_up")).content.decode()
        assert "Managers and the service team must use two-factor sign-in" in page

    def test_site_staff_must_too(self, client):
        staff = UserFactory(username="staff", is_staff=True)
        client.force_login(staff)
        assert client.get(reverse("admin:index")).url == reverse("two_factor_set_up")

    @pytest.mark.parametrize("role", ["chair", "member", "executive"])
    def test_others_may_but_need_not(self, client, people, role):
        client.force_login(getattr(people, role))
        assert client.get(reverse("boards:home")).status_code == 200

    def test_once_set_up_and_used_the_manager_goes_on(self, client, people):
        device, _codes = with_authenticator(people.manager)
        sign_in(client, username=people.manager.username)
        enter_code(client, code_now(device))
        assert client.get(reverse("boards:home")).status_code == 200

    def test_the_manager_cannot_turn_it_off(self, client, people):
        device, _codes = with_authenticator(people.manager)
        sign_in(client, username=people.manager.username)
        enter_code(client, code_now(device))
        page = client.get(reverse("two_factor")).content.decode()
        assert "Turn off two-factor sign-in" not in page
        client.post(reverse("two_factor"), {"action": "off", "code": code_now(device, steps_ahead=1)})
        assert two_factor.has_two_factor(people.manager)

    def test_signing_in_through_the_organisation_relies_on_its_mfa(self, client, people):
        client.force_login(people.manager)
        session = client.session
        session[two_factor.SSO_SESSION_KEY] = "sunderland"
        session.save()
        assert client.get(reverse("boards:home")).status_code == 200

    def test_off_by_setting_nobody_is_sent_to_set_up(self, client, people, settings):
        settings.TWO_FACTOR_REQUIRED_FOR_MANAGERS = False
        client.force_login(people.manager)
        assert client.get(reverse("boards:home")).status_code == 200


def test_a_password_reset_does_not_skip_the_second_step(client, maria):
    device, _codes = with_authenticator(maria)
    client.post(reverse("password_reset"), {"email": "maria@example.org"})
    link = re.search(r"https?://[^\s]+/password-reset/[^\s]+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    new = "a brand new passphrase for maria"
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.url == reverse("two_factor_authenticate")
    assert not signed_in(client)
    maria.refresh_from_db()
    assert maria.check_password(new)
    enter_code(client, code_now(device))
    assert signed_in(client)


def test_the_admins_own_sign_in_page_sends_staff_to_the_sites(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response.url == reverse("login") + "?next=/admin/"


def test_the_code_page_costs_a_fixed_number_of_queries(client, maria, django_assert_num_queries):
    """The session, the pending user, the account key and the two lockout counts
    (django-axes): never a query per device or per code."""
    with_authenticator(maria)
    for _ in range(3):
        with_authenticator(UserFactory())  # other people's devices change nothing
    sign_in(client)
    with django_assert_num_queries(5):
        assert client.get(reverse("two_factor_authenticate")).status_code == 200
