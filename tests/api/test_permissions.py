"""The permission matrix of the API: every endpoint × every role × an object of the user's
own board and of another board, with the exact status, and nothing written on a refusal.

Roles (each with a read-and-write token for their board): no token → 401; outsiders
(another board's manager) → 404; readers (member, executive) → 403 on writes; a chair
writes only the actions they lead; the board's manager writes every action of the board.
A read-only token is refused every write (403) whatever the role; a token reaches only the
boards it names (404 elsewhere, as to an outsider); drafts and archived plans are not in
the API (404), as they are in no reader outside the plan's own pages.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from api.models import TokenAccess
from boards.models import Role
from plans.models import Action, BusinessPlan, DueDateChange, ProgressUpdate
from tests.api.conftest import BoardWorld, api_client, make_token
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "executive", "chair", "manager"]


def db_state() -> list:
    state = []
    for model in (BusinessPlan, Action, ProgressUpdate, DueDateChange):
        state.append(sorted(model.objects.values_list()))
        if hasattr(model, "history"):
            state.append(model.history.count())
    return state


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: Callable[[BoardWorld], str]
    expected: dict[str, int]
    data: Callable[[BoardWorld], dict] | None = None

    @property
    def writes(self) -> bool:
        return self.method == "post"


READ = {"anonymous": 401, "member": 200, "executive": 200, "chair": 200, "manager": 200}
LEAD_POST = {"anonymous": 401, "member": 403, "executive": 403, "chair": 201, "manager": 201}
LEAD_STATUS = {"anonymous": 401, "member": 403, "executive": 403, "chair": 200, "manager": 200}
MANAGER_POST = {"anonymous": 401, "member": 403, "executive": 403, "chair": 403, "manager": 201}
NOT_ALLOWED = {"anonymous": 401, "member": 405, "executive": 405, "chair": 405, "manager": 405}


def url(name: str, *args) -> str:
    return reverse(f"api:{name}", args=args)


def progress(w: BoardWorld) -> dict:
    return {"text": "Terms of reference agreed."}


def status_change(action: Callable[[BoardWorld], Action]) -> Callable[[BoardWorld], dict]:
    return lambda w: {"status": "complete", "rag": "", "based_on_version": action(w).version}


def due_date(w: BoardWorld) -> dict:
    return {"new_due_date": "2027-02-10", "reason": "Waiting for the new procedures."}


def led(w: BoardWorld) -> Action:
    return w.plan.led


def unled(w: BoardWorld) -> Action:
    return w.plan.unled


CASES = [
    Case("plan", "get", lambda w: url("plan", w.plan.plan.pk), READ),
    Case("priority area", "get", lambda w: url("priority_area", w.plan.area.pk), READ),
    Case("objective", "get", lambda w: url("objective", w.plan.objective.pk), READ),
    Case("action", "get", lambda w: url("action", w.plan.led.pk), READ),
    Case("progress list", "get", lambda w: url("progress_updates", w.plan.led.pk), READ),
    Case("due-date ledger", "get", lambda w: url("due_date_changes", w.plan.unled.pk), READ),
    Case("indicator", "get", lambda w: url("indicator", w.indicator.pk), READ),
    Case("review", "get", lambda w: url("review", w.review.pk), READ),
    Case("feed json", "get", lambda w: url("feed_json", w.plan.plan.board.slug), READ),
    Case("feed csv", "get", lambda w: url("feed_csv", w.plan.plan.board.slug), READ),
    Case("status by GET", "get", lambda w: url("action_status", w.plan.led.pk), NOT_ALLOWED),
    Case(
        "progress on a led action",
        "post",
        lambda w: url("progress_updates", w.plan.led.pk),
        LEAD_POST,
        progress,
    ),
    Case(
        "progress on another action",
        "post",
        lambda w: url("progress_updates", w.plan.unled.pk),
        MANAGER_POST,
        progress,
    ),
    Case(
        "status on a led action",
        "post",
        lambda w: url("action_status", w.plan.led.pk),
        LEAD_STATUS,
        status_change(led),
    ),
    Case(
        "status on another action",
        "post",
        lambda w: url("action_status", w.plan.unled.pk),
        {**LEAD_STATUS, "chair": 403},
        status_change(unled),
    ),
    Case(
        "due date on a led action",
        "post",
        lambda w: url("due_date_changes", w.plan.led.pk),
        LEAD_POST,
        due_date,
    ),
    Case(
        "due date on another action",
        "post",
        lambda w: url("due_date_changes", w.plan.unled.pk),
        MANAGER_POST,
        due_date,
    ),
]

# Every path in the URLconf of the API is in the matrix (lists are in the next test).
LISTS = ["boards", "plans", "priority_areas", "objectives", "actions", "indicators", "reviews"]


def _request(client, case: Case, world: BoardWorld):
    address = case.url(world)
    if case.method == "get":
        return client.get(address)
    return client.post(address, json.dumps(case.data(world)), content_type="application/json")


def _secret(people, role: str, access: str = TokenAccess.WRITE) -> str | None:
    if role == "anonymous":
        return None
    user = {
        "member": people.member,
        "executive": people.executive,
        "chair": people.chair,
        "manager": people.manager,
    }[role]
    return make_token(user, [people.board], access)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_own_board(people, own_world, other_world, case: Case, role: str):
    client = api_client(_secret(people, role))
    before = db_state()
    response = _request(client, case, own_world)
    assert response.status_code == case.expected[role], response.content[:300]
    if response.status_code >= 400:
        assert db_state() == before
        assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_other_board_is_not_found(people, own_world, other_world, case: Case, role: str):
    """Every role of the first board is an outsider to the second: 404, nothing written."""
    client = api_client(_secret(people, role))
    before = db_state()
    response = _request(client, case, other_world)
    expected = 401 if role == "anonymous" else (405 if case.expected[role] == 405 else 404)
    assert response.status_code == expected
    assert db_state() == before


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_outsider_is_a_manager_on_their_own_board(people, own_world, other_world, case: Case):
    """The other board's manager: the manager's status on their board, 404 on ours."""
    client = api_client(make_token(people.outsider, [people.other_board]))
    assert _request(client, case, other_world).status_code == case.expected["manager"]
    before = db_state()
    assert _request(client, case, own_world).status_code in (404, 405)
    assert db_state() == before


@pytest.mark.parametrize("role", ["member", "executive", "chair", "manager"])
@pytest.mark.parametrize("case", [c for c in CASES if c.writes], ids=lambda c: c.name)
def test_read_only_token_is_refused_every_write(people, own_world, case: Case, role: str):
    client = api_client(_secret(people, role, TokenAccess.READ))
    before = db_state()
    response = _request(client, case, own_world)
    assert response.status_code == 403
    assert db_state() == before


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_token_reaches_only_the_boards_it_names(people, own_world, other_world, case: Case):
    """A manager of both boards with a token for the second board only: the first board's
    objects are not found, as to an outsider; a token naming both reaches both."""
    both = UserFactory(username="both-boards")
    MembershipFactory(user=both, board=people.board, role=Role.MANAGER)
    MembershipFactory(user=both, board=people.other_board, role=Role.MANAGER)
    narrow = api_client(make_token(both, [people.other_board]))
    before = db_state()
    assert _request(narrow, case, own_world).status_code in (404, 405)
    assert db_state() == before
    wide = api_client(make_token(both, [people.board, people.other_board]))
    assert _request(wide, case, own_world).status_code == case.expected["manager"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("plan_status", ["draft", "archived"])
def test_drafts_and_archived_plans_are_not_in_the_api(people, own_world, case: Case, plan_status: str):
    if case.name.startswith(("indicator", "review", "feed")):
        pytest.skip("not part of a plan")
    BusinessPlan.objects.filter(pk=own_world.plan.plan.pk).update(
        status=plan_status, approved_at=None if plan_status == "draft" else own_world.plan.plan.approved_at
    )
    client = api_client(make_token(people.manager, [people.board]))
    before = db_state()
    assert _request(client, case, own_world).status_code in (404, 405)
    assert db_state() == before


def test_a_removed_membership_ends_the_tokens_reach_at_once(people, own_world):
    secret = make_token(people.chair, [people.board])
    people.chair.memberships.all().delete()
    client = api_client(secret)
    assert client.get(url("action", own_world.plan.led.pk)).status_code == 404
    response = client.post(
        url("progress_updates", own_world.plan.led.pk), {"text": "x"}, content_type="application/json"
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", LISTS)
def test_lists_show_own_board_only(people, own_world, other_world, role: str, name: str):
    response = api_client(_secret(people, role)).get(url(name))
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    body = response.json()
    text = json.dumps(body)
    assert body["count"] >= 1
    own_ids = {
        "plans": own_world.plan.plan.pk,
        "priority_areas": own_world.plan.area.pk,
        "objectives": own_world.plan.objective.pk,
        "actions": own_world.plan.led.pk,
        "indicators": own_world.indicator.pk,
        "reviews": own_world.review.pk,
    }
    other_ids = {
        "plans": other_world.plan.plan.pk,
        "priority_areas": other_world.plan.area.pk,
        "objectives": other_world.plan.objective.pk,
        "actions": other_world.plan.led.pk,
        "indicators": other_world.indicator.pk,
        "reviews": other_world.review.pk,
    }
    if name == "boards":
        assert [b["slug"] for b in body["results"]] == [people.board.slug]
        assert body["results"][0]["role"] == role
        return
    ids = {row["id"] for row in body["results"]}
    assert own_ids[name] in ids
    assert other_ids[name] not in ids
    assert other_world.plan.plan.title not in text


def test_every_api_path_is_in_the_matrix():
    from api.urls import urlpatterns

    names = {p.name for p in urlpatterns if str(p.pattern).startswith("v1/")}
    covered = {"plan", "priority_area", "objective", "action", "progress_updates", "due_date_changes"}
    covered |= {"indicator", "review", "feed_json", "feed_csv", "action_status", *LISTS}
    assert names - covered == {"schema", "docs"}
