"""Small-cell protection audited as a reader would attack it: write down every relation between the
published figures (a total is the sum of its parts), treat each hidden figure as an unknown, and solve.
No hidden figure, and no figure under five a reader could form, may come out determined."""

from __future__ import annotations

import copy
from collections import Counter
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting.disclosure import Relation, protect
from reporting.statistics import suppressed

# --- an auditor's solver, written independently of reporting/disclosure.py -----------------------------


def rank(matrix: list[list[Fraction]]) -> int:
    rows = [list(row) for row in matrix if any(row)]
    found = 0
    columns = len(rows[0]) if rows else 0
    for column in range(columns):
        pivot = next((i for i in range(found, len(rows)) if rows[i][column]), None)
        if pivot is None:
            continue
        rows[found], rows[pivot] = rows[pivot], rows[found]
        for i in range(len(rows)):
            if i != found and rows[i][column]:
                factor = rows[i][column] / rows[found][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[found], strict=True)]
        found += 1
    return found


def determined(equations: list[dict], unknowns: list) -> set:
    """The unknowns whose value the equations fix: removing such an unknown's column lowers the rank (no
    solution of the homogeneous system moves it)."""
    matrix = [[Fraction(equation.get(name, 0)) for name in unknowns] for equation in equations]
    full = rank(matrix)
    return {name for j, name in enumerate(unknowns) if rank([row[:j] + row[j + 1 :] for row in matrix]) < full}


def table_equations(relations) -> list[dict]:
    """Each (total, parts) as total - sum(parts) = 0, {cell: coefficient}."""
    equations = []
    for total, parts in relations:
        equation = Counter({total: 1})
        for part in parts:
            equation[part] -= 1
        equations.append(dict(equation))
    return equations


# --- the yearly statistics: what a reader can form from the page ----------------------------------------

S1, S2 = "cases_by_region_county_type", "cases_by_month"


def yearly(cases: list[tuple[str, str, str, int, bool]]) -> dict:
    """The two case sections as compute_yearly gives them, from (region, county, type, month, forwarded)."""
    by_type = Counter((region, county, kind) for region, county, kind, _month, _forwarded in cases)
    by_month = Counter((month, region) for region, _county, _kind, month, _forwarded in cases)
    forwarded = Counter((month, region) for region, _county, _kind, month, sent in cases if sent)
    return {
        "year": 2026,
        "sections": {
            S1: {
                "columns": ["region", "county", "incident_type", "cases"],
                "rows": [[*key, count] for key, count in sorted(by_type.items())],
            },
            S2: {
                "columns": ["month", "region", "cases", "forwarded"],
                "rows": [
                    [f"2026-{month:02}-01", region, count, forwarded[(month, region)]]
                    for (month, region), count in sorted(by_month.items())
                ],
            },
        },
    }


def reader_view(published: dict, truth: dict) -> tuple[list[dict], list, dict]:
    """The reader's equations (region totals of the two sections agree; cases = forwarded + came on their
    own), the unknowns (hidden figures, totals, the "came on their own" counts) and their true values."""
    equations, values, known = [], {}, {}
    for key, count_columns in ((S1, [3]), (S2, [2, 3])):
        for number, (shown, real) in enumerate(
            zip(published["sections"][key]["rows"], truth["sections"][key]["rows"], strict=True)
        ):
            for column in count_columns:
                cell = (key, number, column)
                values[cell] = real[column]
                if isinstance(shown[column], int):
                    known[cell] = shown[column]
    regions = {row[0] for row in truth["sections"][S1]["rows"]}
    for region in regions:
        total = ("total", region)
        values[total] = sum(row[3] for row in truth["sections"][S1]["rows"] if row[0] == region)
        for key, column, region_at in ((S1, 3, 0), (S2, 2, 1)):
            parts = [
                (key, n, column) for n, row in enumerate(truth["sections"][key]["rows"]) if row[region_at] == region
            ]
            equations += table_equations([(total, parts)])
    for number, row in enumerate(truth["sections"][S2]["rows"]):
        rest = ("rest", number)
        values[rest] = row[2] - row[3]
        equations += table_equations([((S2, number, 2), [(S2, number, 3), rest])])
    unknowns = sorted((cell for cell in values if cell not in known), key=str)
    # Known figures are constants: drop them from the equations.
    equations = [{cell: c for cell, c in equation.items() if cell not in known} for equation in equations]
    return equations, unknowns, values


