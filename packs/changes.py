"""What changed since the last pack: compares two snapshots, never live data.

Both sides are frozen snapshots, so the comparison reads the same however much
the plan has moved on since, and a reprint of either pack gives the same answer.
"""

from __future__ import annotations

from typing import Any


def _actions(snapshot: dict[str, Any]) -> dict[int, dict[str, Any]]:
    found = {}
    for plan in snapshot.get("plan", {}).get("plans", []):
        for area in plan["areas"]:
            for objective in area["objectives"]:
                for action in objective["actions"]:
                    found[action["id"]] = action
    return found


def _brief(action: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": action["id"],
        "ref": action["ref"],
        "description": action["description"],
        "lead": action["lead"],
    }


def compute_changes(previous: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    before, now = _actions(previous), _actions(current)
    rag_moves, newly_completed, newly_overdue = [], [], []
    for action_id, action in now.items():
        old = before.get(action_id)
        if old is not None and old["rag"] != action["rag"]:
            rag_moves.append({**_brief(action), "from": old["rag_label"], "to": action["rag_label"]})
        if action["status"] == "complete" and (old is None or old["status"] != "complete"):
            newly_completed.append({**_brief(action), "completed_on": action["completed_on"]})
        if action["overdue"] and (old is None or not old["overdue"]):
            newly_overdue.append(
                {
                    **_brief(action),
                    "due_date": action["due_date"],
                    "due_precision": action.get("due_precision"),
                }
            )
    return {
        "rag_moves": rag_moves,
        "newly_completed": newly_completed,
        "newly_overdue": newly_overdue,
        "indicator_values": _indicator_changes(previous.get("indicators", []), current.get("indicators", [])),
    }


def _indicator_changes(previous: list[dict[str, Any]], current: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Values that are new since the last pack, or whose figure was revised, with the figure before."""
    seen = {
        (indicator["id"], value["start"], value["end"]): value["value"]
        for indicator in previous
        for value in indicator["values"]
    }
    changes = []
    for indicator in current:
        earlier = None
        for value in indicator["values"]:
            key = (indicator["id"], value["start"], value["end"])
            if key not in seen:
                changes.append(
                    {
                        "code": indicator["code"],
                        "unit": indicator["unit"],
                        "label": value["label"],
                        "value": value["value"],
                        "target": value["target"],
                        "kind": "new",
                        "before": earlier,
                    }
                )
            elif seen[key] != value["value"]:
                changes.append(
                    {
                        "code": indicator["code"],
                        "unit": indicator["unit"],
                        "label": value["label"],
                        "value": value["value"],
                        "target": value["target"],
                        "kind": "revised",
                        "before": seen[key],
                    }
                )
            earlier = value["value"]
    return changes
