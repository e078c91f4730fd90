"""The compensation calculation: table-driven vectors, and properties that hold for any input."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compensation.calculation import Figures, ItemInput, calculate, share_crime_cap

D = Decimal
RULES = Figures(rate_percent=D("80"), crime_cap=D("9590.00"), funeral_cap=D("448.00"))


def item(kind, claimed, accepted=None, other="0"):
    return ItemInput(
        kind=kind, claimed=D(claimed), accepted=None if accepted is None else D(accepted), other_sources=D(other)
    )


@pytest.mark.parametrize(
    ("items", "at_rate", "proposed", "compensated"),
    [
        # 80% of a treatment bill.
        ([item("treatment", "1000.00")], "800.00", "800.00", ["800.00"]),
        # The accepted amount counts, not the amount claimed.
        ([item("treatment", "1000.00", accepted="600.00")], "480.00", "480.00", ["480.00"]),
        # What insurance paid is deducted before the rate.
        ([item("treatment", "1000.00", other="250.00")], "600.00", "600.00", ["600.00"]),
        # Paid by others more than the loss: nothing, never negative.
        ([item("aids", "100.00", other="150.00")], "0.00", "0.00", ["0.00"]),
        # Funeral costs at most 448 EUR, then 80%.
        ([item("funeral", "2000.00")], "358.40", "358.40", ["358.40"]),
        # The funeral cap covers the funeral items together.
        ([item("funeral", "300.00"), item("funeral", "300.00")], "358.40", "358.40", ["240.00", "118.40"]),
        # Deductions first, then the funeral cap: 1000 - 700 = 300 is under the cap.
        ([item("funeral", "1000.00", other="700.00")], "240.00", "240.00", ["240.00"]),
        # Legal aid and pain and suffering are not compensated.
        ([item("legal_costs", "500.00"), item("non_pecuniary", "5000.00")], "0.00", "0.00", ["0.00", "0.00"]),
        # Lost income and maintenance in full at 80%.
        (
            [item("lost_income", "4000.00"), item("maintenance", "2500.00")],
            "5200.00",
            "5200.00",
            ["3200.00", "2000.00"],
        ),
        # Above the crime's cap: held at 9,590.
        ([item("lost_income", "20000.00")], "16000.00", "9590.00", ["16000.00"]),
        # Cents: 80% of 0.01 rounds half up to 0.01.
        ([item("treatment", "0.01")], "0.01", "0.01", ["0.01"]),
        # Nothing claimed yet.
        ([], "0.00", "0.00", []),
    ],
)
def test_vectors(items, at_rate, proposed, compensated):
    calc = calculate(items, RULES)
    assert calc.at_rate == D(at_rate)
    assert calc.proposed == D(proposed)
    assert [line.compensated for line in calc.lines] == [D(x) for x in compensated]
    assert calc.held_by_crime_cap == (D(proposed) < D(at_rate))


def test_unchecked_items_are_counted_and_said():
    calc = calculate([item("treatment", "100.00"), item("aids", "50.00", accepted="50.00")], RULES)
    assert calc.unchecked == 1
    assert calc.loss == D("150.00")
    assert any("not checked" in note for note in calc.lines[0].notes)
    assert not calc.lines[1].notes


def test_the_cap_is_shared_by_the_victim_and_two_dependants():
    victim = calculate([item("lost_income", "5000.00")], RULES)  # 4000
    first = calculate([item("maintenance", "6000.00")], RULES)  # 4800
    second = calculate([item("maintenance", "3000.00")], RULES)  # 2400
    share_crime_cap({"v": victim, "d1": first, "d2": second}, {})
    # 11,200 asked; 9,590 shared in proportion, rounded down to the cent.
    assert [victim.proposed, first.proposed, second.proposed] == [D("3425.00"), D("4110.00"), D("2055.00")]
    assert victim.proposed + first.proposed + second.proposed <= D("9590.00")
    assert all(calc.held_by_crime_cap for calc in (victim, first, second))
    assert first.others_wanted == D("6400.00")


def test_what_decisions_granted_stays_and_the_rest_is_shared():
    victim = calculate([item("lost_income", "10000.00")], RULES)  # 8000
    share_crime_cap({"v": victim}, {"decided": D("5000.00")})
    assert victim.granted_to_others == D("5000.00")
    assert victim.cap_left == D("4590.00")
    assert victim.proposed == D("4590.00")


def test_claims_within_the_cap_get_what_they_ask():
    first = calculate([item("treatment", "1000.00")], RULES)
    second = calculate([item("treatment", "2000.00")], RULES)
    share_crime_cap({1: first, 2: second}, {})
    assert (first.proposed, second.proposed) == (D("800.00"), D("1600.00"))
    assert not first.held_by_crime_cap


def test_nothing_left_after_the_granted():
    calc = calculate([item("treatment", "1000.00")], RULES)
    share_crime_cap({1: calc}, {"a": D("9590.00")})
    assert calc.proposed == D("0.00")
    assert calc.held_by_crime_cap


amounts = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)
kinds = st.sampled_from(
    ["treatment", "aids", "funeral", "lost_income", "carer_income", "maintenance", "legal_costs", "non_pecuniary"]
)
items = st.builds(
    ItemInput,
    kind=kinds,
    claimed=amounts,
    accepted=st.none() | amounts,
    other_sources=amounts,
)


@settings(max_examples=300, deadline=None)
@given(
    claims=st.lists(st.lists(items, max_size=6), min_size=1, max_size=4),
    granted=st.lists(amounts, max_size=3),
    cap=amounts,
)
def test_never_above_the_cap_and_never_negative(claims, granted, cap):
    figures = Figures(rate_percent=D("80"), crime_cap=cap, funeral_cap=D("448.00"))
    calculations = {index: calculate(claim, figures) for index, claim in enumerate(claims)}
    share_crime_cap(calculations, dict(enumerate(granted)))
    left = max(D("0"), cap - sum(granted, D("0")))
    assert sum(calc.proposed for calc in calculations.values()) <= left
    for calc in calculations.values():
        assert D("0") <= calc.proposed <= calc.at_rate
        # At most 80% of the loss counted, rounding included (half a cent per line).
        assert calc.at_rate <= calc.loss * D("0.8") + D("0.005") * len(calc.lines)
        for line in calc.lines:
            assert line.compensated >= 0
            if line.item.kind == "funeral":
                assert line.after_cap <= D("448.00")