def hidden_figures(published: dict) -> list:
    return [
        (key, number, column)
        for key, count_columns in ((S1, [3]), (S2, [2, 3]))
        for number, row in enumerate(published["sections"][key]["rows"])
        for column in count_columns
        if not isinstance(row[column], int)
    ]


def test_a_hidden_cell_the_totals_gave_back_stays_undetermined():
    """Lõuna: 6 + one hidden case by crime type, 7 new cases by month: 7 - 6 gave the hidden 1 back.
    Põhja: 9 cases, 8 forwarded: 9 - 8 gave back the one person who came on their own."""
    truth = yearly(
        [("Lõuna", "Tartu maakond", "domestic_violence", 1, False)] * 6
        + [("Lõuna", "Tartu maakond", "property", 1, False)]
        + [("Põhja", "Harju maakond", "domestic_violence", 2, True)] * 8
        + [("Põhja", "Harju maakond", "domestic_violence", 2, False)]
    )
    published = suppressed(truth)
    equations, unknowns, values = reader_view(published, truth)
    solved = determined(equations, unknowns)
    hidden = hidden_figures(published)
    assert (S1, 1, 3) in hidden  # the single property case
    assert not solved & set(hidden), "a hidden figure can be worked out from the published ones"
    small = {cell for cell in unknowns if 0 < values[cell] < 5}
    assert ("rest", 1) in small  # the one Põhja person who came on their own
    assert not solved & small, "a figure under five can be worked out from the published ones"
    # Everything shown is true, and the figures the page did not need to hide are still there.
    assert published["sections"][S2]["rows"][1][:3] == ["2026-02-01", "Põhja", 9]
    assert suppressed(copy.deepcopy(truth)) == published


def test_the_previous_suppression_let_the_totals_give_cells_back():
    """The reader's solver finds the cells when only cells under five are hidden (what the page did)."""
    truth = yearly(
        [("Lõuna", "Tartu maakond", "domestic_violence", 1, False)] * 6
        + [("Lõuna", "Tartu maakond", "property", 1, False)]
    )
    primary_only = copy.deepcopy(truth)
    primary_only["sections"][S1]["rows"][1][3] = "x"
    equations, unknowns, _values = reader_view(primary_only, truth)
    assert (S1, 1, 3) in determined(equations, unknowns)


def test_users_with_access_see_their_regions_whole():
    truth = yearly(
        [("Lõuna", "Tartu maakond", "domestic_violence", 1, False)] * 6
        + [("Lõuna", "Tartu maakond", "property", 1, True)]
        + [("Põhja", "Harju maakond", "property", 1, True)]
    )
    published = suppressed(truth, open_regions=frozenset({"Lõuna"}))
    for key in (S1, S2):
        region_at = 0 if key == S1 else 1
        for shown, real in zip(published["sections"][key]["rows"], truth["sections"][key]["rows"], strict=True):
            if real[region_at] == "Lõuna":
                assert shown == real
            else:
                assert "x" in shown


def test_sums_are_hidden_with_their_counts():
    data = {
        "year": 2026,
        "sections": {
            "contacts_by_channel_kind": {
                "columns": ["region", "channel", "kind", "contacts", "minutes"],
                "rows": [["Põhja", "phone", "crisis", 2, 45], ["Põhja", "phone", "counselling", 12, 600]],
            }
        },
    }
    rows = suppressed(data)["sections"]["contacts_by_channel_kind"]["rows"]
    assert rows == [["Põhja", "phone", "crisis", "x", "x"], ["Põhja", "phone", "counselling", 12, 600]]


# --- the engine on a table with published totals ---------------------------------------------------------


def grid(table: list[list[int]]) -> tuple[dict, list[Relation]]:
    """A table with its row totals, column totals and grand total, all published."""
    values, relations = {}, []
    rows, columns = len(table), len(table[0])
    for r in range(rows):
        for c in range(columns):
            values[(r, c)] = table[r][c]
    for r in range(rows):
        values[(r, "all")] = sum(table[r])
        relations.append(Relation((r, "all"), tuple((r, c) for c in range(columns))))
    for c in range(columns):
        values[("all", c)] = sum(table[r][c] for r in range(rows))
        relations.append(Relation(("all", c), tuple((r, c) for r in range(rows))))
    values[("all", "all")] = sum(map(sum, table))
    relations.append(Relation(("all", "all"), tuple(("all", c) for c in range(columns))))
    relations.append(Relation(("all", "all"), tuple((r, "all") for r in range(rows))))
    return values, relations


