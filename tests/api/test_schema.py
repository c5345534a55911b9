"""Schemathesis against the API's own OpenAPI schema: for every operation, a bounded number
of generated requests (query strings, bodies and ids), each sent twice, once as generated and
once at a real object of the manager's board, with a read-and-write token. No answer may be a
server error, and every answer must match the schema (status code documented, content type,
body)."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from safeguarding.wsgi import application
from tests.api.conftest import make_token

# Examples per operation: enough to reach the validation, conflict and not-found answers of
# each, and the whole run stays around a minute on a 2-core machine.
EXAMPLES = 20
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Schemathesis calls the WSGI application itself, whose request signals would close the
    test's database connection (and its transaction): keep it open, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def load_schema() -> schemathesis.BaseSchema:
    """The schema /api/v1/schema/ serves (drf-spectacular's generator, rendered as JSON), with
    requests sent to the WSGI application in this process."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(generated)))
    loaded.app = application
    return loaded


schema = load_schema()


def real_ids(world) -> dict[str, object]:
    """For each path's parameter, an object the token reaches."""
    plan = world.plan
    return {
        "/api/v1/plans/{id}/": plan.plan.pk,
        "/api/v1/priority-areas/{id}/": plan.area.pk,
        "/api/v1/objectives/{id}/": plan.objective.pk,
        "/api/v1/actions/": plan.led.pk,
        "/api/v1/indicators/{id}/": world.indicator.pk,
        "/api/v1/reviews/{id}/": world.review.pk,
        "/api/v1/boards/": plan.plan.board.slug,
    }


def _real(path: str, ids: dict[str, object]):
    for prefix, value in ids.items():
        if path.startswith(prefix) or path == prefix:
            return value
    raise AssertionError(f"no real object for {path}")


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_api_answers_as_its_schema_says(case, people, own_world, other_world):
    headers = {"Authorization": f"Bearer {make_token(people.manager, [people.board])}"}
    case.call_and_validate(headers=headers, checks=CHECKS)
    if case.path_parameters:
        value = _real(case.path, real_ids(own_world))
        case.path_parameters = {name: value for name in case.path_parameters}
        case.call_and_validate(headers=headers, checks=CHECKS)
