"""The Django admin keeps e-mail addresses unique (people sign in with them)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.admin import UniqueEmailUserChangeForm, UniqueEmailUserCreationForm
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_creating_a_user_with_an_address_in_use_is_refused():
    UserFactory(username="maria", email="maria@example.org")
    form = UniqueEmailUserCreationForm(
        {
            "username": "maria2",
            "email": "MARIA@example.org",
            "usable_password": "true",
            "password1": "plum orchard lantern 42",
            "password2": "plum orchard lantern 42",
        }
    )
    assert not form.is_valid()
    assert form.errors["email"] == ["Another account already uses this e-mail address."]


def test_changing_a_user_keeps_their_own_address_and_refuses_another():
    maria = UserFactory(username="maria", email="maria@example.org")
    UserFactory(username="kay", email="kay@example.org")
    data = {
        "username": "maria",
        "email": "maria@example.org",
        "date_joined": "2026-01-01 09:00:00",
        "is_active": "on",
    }
    assert UniqueEmailUserChangeForm(data, instance=maria).is_valid()
    form = UniqueEmailUserChangeForm({**data, "email": "Kay@Example.org"}, instance=maria)
    assert not form.is_valid() and "email" in form.errors


def test_admin_add_user_page_refuses_a_duplicate_address(admin_client):
    UserFactory(username="maria", email="maria@example.org")
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "maria2",
            "email": "maria@EXAMPLE.org",
            "usable_password": "true",
            "password1": "plum orchard lantern 42",
            "password2": "plum orchard lantern 42",
        },
    )
    assert response.status_code == 200
    assert "Another account already uses this e-mail address." in response.text
    assert not get_user_model().objects.filter(username="maria2").exists()


def test_invitations_in_the_admin_show_no_token_and_cannot_be_added(admin_client):
    response = admin_client.get(reverse("admin:accounts_invitation_add"))
    assert response.status_code == 403


def test_staff_set_up_a_tenant_and_its_secret_is_never_shown_back(admin_client):
    from accounts.models import SignOnTenant
    from tests.factories import PartnershipFactory

    partnership = PartnershipFactory()
    data = {
        "partnership": partnership.pk,
        "name": "Sunderland City Council",
        "slug": "sunderland",
        "issuer": "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0",
        "discovery_url": "",
        "client_id": "app-id",
        "client_secret": "very-secret",
        "email_domains": "sunderland.gov.uk",
        "enabled": "on",
    }
    response = admin_client.post(reverse("admin:accounts_signontenant_add"), data)
    assert response.status_code == 302
    tenant = SignOnTenant.objects.get()
    assert tenant.secret() == "very-secret"
    change = reverse("admin:accounts_signontenant_change", args=[tenant.pk])
    assert "very-secret" not in admin_client.get(change).content.decode()
    admin_client.post(change, {**data, "client_secret": "", "name": "Sunderland Council"})
    tenant.refresh_from_db()
    assert tenant.name == "Sunderland Council" and tenant.secret() == "very-secret"


def test_allauths_own_app_and_token_pages_are_not_offered(admin_client):
    """Tenants are set up as sign-on tenants; an allauth app added elsewhere would never be used."""
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:accounts_signontenant_changelist") in page
    assert "/admin/socialaccount/socialapp/" not in page and "/admin/socialaccount/socialtoken/" not in page
    assert "/admin/socialaccount/socialaccount/" in page
