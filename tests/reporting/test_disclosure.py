"""Small-cell protection audited as a reader would attack it: write down every relation between the
published figures (a total is the sum of its parts), treat each hidden figure as an unknown, and solve.
No hidden figure, and no figure under five a reader could form, may come out determined."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting.dashboard import COMPARED, PROTECTED_ELSEWHERE
from reporting.disclosure import Relation, protect

# --- an auditor's solver, written independently of reporting/disclosure.py -----------------------------


def compared(dashboard) -> list:
    """The populations the comparison shows, in its order (the MARAC figures are left out where hidden)."""
    return [(p, label) for p, label in COMPARED if not (dashboard.suppressed and p in PROTECTED_ELSEWHERE)]


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
    # Hiding a complement for every problem of a round (a year's figures as a whole) is as safe.
    batch = protect(values, relations, published=values, batch=True)
    assert {cell for cell, value in values.items() if 0 < value < 5} <= batch
    assert not audit(relations, batch)


# --- a whole statistics page: what a reader can form from it ------------------------------------------


def page(people: list[tuple[str, str, str]], *, suppress: bool = True):
    """The dashboard of a year of clients, each (status, sex, crime type), in one region; the comparison
    has that region and an empty one."""
    from decimal import Decimal

    from reporting.dashboard import build
    from reporting.periods import Period
    from reporting.selectors import Scope, Sums

    now: Counter = Counter()
    for status, sex, crime in people:
        now[("clients", status)] += 1
        now[("clients_by_sex", sex)] += 1
        now[("clients_by_crime", crime)] += 1
        now[("clients_by_age", "27-64")] += 1  # every client table adds up to the same clients
        now[("clients_by_language", "et")] += 1
    by_area = {(1, "clients"): Decimal(len(people)), (2, "clients"): Decimal(0)}
    sums = Sums(now={key: Decimal(value) for key, value in now.items()}, before={}, by_area=by_area, by_month={})
    with translation.override("en"):
        return build(Period.of("year", 2026), Scope(), sums, suppress=suppress, areas=[(1, "Põhja"), (2, "Lõuna")])


def page_reader(dashboard) -> tuple[list[dict], dict, dict]:
    """The reader's equations (each table's rows add up to its total; tables of the same population share
    it; so do the areas), the unknown cells with their marks, and the shown ones."""
    equations, marks, known = [], {}, {}

    def cell(name, figure):
        if figure.hidden:
            marks[name] = figure.mark
        else:
            known[name] = figure.value
        return name

    for table in dashboard.tables:
        if not table.spec.protected:
            continue
        for when in ("now", "before"):
            total = cell(("total", table.spec.total_key, when), getattr(table.total, when))
            parts = [cell((table.key, row.label, when), getattr(row, when)) for row in table.body]
            equations += table_equations([(total, parts)])
    comparison = dashboard.comparison
    for column, (population, _label) in enumerate(compared(dashboard)):
        parts = [cell(("area", name, population), figures[column]) for name, figures in comparison.rows[:-1]]
        total = cell(("total", population, "now"), comparison.rows[-1][1][column])
        equations += table_equations([(total, parts)])
    reduced = []
    for equation in equations:
        constant = sum(coefficient * known[name] for name, coefficient in equation.items() if name in known)
        reduced.append(({name: c for name, c in equation.items() if name not in known}, -constant))
    return reduced, marks, known


def narrowed(equations, marks, values) -> set:
    """Hidden cells marked "<5" whose range a single equation narrows below 1..4, given that "<5" cells
    lie in 1..4 and "x" cells are at least 5."""
    found = set()
    for equation, constant in equations:
        names = [name for name, c in equation.items() if c]
        if not names or any(equation[name] not in (1, -1) for name in names):
            continue
        total = [name for name in names if equation[name] == 1]
        parts = [name for name in names if equation[name] == -1]
        if total:  # a hidden total: only where it is the one unknown of its kind
            continue
        known_sum = -constant  # 0 = known total - sum(parts): sum(parts) = known total
        for name in parts:
            if marks[name] != "<5":
                continue
            others = [other for other in parts if other != name]
            low = sum(1 if marks[o] == "<5" else 5 for o in others)
            high = sum(4 if marks[o] == "<5" else 10**9 for o in others)
            if known_sum - low < 4 or known_sum - high > 1:
                found.add(name)
    return found


def test_a_small_count_on_a_page_is_marked_and_cannot_be_worked_out():
    people = [("new", "F", "domestic_violence")] * 12 + [("returning", "M", "property")]
    dashboard = page(people)
    tables = {table.key: table for table in dashboard.tables}
    crime = {row.label: str(row.now) for row in tables["clients_by_crime"].rows}
    assert crime["crime against property"] == "<5"
    assert crime["domestic violence"] == "x"
    equations, marks, _known = page_reader(dashboard)
    unknowns = sorted(marks, key=str)
    assert not determined([equation for equation, _c in equations], unknowns) & set(marks)
    assert not narrowed(equations, marks, {})
    assert not page(people, suppress=False).suppressed


def test_marking_small_counts_hides_a_total_that_would_narrow_them():
    """12 + 1 = 13: the one is anywhere in 1..4 (13 - x, x >= 5). 6 + 1 = 7 would leave it 1 or 2, so
    the total goes too, in every table of the same clients."""
    dashboard = page([("new", "F", "domestic_violence")] * 6 + [("new", "F", "property")])
    tables = {table.key: table for table in dashboard.tables}
    assert str(tables["clients_by_crime"].total.now) == "x"
    assert all(str(tables[key].total.now) == "x" for key in ("clients", "clients_by_sex"))
    equations, marks, _known = page_reader(dashboard)
    assert not narrowed(equations, marks, {})


PERSON = st.tuples(
    st.sampled_from(["new", "returning"]),
    st.sampled_from(["F", "M", "X"]),
    st.sampled_from(["domestic_violence", "property", "other"]),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PERSON, max_size=40))
def test_no_hidden_figure_of_a_random_page_can_be_worked_out(people):
    dashboard = page(people)
    equations, marks, _known = page_reader(dashboard)
    unknowns = sorted(marks, key=str)
    assert not determined([equation for equation, _c in equations], unknowns) & set(marks)
    assert not narrowed(equations, marks, {})
    truth = page(people, suppress=False)
    real_tables = {table.key: table for table in truth.tables}
    for table, real in ((table, real_tables[table.key]) for table in dashboard.tables):
        for row, true_row in zip(table.rows, real.rows, strict=True):
            assert row.now.hidden or row.now.value == true_row.now.value
            if true_row.now.value is not None and 0 < true_row.now.value < 5 and table.spec.protected:
                # "<5", or "x" where the whole table is blank because its total is under five
                assert str(row.now) == "<5" or (str(row.now) == "x" and str(table.total.now) == "<5")


def test_a_table_whose_total_is_under_five_shows_no_breakdown():
    """Three clients: with the zeros shown, 'two kinds of crime' would tell each is 1 or 2."""
    dashboard = page([("new", "F", "domestic_violence")] * 2 + [("new", "F", "property")])
    tables = {table.key: table for table in dashboard.tables}
    for key in ("clients", "clients_by_sex", "clients_by_crime"):
        assert str(tables[key].total.now) == "<5"
        assert {str(row.now) for row in tables[key].body} == {"x"}, key  # zeros too


def test_a_row_that_is_another_tables_total_is_protected_with_it():
    """Counselling contacts are the counselling sessions again: hiding one and not the other gives the
    small kind back by difference."""
    from decimal import Decimal

    from reporting.dashboard import build
    from reporting.periods import Period
    from reporting.selectors import Scope, Sums

    now = {
        ("contacts", "phone"): 20,
        ("contacts_by_kind", "counselling"): 18,
        ("contacts_by_kind", "crisis"): 2,
        ("sessions", "phone"): 18,
    }
    sums = Sums(now={key: Decimal(value) for key, value in now.items()}, before={}, by_area={}, by_month={})
    with translation.override("en"):
        dashboard = build(Period.of("year", 2026), Scope(), sums, suppress=True, areas=None)
    tables = {table.key: table for table in dashboard.tables}
    kinds = {row.label: str(row.now) for row in tables["contacts_by_kind"].rows}
    sessions = str(tables["sessions"].total.now)
    assert kinds["crisis help"] == "<5"
    # Either both figures of the 18 are hidden, or the total of 20 is: never 20 and 18 side by side.
    assert not (kinds["Total"] == "20" and ("18" in (kinds["counselling session"], sessions)))


def test_a_figure_the_reader_knows_is_never_the_complement():
    """8 = 6 + 2: the 2 goes, and with it the 6 (the smaller neighbour); but a reader who knows the 6
    (a manager's own region) would take 6 from 8, so for them the 8 goes instead."""
    values = {"T": 8, "a": 6, "b": 2, "c": 0}
    relations = [Relation("T", ("a", "b", "c"))]
    assert protect(values, relations, published=values) == {"a", "b"}
    assert protect(values, relations, published=values, fixed={"a"}) == {"T", "b"}