def audit(relations: list[Relation], hidden: set) -> set:
    """The hidden cells a reader can work out from the shown ones."""
    equations = table_equations((relation.total, relation.parts) for relation in relations)
    equations = [{cell: c for cell, c in equation.items() if cell in hidden} for equation in equations]
    return determined(equations, sorted(hidden, key=str))


def test_a_cell_two_relations_give_back_together_is_protected():
    """Two hidden cells in every row and column with hidden cells, yet the bridge cell (0, 2) follows
    from rows 0-1 and columns 0-1 together: an audit that only counts hidden cells per line misses it."""
    table = [
        [1, 2, 5, 9, 9],
        [3, 4, 9, 9, 9],
        [9, 9, 1, 2, 9],
        [9, 9, 3, 4, 9],
    ]
    values, relations = grid(table)
    hidden = protect(values, relations, published=values)
    assert {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3)} <= hidden
    assert not audit(relations, hidden)


def test_a_hidden_total_of_shown_parts_is_protected():
    """u is under five, so its neighbour t goes too; but t's own parts are shown and add up to it, so one
    of them must go as well."""
    values = {"T": 15, "t": 13, "u": 2, "a": 6, "b": 7}
    relations = [Relation("T", ("t", "u")), Relation("t", ("a", "b"))]
    hidden = protect(values, relations, published=values)
    assert hidden == {"u", "t", "a"}
    assert not audit(relations, hidden)
    assert audit(relations, {"u", "t"}) == {"u", "t"}


def test_hidden_parts_are_not_pinned_by_their_bounds():
    """Two hidden parts of a shown total adding up to 2 are both 1: a part five or more joins them."""
    values = {"t": 16, "a": 1, "b": 1, "c": 6, "d": 8}
    hidden = protect(values, [Relation("t", ("a", "b", "c", "d"))], published=values)
    assert hidden == {"a", "b", "c"}


# --- properties over random small tables ------------------------------------------------------------------

small_counts = st.integers(min_value=0, max_value=12).map(lambda n: n if n % 3 else n // 4)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(2, 4).flatmap(
        lambda rows: st.lists(st.lists(small_counts, min_size=3, max_size=4).map(tuple), min_size=rows, max_size=rows)
    )
)
def test_no_hidden_cell_of_a_random_table_can_be_worked_out(table):
    columns = min(len(row) for row in table)
    table = [list(row[:columns]) for row in table]
    values, relations = grid(table)
    hidden = protect(values, relations, published=values)
    assert {cell for cell, value in values.items() if 0 < value < 5} <= hidden
    assert not audit(relations, hidden)
    assert protect(dict(reversed(values.items())), list(reversed(relations)), published=values) == hidden


PLACES = [("Lõuna", "Tartu maakond"), ("Lõuna", "Võru maakond"), ("Põhja", "Harju maakond")]
KINDS = ["domestic_violence", "property", "other"]
one_case = st.tuples(st.sampled_from(PLACES), st.sampled_from(KINDS), st.integers(1, 3), st.booleans()).map(
    lambda item: (*item[0], item[1], item[2], item[3])
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(one_case, max_size=45), st.sets(st.sampled_from(["Lõuna", "Põhja"]), max_size=1))
def test_no_hidden_figure_of_random_statistics_can_be_worked_out(cases, open_regions):
    truth = yearly(cases)
    published = suppressed(truth, open_regions=frozenset(open_regions))
    assert suppressed(copy.deepcopy(truth), open_regions=frozenset(open_regions)) == published
    equations, unknowns, values = reader_view(published, truth)
    solved = determined(equations, unknowns)
    assert not solved & set(hidden_figures(published))
    rows = truth["sections"][S2]["rows"]
    region_of = {
        cell: cell[1] if cell[0] == "total" else rows[cell[1]][1] for cell in values if cell[0] in {"total", "rest"}
    }
    assert not {cell for cell in solved if 0 < values[cell] < 5 and region_of.get(cell) not in open_regions}
    for key, region_at, count_columns in ((S1, 0, [3]), (S2, 1, [2, 3])):
        for shown, real in zip(published["sections"][key]["rows"], truth["sections"][key]["rows"], strict=True):
            if real[region_at] in open_regions:
                assert shown == real
            for column in count_columns:
                assert shown[column] in (real[column], "x")
                if 0 < real[column] < 5 and real[region_at] not in open_regions:
                    assert shown[column] == "x"
