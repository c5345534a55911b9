"""Single sign-on (#17.2-3), end to end against a real OpenID Connect provider started on
loopback (tests/accounts/oidc_provider.py): discovery, the authorisation code flow with
PKCE, the token and userinfo requests are real HTTP. Refused: another issuer, another
audience, an expired token, a replayed answer, an unverified or foreign address, and a
person with neither an account nor an invitation (with a page saying so)."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import time_machine
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY, get_user_model
from django.urls import reverse
from django.utils import timezone

from accounts import two_factor
from accounts.models import SignOnTenant
from boards.models import Membership, Role
from tests.accounts.factories import InvitationFactory, SignOnTenantFactory
from tests.factories import BoardFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenant(oidc_provider) -> SignOnTenant:
    return SignOnTenantFactory(issuer=oidc_provider, slug="sunderland")


def provider_user(oidc_provider, sub: str, **claims) -> None:
    """What the tenant says about one of its people (Entra ID: the signed-in user)."""
    claims = {
        "email": f"{sub}@sunderland.gov.uk",
        "email_verified": True,
        "given_name": "Kay",
        "family_name": "Reed",
        **claims,
    }
    requests.put(f"{oidc_provider}/users/{sub}", json=claims, timeout=5).raise_for_status()


def start(client, email: str, next_url: str = "") -> str:
    """Our start page: the work address in, a redirect to the tenant's authorisation endpoint out."""
    url = reverse("sso_start") + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"email": email})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def provider_signs_in(authorize_url: str, sub: str, action: str = "") -> str:
    """The person signs in on the provider's page; returns where it sends the browser back."""
    data = {"sub": sub} if not action else {"action": action}
    response = requests.post(authorize_url, data=data, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:500]
    return response.headers["Location"]


def come_back(client, callback_url: str):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in_through(client, oidc_provider, sub: str, email: str | None = None):
    return come_back(client, provider_signs_in(start(client, email or f"{sub}@sunderland.gov.uk"), sub))


def signed_in_as(client):
    pk = client.session.get(SESSION_KEY)
    return get_user_model().objects.get(pk=pk) if pk else None


