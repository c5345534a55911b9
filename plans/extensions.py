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


def plan_panels(request: HttpRequest, plan) -> list[Panel]:
    return [panel for provider in _plan_panels if (panel := provider(request, plan)) is not None]


def action_panels(request: HttpRequest, action) -> list[Panel]:
    return [panel for provider in _action_panels if (panel := provider(request, action)) is not None]
