import datetime

import factory
from django.utils import timezone

from accounts.invitations import hash_token
from accounts.models import Invitation, SignOnTenant
from boards.models import Role
from tests.factories import BoardFactory, PartnershipFactory, UserFactory


class InvitationFactory(factory.django.DjangoModelFactory):
    """An invitation whose link token is ``token`` (only its hash is stored)."""

    class Meta:
        model = Invitation
        exclude = ["token"]

    token = factory.Sequence(lambda n: f"test-token-{n}")
    board = factory.SubFactory(BoardFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.MEMBER
    invited_by = factory.SubFactory(UserFactory)
    token_hash = factory.LazyAttribute(lambda o: hash_token(o.token))
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))


class SignOnTenantFactory(factory.django.DjangoModelFactory):
    """An organisation's tenant; point ``issuer`` at the test provider (the oidc_provider fixture)."""

    class Meta:
        model = SignOnTenant

    partnership = factory.SubFactory(PartnershipFactory)
    name = "Sunderland City Council"
    slug = factory.Sequence(lambda n: f"tenant-{n}")
    issuer = "http://127.0.0.1:1"
    client_id = "planner-test-client"
    client_secret = "test-client-secret"
    email_domains = "sunderland.gov.uk, northumbria.nhs.uk"