class TestTheFlow:
    def test_the_start_sends_to_the_tenant_with_pkce_and_our_client_id(self, client, tenant, oidc_provider):
        url = start(client, "kay@Sunderland.gov.uk")
        assert url.startswith(f"{oidc_provider}/oauth2/authorize?")  # found through discovery
        query = parse_qs(urlsplit(url).query)
        assert query["client_id"] == ["planner-test-client"]
        assert query["response_type"] == ["code"]
        assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
        assert set(query["scope"][0].split()) >= {"openid", "email", "profile"}
        assert query["redirect_uri"] == [f"http://testserver/accounts/oidc/{tenant.slug}/login/callback/"]

    def test_an_existing_account_signs_in_and_is_linked_to_the_tenant_subject(
        self, client, tenant, oidc_provider, people
    ):
        people.member.email = "kay.reed@sunderland.gov.uk"
        people.member.save()
        provider_user(oidc_provider, "kay-reed", email="Kay.Reed@sunderland.gov.uk")
        memberships_before = list(Membership.objects.values_list("pk", "user", "board", "role"))
        response = sign_in_through(client, oidc_provider, "kay-reed", "kay.reed@sunderland.gov.uk")
        assert response.status_code == 302 and response.url == reverse("boards:home")
        assert signed_in_as(client) == people.member
        assert SocialAccount.objects.get(user=people.member).provider == tenant.slug
        assert SocialAccount.objects.get(user=people.member).uid == "kay-reed"
        assert client.session[two_factor.SSO_SESSION_KEY] == tenant.slug
        assert list(Membership.objects.values_list("pk", "user", "board", "role")) == memberships_before
        assert client.get(reverse("boards:home")).status_code == 200
        # The PKCE verifier went with the code, and the provider checked it.
        seen = requests.get(f"{oidc_provider}/test/requests", timeout=5).json()
        assert seen[-1] == {"endpoint": "token", "params": seen[-1]["params"], "verifier_sent": True}
        assert "code_verifier" in seen[-1]["params"]

    def test_next_time_the_link_is_used_even_if_the_address_changed(self, client, tenant, oidc_provider):
        kay = UserFactory(username="kay", email="kay@sunderland.gov.uk")
        provider_user(oidc_provider, "kay-sub", email="kay@sunderland.gov.uk")
        sign_in_through(client, oidc_provider, "kay-sub", "kay@sunderland.gov.uk")
        assert signed_in_as(client) == kay
        client.post(reverse("logout"))
        provider_user(oidc_provider, "kay-sub", email="kay.married-name@sunderland.gov.uk")
        sign_in_through(client, oidc_provider, "kay-sub", "kay.married-name@sunderland.gov.uk")
        assert signed_in_as(client) == kay

    def test_an_invitee_gets_an_account_but_no_membership_until_they_accept(
        self, client, tenant, oidc_provider
    ):
        board = BoardFactory(partnership=tenant.partnership)
        InvitationFactory(
            board=board, email="new.person@sunderland.gov.uk", role=Role.CHAIR, token="the-link"
        )
        provider_user(oidc_provider, "new-person", email="new.person@sunderland.gov.uk", given_name="Sam")
        response = sign_in_through(client, oidc_provider, "new-person", "new.person@sunderland.gov.uk")
        assert response.status_code == 302
        user = signed_in_as(client)
        assert user.email == "new.person@sunderland.gov.uk" and user.first_name == "Sam"
        assert not user.has_usable_password()
        assert not Membership.objects.filter(user=user).exists()
        assert client.get(board.get_absolute_url()).status_code == 404
        # The invitation's own link still does the joining.
        accept = reverse("accept_invitation", kwargs={"token": "the-link"})
        assert "Accept" in client.get(accept).content.decode()
        client.post(accept)
        assert Membership.objects.get(user=user, board=board).role == Role.CHAIR

    def test_a_manager_signed_in_through_the_tenant_is_not_asked_to_set_up_an_app(
        self, client, tenant, oidc_provider, settings
    ):
        settings.TWO_FACTOR_REQUIRED_FOR_MANAGERS = True
        manager = UserFactory(username="boss", email="boss@sunderland.gov.uk")
        MembershipFactory(user=manager, role=Role.MANAGER)
        provider_user(oidc_provider, "boss")
        sign_in_through(client, oidc_provider, "boss")
        assert client.get(reverse("boards:home")).status_code == 200

    def test_the_start_page_sets_form_action_to_allow_the_tenant(self, client, tenant, oidc_provider):
        response = client.get(reverse("sso_start"))
        policy = response.headers["Content-Security-Policy"]
        form_action = next(part for part in policy.split(";") if "form-action" in part)
        assert "'self'" in form_action and oidc_provider in form_action

    def test_an_address_no_tenant_serves_is_told_to_use_a_password(self, client, tenant):
        response = client.post(reverse("sso_start"), {"email": "someone@elsewhere.org"})
        page = response.content.decode()
        assert response.status_code == 200
        assert "does not sign in to the planner this way yet" in page and "govuk-error-summary" in page

    def test_the_sign_in_page_offers_it(self, client):
        assert reverse("sso_start") in client.get(reverse("login")).content.decode()


