"""The accounts app sits at the bottom beside boards: it reads boards (boards, memberships,
partnerships), nothing in boards imports it, and it imports none of the apps built on top."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ABOVE_ACCOUNTS = {"plans", "reviews", "meetings", "notifications", "performance", "packs", "api"}


def imported_apps(app: str) -> dict[str, set[str]]:
    """For each module of ``app`` (migrations aside), the top-level packages it imports."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_nothing_in_boards_imports_accounts():
    offenders = [module for module, names in imported_apps("boards").items() if "accounts" in names]
    assert offenders == []


@pytest.mark.parametrize("above", sorted(ABOVE_ACCOUNTS))
def test_accounts_imports_no_app_built_on_it(above):
    offenders = [module for module, names in imported_apps("accounts").items() if above in names]
    assert offenders == []
