"""Extension points for apps that build on plans (reviews, meetings, packs…).

Dependencies run one way: those apps import plans, never the reverse. So when
they need to add to plans' pages or to the demo data, they register here from
their ``AppConfig.ready()`` and plans calls them without knowing who they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.dispatch import Signal
from django.http import HttpRequest

# Sent by plans.demo.load_demo after the boards, users and the SSCB plan are in,
# inside the same transaction. Receivers load their own demo data idempotently.
# kwargs: today (date), original_dates (bool), year_shift (int), report (LoadReport).
demo_loaded = Signal()

# Sent by plans.approval.approve inside the approving transaction, with the plan row
# locked. kwargs: plan, decision_pk (int or None: the meeting decision the manager
# named), user. A receiver that finds the decision does not fit raises
# plans.approval.ApprovalRefusedError, which rolls the approval back.
plan_approved = Signal()

# Sent by plans.approval.start_revision inside its transaction, after the copy.
# kwargs: previous, revision (plans), action_map ({old action pk: new action pk}), so
# apps that link to actions (reviews' recommendations) can link the copies too.
plan_revision_started = Signal()

# The meeting decisions a manager may name as the one that approved a plan:
# a function (plan) -> list of (pk, label), registered by the meetings app.
_approval_decision_choices: list[Callable[[Any], list[tuple[int, str]]]] = []


def register_approval_decision_choices(provider: Callable[[Any], list[tuple[int, str]]]) -> None:
    _approval_decision_choices.append(provider)


def approval_decision_choices(plan) -> list[tuple[int, str]]:
    return [choice for provider in _approval_decision_choices for choice in provider(plan)]


@dataclass(frozen=True)
class Panel:
    """A block another app adds to a plans page: a template and its context."""

    template_name: str
    context: dict[str, Any] = field(default_factory=dict)


# Each provider takes (request, object) and returns a Panel or None. A provider
# must load what it shows in a fixed number of queries.
PanelProvider = Callable[[HttpRequest, Any], Panel | None]

_plan_panels: list[PanelProvider] = []
_action_panels: list[PanelProvider] = []


def register_plan_panel(provider: PanelProvider) -> PanelProvider:
    _plan_panels.append(provider)
    return provider


def register_action_panel(provider: PanelProvider) -> PanelProvider:
    _action_panels.append(provider)
    return provider


# Columns other apps add to the plan page's one plan query, as {name: expression} from a
# function called per request: a panel that usually shows nothing (a plan answering no
# review) then decides so from the plan it is given, without a query of its own.
_plan_page_annotations: list[Callable[[], dict[str, Any]]] = []


def register_plan_page_annotations(provider: Callable[[], dict[str, Any]]) -> None:
    _plan_page_annotations.append(provider)


def plan_page_annotation_providers() -> tuple[Callable[[], dict[str, Any]], ...]:
    """The registered providers themselves: fixed once the apps are ready, so what is compiled
    from their annotations can be kept per process under them (plans.page_frame)."""
    return tuple(_plan_page_annotations)


def plan_page_annotations() -> dict[str, Any]:
    return {
        name: expression for provider in _plan_page_annotations for name, expression in provider().items()
    }


def plan_panels(request: HttpRequest, plan) -> list[Panel]:
    return [panel for provider in _plan_panels if (panel := provider(request, plan)) is not None]


def action_panels(request: HttpRequest, action) -> list[Panel]:
    return [panel for provider in _action_panels if (panel := provider(request, action)) is not None]


# What the page around a plan (the site's header: base.html) shows that depends on the
# request rather than the plan, e.g. notifications' unread count: a function (request) ->
# str each, registered by the app that draws it. A kept plan page frame
# (plans.page_frame) is keyed on them, so it is never shown with another state's header.
_page_state_parts: list[Callable[[HttpRequest], str]] = []


def register_page_state(provider: Callable[[HttpRequest], str]) -> None:
    _page_state_parts.append(provider)


def page_state(request: HttpRequest) -> str:
    return ":".join(provider(request) for provider in _page_state_parts)