class TestRefused:
    def test_nobody_without_an_account_or_invitation(self, client, tenant, oidc_provider):
        provider_user(oidc_provider, "stranger")
        response = sign_in_through(client, oidc_provider, "stranger")
        page = response.content.decode()
        assert response.status_code == 403
        assert "You do not have an account on the planner yet" in page
        assert "stranger@sunderland.gov.uk" in page and "Ask your board" in page
        assert signed_in_as(client) is None
        assert not get_user_model().objects.filter(email="stranger@sunderland.gov.uk").exists()

    def test_an_expired_or_withdrawn_invitation_does_not_count(self, client, tenant, oidc_provider):
        InvitationFactory(
            email="late@sunderland.gov.uk", expires_at=timezone.now() - datetime.timedelta(days=1)
        )
        InvitationFactory(email="late@sunderland.gov.uk", revoked_at=timezone.now())
        provider_user(oidc_provider, "late")
        assert sign_in_through(client, oidc_provider, "late").status_code == 403
        assert signed_in_as(client) is None

    def test_an_unverified_address_is_not_trusted(self, client, tenant, oidc_provider):
        UserFactory(username="kay", email="kay@sunderland.gov.uk")
        provider_user(oidc_provider, "kay-unverified", email="kay@sunderland.gov.uk", email_verified=False)
        response = sign_in_through(client, oidc_provider, "kay-unverified", "kay@sunderland.gov.uk")
        assert (
            response.status_code == 403 and "did not confirm your e-mail address" in response.content.decode()
        )
        assert signed_in_as(client) is None and not SocialAccount.objects.exists()

    def test_entras_xms_edov_claim_counts_as_verified(self, client, tenant, oidc_provider):
        kay = UserFactory(username="kay", email="kay@sunderland.gov.uk")
        provider_user(
            oidc_provider, "kay-edov", email="kay@sunderland.gov.uk", email_verified=None, xms_edov=True
        )
        sign_in_through(client, oidc_provider, "kay-edov", "kay@sunderland.gov.uk")
        assert signed_in_as(client) == kay

    def test_a_tenant_cannot_vouch_for_an_address_outside_its_domains(self, client, tenant, oidc_provider):
        """nOAuth: a tenant administrator sets someone else's address on a user of theirs."""
        UserFactory(username="victim", email="manager@stockton.gov.uk")
        provider_user(oidc_provider, "impostor", email="manager@stockton.gov.uk")
        authorize = start(client, "impostor@sunderland.gov.uk")
        response = come_back(client, provider_signs_in(authorize, "impostor"))
        assert response.status_code == 403 and "is not one of" in response.content.decode()
        assert signed_in_as(client) is None and not SocialAccount.objects.exists()

    def test_a_token_from_another_issuer(self, client, oidc_provider, people):
        """The tenant is configured for one Entra tenant; the answer comes from another issuer."""
        SignOnTenantFactory(
            slug="pinned",
            issuer="https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0",
            discovery_url=f"{oidc_provider}/.well-known/openid-configuration",
        )
        UserFactory(username="kay", email="kay@sunderland.gov.uk")
        provider_user(oidc_provider, "kay-iss", email="kay@sunderland.gov.uk")
        response = sign_in_through(client, oidc_provider, "kay-iss", "kay@sunderland.gov.uk")
        assert response.status_code == 400 and "could not be signed in" in response.content.decode()
        assert signed_in_as(client) is None

    def test_a_token_for_another_application(self, client, tenant, oidc_provider):
        UserFactory(username="kay", email="kay@sunderland.gov.uk")
        provider_user(oidc_provider, "kay-aud", email="kay@sunderland.gov.uk")
        authorize = start(client, "kay@sunderland.gov.uk")
        callback = provider_signs_in(authorize, "kay-aud")
        requests.post(f"{oidc_provider}/test/next-id-token", json={"aud": "another-application"}, timeout=5)
        response = come_back(client, callback)
        assert response.status_code == 400 and signed_in_as(client) is None

    @pytest.mark.parametrize(("minutes_later", "signed_in"), [(4, True), (6, False)])
    def test_an_expired_token(self, client, tenant, oidc_provider, minutes_later, signed_in):
        """The provider's ID tokens last 5 minutes; our clock moves on before it answers."""
        kay = UserFactory(username="kay", email="kay@sunderland.gov.uk")
        provider_user(oidc_provider, "kay-exp", email="kay@sunderland.gov.uk")
        callback = provider_signs_in(start(client, "kay@sunderland.gov.uk"), "kay-exp")
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=minutes_later)):
            response = come_back(client, callback)
        assert (signed_in_as(client) == kay) is signed_in
        if not signed_in:
            assert response.status_code == 400

    def test_a_replayed_answer(self, client, tenant, oidc_provider):
        kay = UserFactory(username="kay", email="kay@sunderland.gov.uk")
        provider_user(oidc_provider, "kay-replay", email="kay@sunderland.gov.uk")
        callback = provider_signs_in(start(client, "kay@sunderland.gov.uk"), "kay-replay")
        come_back(client, callback)
        assert signed_in_as(client) == kay
        client.post(reverse("logout"))
        # The same answer again, in the same browser and in another one.
        assert come_back(client, callback).status_code == 400
        assert signed_in_as(client) is None
        other = type(client)()
        assert come_back(other, callback).status_code == 400
        assert SESSION_KEY not in other.session

    def test_an_answer_for_a_sign_in_started_elsewhere(self, client, tenant, oidc_provider):
        """Login CSRF: someone sends their own answer to a victim's browser."""
        UserFactory(username="attacker", email="attacker@sunderland.gov.uk")
        provider_user(oidc_provider, "attacker")
        attacker = type(client)()
        callback = provider_signs_in(start(attacker, "attacker@sunderland.gov.uk"), "attacker")
        assert come_back(client, callback).status_code == 400
        assert signed_in_as(client) is None

    def test_cancelling_on_the_tenants_page(self, client, tenant, oidc_provider):
        callback = provider_signs_in(start(client, "kay@sunderland.gov.uk"), "", action="deny")
        response = come_back(client, callback)
        assert response.status_code == 200 and "Sign-in cancelled" in response.content.decode()

    def test_a_disabled_tenant_is_not_offered(self, client, tenant):
        tenant.enabled = False
        tenant.save()
        response = client.post(reverse("sso_start"), {"email": "kay@sunderland.gov.uk"})
        assert response.status_code == 200
        assert (
            client.get(reverse("openid_connect_login", kwargs={"provider_id": tenant.slug})).status_code
            == 404
        )

    def test_signed_in_people_are_sent_home(self, client, people):
        client.force_login(people.member)
        assert client.get(reverse("sso_start")).url == reverse("boards:home")


