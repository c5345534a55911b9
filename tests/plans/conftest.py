import pytest

from plans import extensions


@pytest.fixture(autouse=True)
def plans_alone(monkeypatch):
    """Plans' tests see plans alone: their demo counts and query budgets are the SSCB plan's.
    Apps that build on plans (reviews…) register demo data and page panels through
    plans.extensions, and test those (with their query counts) in their own tests."""
    monkeypatch.setattr(extensions.demo_loaded, "receivers", [])
    monkeypatch.setattr(extensions, "_plan_panels", [])
    monkeypatch.setattr(extensions, "_action_panels", [])
