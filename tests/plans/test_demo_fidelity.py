"""The demo plan against the seed, row by row.

Two steps. First the transcription (``plans/demo_data/sunderland_sscb_2011_2013.json``, the
fixture) is checked against the seed text itself (``../shared/seeds/``): every action,
lead, timescale, progress note, evidence and measure is in the seed, in the seed's order
and in the row the transcription ties it to, and nothing in those columns of the seed is
left out. Then the loaded demo is checked against the transcription field by field.

The seed is a text rendering of the Word tables: one line per table row, cells split by
tabs, with HTML lists and paragraphs inside cells. Rows that run over a page carry on in
the first line of the next table, so each column is read as one stream of text in document
order (a cell split by a page break joins up again) and each line is a stretch of it.
"""

from __future__ import annotations

import datetime
import html
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from plans import rows
from plans.demo import SEED_PLAN, note_date, shift_note_text
from plans.models import Action, BusinessPlan, EvidenceSource, Measure, ProgressUpdate

SEED_NAME = "sunderland-sscb-business-plan-2011-2013.txt"
REPO = Path(__file__).resolve().parents[2]
OBJECTIVE, EVIDENCE, ACTION, LEAD, TIMESCALE, PROGRESS, MEASURE = range(7)


def seed_file() -> Path | None:
    """The seed sits in ``shared/seeds`` beside the checkout (``../shared/seeds`` from the
    main checkout, further up from a worktree); ``SEEDS_DIR`` names another place."""
    if os.environ.get("SEEDS_DIR"):
        candidate = Path(os.environ["SEEDS_DIR"]) / SEED_NAME
        return candidate if candidate.exists() else None
    for folder in (REPO, *REPO.parents):
        candidate = folder / "shared" / "seeds" / SEED_NAME
        if candidate.exists():
            return candidate
    return None


def normalise(text: str) -> str:
    """Cell text without markup, bullets or typographic quotes, spaces collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = text.replace("•", " ").replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class Seed:
    """Each column as one stream of text; ``starts[line][column]`` is where a line's cell begins."""

    streams: list[str] = field(default_factory=lambda: [""] * 7)
    starts: list[list[int]] = field(default_factory=list)
    cells: list[list[str]] = field(default_factory=list)
    covered: list[list[tuple[int, int]]] = field(default_factory=lambda: [[] for _ in range(7)])

    def line_of(self, column: int, offset: int) -> int:
        line = 0
        for index, starts in enumerate(self.starts):
            if starts[column] <= offset:
                line = index
        return line

    def find(self, column: int, text: str, after: int = 0) -> int:
        return self.streams[column].find(normalise(text), after)

    def cover(self, column: int, offset: int, text: str) -> None:
        """Mark a stretch of the seed as transcribed."""
        self.covered[column].append((offset, offset + len(normalise(text))))

    def uncovered(self, column: int) -> str:
        stream = list(self.streams[column])
        for start, end in self.covered[column]:
            stream[start:end] = " " * (end - start)
        return normalise("".join(stream))

    def nearest_cell(self, column: int, line: int) -> str:
        """A cell left empty means "as above", as the seed's lead and timescale cells do."""
        for index in range(line, -1, -1):
            if self.cells[index][column]:
                return self.cells[index][column]
        return ""


def read_seed(path: Path) -> Seed:
    seed = Seed()
    for raw in path.read_text(encoding="utf-8").splitlines():
        cells = raw.split("\t")
        if (
            len(cells) < 2
            or cells[0].startswith("Priority Area")
            or cells[0] == "What do we want to achieve?"
        ):
            continue
        cells = [normalise(cell) for cell in (cells + [""] * 7)[:7]]
        seed.starts.append([len(stream) for stream in seed.streams])
        seed.cells.append(cells)
        seed.streams = [
            stream + cell + " " if cell else stream for stream, cell in zip(seed.streams, cells, strict=True)
        ]
    return seed


def transcription() -> dict:
    return json.loads(SEED_PLAN.read_text(encoding="utf-8"))


def objectives(data: dict) -> list[dict]:
    return [objective for area in data["priority_areas"] for objective in area["objectives"]]


def evidence_items(objective: dict) -> list[dict]:
    return [{"text": item} if isinstance(item, str) else item for item in objective["evidence"]]


@pytest.fixture(scope="module")
def seed() -> Seed:
    path = seed_file()
    if path is None:
        pytest.skip(
            f"The seed {SEED_NAME} is not in shared/seeds beside this checkout (or in $SEEDS_DIR): "
            "the transcription cannot be compared with it here."
        )
    return read_seed(path)


