"""plans.rows.row_cells: evidence and measure cells down the rows of an objective's actions."""

from dataclasses import dataclass

from plans.rows import RowCell, row_cells


@dataclass
class Item:
    pk: int
    text: str


@dataclass
class Row:
    pk: int


def test_items_tied_to_no_action_make_one_cell_down_every_row():
    items = [Item(1, "Ofsted letter"), Item(2, "Audit")]
    cells = row_cells([Row(10), Row(11), Row(12)], items, {})
    assert cells == [RowCell(3, items), None, None]
    assert row_cells([], items, {}) == []
    assert row_cells([Row(10)], [], {}) == [RowCell(1, [])]


def test_an_item_tied_to_some_actions_splits_the_cells_at_them():
    shared, own = Item(1, "Ofsted letter"), Item(2, "Audit of the middle row")
    cells = row_cells([Row(10), Row(11), Row(12), Row(13)], [shared, own], {own.pk: {11, 12}})
    assert cells == [RowCell(1, [shared]), RowCell(2, [shared, own]), None, RowCell(1, [shared])]
