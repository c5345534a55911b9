"""The developer guide's rules on imports, checked on the real import graph (grimp, the
library under import-linter): no import cycles, not even between two files of one app,
and dependencies one way between the apps.

Imports inside functions count (grimp reads them too): a cycle hidden in a function is
still a cycle. Imports only under ``if TYPE_CHECKING:`` do not, as they never run.
"""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = [
    "safeguarding",
    "accounts",
    "boards",
    "frameworks",
    "plans",
    "reviews",
    "meetings",
    "notifications",
    "performance",
    "packs",
    "annual_reports",
    "api",
]

# Highest first: a layer may import those below it, never those above, and the apps
# of one layer do not import each other. ``safeguarding`` (settings, URLs, the Celery
# app) is the project around the apps, not one of them.
APP_LAYERS = [
    # They gather from all the others; nothing imports them.
    grimp.Layer("packs", "notifications", "annual_reports", "api", independent=True),
    grimp.Layer("meetings", "reviews", "performance", independent=True),
    grimp.Layer("plans", "frameworks", independent=True),
    # At the bottom: boards, and accounts (sign-in, invitations) just above it.
    grimp.Layer("accounts"),
    grimp.Layer("boards"),
]


def build_graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PROJECT_PACKAGES, exclude_type_checking_imports=True, cache_dir=None)


def import_cycles(graph: grimp.ImportGraph) -> set[str]:
    cycles = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain:
                cycles.add(" -> ".join((module, *chain)))
    return cycles


def imports_against_the_layers(graph: grimp.ImportGraph) -> list[str]:
    return sorted(
        f"{dependency.importer} imports {dependency.imported}"
        for dependency in graph.find_illegal_dependencies_for_layers(layers=APP_LAYERS)
    )


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return build_graph()


def test_every_app_is_in_the_graph(graph):
    """Guards the two lists above: an app added to the project must be placed in them."""
    apps_on_disk = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps_on_disk <= set(PROJECT_PACKAGES)
    assert {layer_app for layer in APP_LAYERS for layer_app in layer.module_tails} == apps_on_disk


def test_no_module_imports_itself_through_others(graph):
    cycles = import_cycles(graph)
    assert not cycles, "Import cycles:\n" + "\n".join(sorted(cycles))


def test_apps_depend_on_each_other_one_way(graph):
    illegal = imports_against_the_layers(graph)
    assert not illegal, "Imports against the layers:\n" + "\n".join(illegal)


def test_the_checks_catch_a_board_module_importing_the_frameworks():
    """Not vacuous: put back the cycle boards.models had with the frameworks (it imported
    them at its foot), and both checks fail."""
    graph = build_graph()
    graph.add_import(importer="boards.models", imported="frameworks.models")
    assert "boards.models -> frameworks.models -> boards.models" in import_cycles(graph)
    assert imports_against_the_layers(graph) == ["boards imports frameworks"]