def test_the_secret_can_come_from_the_environment(monkeypatch):
    tenant = SignOnTenantFactory.build(slug="north-tyneside", client_secret="")
    monkeypatch.setenv("SSO_CLIENT_SECRET_NORTH_TYNESIDE", "from-the-environment")
    assert tenant.secret() == "from-the-environment"
    assert SignOnTenantFactory.build(client_secret="typed-in-the-admin").secret() == "typed-in-the-admin"


def test_tenants_are_found_by_whole_domain_only(db):
    SignOnTenantFactory(slug="s", email_domains="sunderland.gov.uk,northumbria.nhs.uk")
    assert SignOnTenant.objects.for_email("a@northumbria.nhs.uk").count() == 1
    assert SignOnTenant.objects.for_email("a@SUNDERLAND.gov.uk").count() == 1
    assert SignOnTenant.objects.for_email("a@evil-sunderland.gov.uk").count() == 0
    assert SignOnTenant.objects.for_email("a@sunderland.gov.uk.evil.org").count() == 0


def test_an_invitation_offers_the_organisations_sign_in_when_it_has_one(client, tenant, oidc_provider):
    InvitationFactory(email="new.person@sunderland.gov.uk", token="with-sso")
    InvitationFactory(email="someone@elsewhere.org", token="without-sso")
    link = reverse("sso_start") + "?next=" + reverse("accept_invitation", kwargs={"token": "with-sso"})
    page = client.get(reverse("accept_invitation", kwargs={"token": "with-sso"})).content.decode()
    assert link in page
    page = client.get(reverse("accept_invitation", kwargs={"token": "without-sso"})).content.decode()
    assert reverse("sso_start") not in page


def test_an_invitee_signing_in_through_the_tenant_comes_back_to_the_invitation(client, tenant, oidc_provider):
    board = BoardFactory(partnership=tenant.partnership)
    InvitationFactory(board=board, email="new.person@sunderland.gov.uk", token="come-back")
    provider_user(oidc_provider, "new-person-2", email="new.person@sunderland.gov.uk")
    accept = reverse("accept_invitation", kwargs={"token": "come-back"})
    authorize = start(client, "new.person@sunderland.gov.uk", next_url=accept)
    response = come_back(client, provider_signs_in(authorize, "new-person-2"))
    assert response.status_code == 302 and response.url == accept
    client.post(accept)
    assert Membership.objects.filter(user=signed_in_as(client), board=board).exists()