def test_every_action_lead_timescale_note_and_measure_is_in_its_seed_row(seed):
    data = transcription()
    placed = []  # (objective, action, line where the action starts in the seed)
    cursor = 0
    for objective in objectives(data):
        heading = f"{objective['number']} {objective['description']}"
        assert seed.find(OBJECTIVE, heading) >= 0, objective["number"]
        for action in objective["actions"]:
            offset = seed.find(ACTION, action["description"], cursor)
            assert offset >= 0, (
                f"{objective['number']}: {action['description']!r} is not in the seed, in order"
            )
            seed.cover(ACTION, offset, action["description"])
            cursor = offset + 1
            placed.append((objective, action, seed.line_of(ACTION, offset)))

    # An action's row runs to the next line where a later action starts: the actions of one
    # cell share a row, and a row carries on over a page break.
    starts = [line for _, _, line in placed]
    row_end = {
        id(action): next((later for later in starts[index + 1 :] if later > line), len(seed.cells))
        for index, (_, action, line) in enumerate(placed)
    }
    line_of_action = {}
    for objective, action, line in placed:
        end = row_end[id(action)]
        line_of_action[(objective["number"], objective["actions"].index(action) + 1)] = (line, end)
        where = f"{objective['number']} {action['description'][:40]!r}"
        lead = seed.nearest_cell(LEAD, line)
        assert normalise(action["lead"]) in lead, where
        assert normalise(action["deferred_to"]) in lead, where
        assert normalise(action["timescale"]) in seed.nearest_cell(TIMESCALE, line), where
        for note in action["progress"]:
            offset = seed.find(PROGRESS, note["text"], seed.starts[line][PROGRESS])
            assert offset >= 0 and seed.line_of(PROGRESS, offset) < end, f"{where}: note {note['text']!r}"
            seed.cover(PROGRESS, offset, note["text"])

    for objective in objectives(data):
        first = line_of_action[(objective["number"], 1)][0]
        last = line_of_action[(objective["number"], len(objective["actions"]))][1]
        for column, items in ((MEASURE, objective["measures"]), (EVIDENCE, evidence_items(objective))):
            for item in items:
                text = item.get("description", item.get("text"))
                tied = item.get("actions") or []
                # A row's item is in its rows' cells (each time: 10.1 names "SCR for Child X" in
                # two rows); an item for the whole objective, in the objective's rows.
                spans = [line_of_action[(objective["number"], n)] for n in tied] or [(first, last)]
                start, end = min(s for s, _ in spans), max(e for _, e in spans)
                found, offset = 0, seed.starts[start][column]
                while (offset := seed.find(column, text, offset)) >= 0 and seed.line_of(column, offset) < end:
                    seed.cover(column, offset, text)
                    found, offset = found + 1, offset + 1
                assert found, f"{objective['number']}: {text!r} is not in the seed rows it is tied to"

    # The seed's Measure column is per row: a measure is for exactly the actions of the rows
    # whose Measure cell holds it (6.1's "No cases meet the criteria…" is in the Child X row,
    # not the Nursery Z row below it); one tied to no action is in the objective's one row.
    for objective in objectives(data):
        number = objective["number"]
        numbers = range(1, len(objective["actions"]) + 1)
        first = line_of_action[(number, 1)][0]
        last = line_of_action[(number, len(objective["actions"]))][1]
        for measure in objective["measures"]:
            holding, offset = set(), seed.starts[first][MEASURE]
            while (offset := seed.find(MEASURE, measure["description"], offset)) >= 0:
                line = seed.line_of(MEASURE, offset)
                if line >= last:
                    break
                holding |= {
                    n
                    for n in numbers
                    if line_of_action[(number, n)][0] <= line < line_of_action[(number, n)][1]
                }
                offset += 1
            assert holding == set(measure.get("actions") or numbers), (number, measure["description"][:50])

    for column, name in (
        (ACTION, "action"),
        (PROGRESS, "progress"),
        (MEASURE, "measure"),
        (EVIDENCE, "evidence"),
    ):
        assert seed.uncovered(column) == "", f"seed {name} text missing from the transcription"


def test_note_dates_are_only_those_the_note_states():
    """A note is dated only when its own text says when; the rest are undated (never the
    invented 30 September 2011 the first transcription gave them)."""
    undated = 0
    for objective in objectives(transcription()):
        for action in objective["actions"]:
            for note in action["progress"]:
                date, precision = note_date(note["date"])
                if date is None:
                    undated += 1
                    continue
                forms = {
                    "day": [f"{date:%d.%m.%y}", date.isoformat(), f"{date.day} {date:%B %Y}"],
                    "month": [f"{date:%B %Y}", f"{date:%b %Y}"],
                    "year": [f"{date:%Y}"],
                }[precision]
                assert any(form in note["text"] for form in forms), (note, forms)
    assert undated == 23


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False)
@pytest.mark.django_db
@pytest.mark.parametrize("original_dates", [True, False])
def test_the_loaded_demo_is_the_transcription_row_by_row(original_dates):
    call_command("load_demo", *(["--original-dates"] if original_dates else []))
    plan = BusinessPlan.objects.get(board__slug="sunderland-sscb")
    shift = plan.dates_moved_years
    assert shift == (0 if original_dates else 15)
    for objective in objectives(transcription()):
        for position, expected in enumerate(objective["actions"], start=1):
            action = Action.objects.get(
                objective__priority_area__plan=plan, objective__number=objective["number"], position=position
            )
            where = f"{objective['number']}/{position}"
            # Dates written in the action's wording move with the demo (point 16).
            assert action.description == shift_note_text(expected["description"], shift), where
            assert (action.lead_role, action.deferred_to) == (expected["lead"], expected["deferred_to"]), (
                where
            )
            assert action.timescale_text == expected["timescale"], where
            measures = [
                m["description"] for m in objective["measures"] if position in m.get("actions", [position])
            ]
            assert [m.description for m in rows.for_action(Measure, action)] == measures, where
            evidence = [
                e["text"] for e in evidence_items(objective) if position in e.get("actions", [position])
            ]
            assert [e.text for e in rows.for_action(EvidenceSource, action)] == evidence, where
            notes = ProgressUpdate.objects.filter(action=action).order_by("pk")
            assert [n.text for n in notes] == [
                shift_note_text(n["text"], shift) for n in expected["progress"]
            ], where
            for note, note_data in zip(notes, expected["progress"], strict=True):
                date, precision = note_date(note_data["date"])
                assert note.date == (date and date.replace(year=date.year + shift)), where
                assert note.date_precision == precision, where
