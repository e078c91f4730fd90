"""Small-cell protection for published counts: counts under five are hidden (primary suppression), then
more cells are hidden (complementary suppression) until none of the hidden figures can be worked out
from the published ones.

The figures are cells; a relation says that one cell (a total) is the sum of others (its parts). Cells
on the page are published; latent cells are figures the page does not show but a reader can form (a
total over a section's rows, or "cases" minus "forwarded"). A reader knows each relation, every
published figure, that a hidden figure is not zero (zeros are shown) and that no count is negative.

The audit checks, after each step:

1. No hidden cell, and no latent cell under five, is determined by the relations and the published
   figures (exactly: its unit vector lies in the row space of the relations over the unknown cells; a
   relation with one unknown is the simple case, chains of relations are covered too).
2. Where the sum of a relation's unknown parts can be worked out (its total is published or
   determined), that sum leaves every unknown part room to be five or more: else the parts may be
   pinned by their bounds (two hidden parts adding up to 2 are both 1).

A failing check hides the smallest non-zero published cell (ties by key) of a relation that holds the
revealed cell, nearest first, and the audit runs again; each round hides one more cell, so it ends.
The result depends only on the values and the relations (not on the order they come in): the same data
gives the same pattern.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

Cell = Hashable


@dataclass(frozen=True)
class Relation:
    """`total` is the sum of `parts`."""

    total: Cell
    parts: tuple[Cell, ...]

    @property
    def cells(self) -> tuple[Cell, ...]:
        return (self.total, *self.parts)


class _RowSpace:
    """The row space of linear equations over the unknown cells, kept in row echelon form: each row's
    pivot is its first cell (in `order`) and no other row's pivot; a vector is reduced by the rows of its
    pivot cells, first cell first."""

    def __init__(self, rows: Iterable[dict[Cell, Fraction]], order: Mapping[Cell, int]):
        self.order = order
        self.pivots: dict[Cell, dict[Cell, Fraction]] = {}
        for row in rows:
            self._add(row)

    def _reduce(self, vector: Mapping[Cell, Fraction]) -> dict[Cell, Fraction]:
        order, pivots = self.order, self.pivots
        result = {cell: value for cell, value in vector.items() if value}
        queue = [(order[cell], cell) for cell in result if cell in pivots]
        heapq.heapify(queue)
        while queue:
            _position, cell = heapq.heappop(queue)
            factor = result.get(cell)
            if not factor:
                continue
            # The pivot's row holds only cells after it: a cell it brings in is reduced later.
            for other, value in pivots[cell].items():
                updated = result.get(other, 0) - factor * value
                if updated:
                    if other not in result and other in pivots:
                        heapq.heappush(queue, (order[other], other))
                    result[other] = updated
                else:
                    result.pop(other, None)
        return result

    def _add(self, row: Mapping[Cell, Fraction]) -> None:
        reduced = self._reduce(row)
        if not reduced:
            return
        pivot = min(reduced, key=self.order.__getitem__)
        scale = reduced[pivot]
        if scale == 1:  # plain integers while they last: most relations are sums of cells
            self.pivots[pivot] = reduced
        elif scale == -1:
            self.pivots[pivot] = {cell: -value for cell, value in reduced.items()}
        else:
            self.pivots[pivot] = {cell: Fraction(value) / scale for cell, value in reduced.items()}

    def determines(self, vector: Mapping[Cell, Fraction]) -> bool:
        """Whether the relations fix the value of this combination of unknown cells."""
        return not self._reduce(vector)


def protect(
    values: Mapping[Cell, int],
    relations: Iterable[Relation],
    *,
    published: Iterable[Cell],
    threshold: int = 5,
    small_marked: bool = False,
    batch: bool = False,
    fixed: Iterable[Cell] = (),
) -> set[Cell]:
    """The published cells to hide: every count in 1..threshold-1, and the complementary cells that keep
    them (and the hidden complements, and small latent figures) from being worked out.

    `small_marked`: the page marks the small hidden counts apart from the complementary ones ("<5" and
    "x"), so a reader knows each small one lies in 1..threshold-1 and each complementary one is at least
    threshold. Check 2 then asks more: the relations must not narrow a small count below what its mark
    says (every value from 1 to threshold-1 stays possible).

    `batch`: each round hides a complement for every problem found (not only the first), for problems
    of thousands of cells (a year's figures as a whole); it may hide a little more.

    `fixed`: published cells this reader knows whatever is hidden (a manager's own region): never hidden,
    never a complement, and their small counts are no secret to them."""
    # In a canonical order, so that the result does not depend on the order they are given in.
    relations = sorted(
        {relation for relation in relations if all(cell in values for cell in relation.cells)},
        key=lambda relation: [_sort_key(cell) for cell in (relation.total, *sorted(relation.parts, key=_sort_key))],
    )
    published = {cell for cell in published if cell in values}
    fixed = set(fixed)
    latent = set(values) - published
    order = {cell: index for index, cell in enumerate(sorted(values, key=_sort_key))}
    by_cell: dict[Cell, list[int]] = {}
    for index, relation in enumerate(relations):
        for cell in relation.cells:
            by_cell.setdefault(cell, []).append(index)
    small = {cell for cell, value in values.items() if 0 < value < threshold}
    hidden = (published & small) - fixed
    latent_small = latent & small
    hopeless: set = set()  # problems with no shown non-zero cell anywhere near them (all zeros)
    while True:
        unknown = hidden | latent
        space = _RowSpace(_equations(relations, unknown), order)
        problems = []
        for cell in sorted(hidden | latent_small, key=order.__getitem__):
            if ("cell", cell) not in hopeless and by_cell.get(cell) and space.determines({cell: 1}):
                direct = [index for index in by_cell[cell] if set(relations[index].cells) & unknown == {cell}]
                problems.append((("cell", cell), direct or by_cell[cell]))
                if not batch:
                    break
        if not problems:
            for index, relation in enumerate(relations):
                pinned = _pinned(relation, values, unknown, hidden, small, space, threshold, small_marked)
                if pinned and ("relation", index) not in hopeless:
                    problems.append((("relation", index), [index]))
                    if not batch:
                        break
        if not problems:
            return hidden
        added: set = set()
        for problem, start in problems:
            if added and any(set(relations[index].cells) & added for index in start):
                continue  # a complement of this round may have solved it: the next round tells
            complement = _complement(start, relations, by_cell, values, published - hidden - fixed, hidden | latent)
            if complement is None:
                hopeless.add(problem)
            else:
                hidden.add(complement)
                added.add(complement)


def _equations(relations: list[Relation], unknown: set[Cell]) -> Iterable[dict[Cell, Fraction]]:
    for relation in relations:
        row: dict[Cell, Fraction] = {}
        if relation.total in unknown:
            row[relation.total] = 1
        for part in relation.parts:
            if part in unknown:
                row[part] = row.get(part, 0) - 1
        if row:
            yield row


def _pinned(relation, values, unknown, hidden, small, space, threshold, small_marked=False) -> bool:
    """Whether the relation's unknown parts have a known sum too tight for them (check 2)."""
    parts = [part for part in relation.parts if part in unknown]
    if not parts or not set(parts) & small:
        return False
    if relation.total in unknown and not space.determines({relation.total: 1}):
        return False
    total = sum(values[part] for part in parts)
    if not small_marked:
        room = total - sum(1 for part in parts if part in hidden)
        return room < threshold - 1
    # What the reader knows of each unknown part: latent ones are >= 0, hidden small ones in
    # 1..threshold-1, hidden complementary ones >= threshold.
    lows = {part: 0 if part not in hidden else 1 if part in small else threshold for part in parts}
    highs = {part: threshold - 1 if part in hidden and part in small else None for part in parts}
    for part in parts:
        if part not in small:
            continue
        others = [other for other in parts if other != part]
        highest = total - sum(lows[other] for other in others)
        bounded = all(highs[other] is not None for other in others)
        lowest = total - sum(highs[other] for other in others) if bounded else None
        if part in hidden:
            if highest < threshold - 1 or (lowest is not None and lowest > 1):
                return True
        elif highest < threshold - 1:  # a small latent figure: as in the unmarked check
            return True
    return False


def _complement(start, relations, by_cell, values, shown, unknown) -> Cell | None:
    """The smallest non-zero shown cell of the nearest relations (those of `start`, then the relations
    they share an unknown cell with, and so on)."""
    seen, level = set(start), list(start)
    while level:
        candidates = [cell for index in level for cell in relations[index].cells if cell in shown and values[cell] > 0]
        if candidates:
            return min(candidates, key=lambda cell: (values[cell], _sort_key(cell)))
        following = []
        for index in level:
            for cell in relations[index].cells:
                if cell in unknown:
                    for other in by_cell.get(cell, ()):
                        if other not in seen:
                            seen.add(other)
                            following.append(other)
        level = following
    return None


def _sort_key(cell: Cell):
    """A total order over keys of mixed types (numbers, strings, None, tuples of them)."""
    if isinstance(cell, tuple):
        return (2, tuple(_sort_key(part) for part in cell))
    if isinstance(cell, int | float):
        return (0, cell)
    return (1, str(cell))
