"""Civil Code art. 278 thresholds at their exact edges, by area and by number separately,
and against an independent integer formula for arbitrary electorates."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.domain.governance.thresholds import (
    ITEM,
    SPECIAL,
    Choice,
    DecisionKind,
    consent_threshold,
    tally,
)

A, D, X = Choice.agree, Choice.disagree, Choice.abstain
LIFT = DecisionKind.rebuild_common_parts
ORDINARY = DecisionKind.property_service


def d(*xs: str | int) -> list[Decimal]:
    return [Decimal(str(x)) for x in xs]


def figures(t: object) -> dict[str, bool]:
    return {f.name: f.met for f in t.figures}  # type: ignore[attr-defined]


def test_items_six_to_eight_are_special() -> None:
    assert {ITEM[k] for k in SPECIAL} == {6, 7, 8}
    assert ITEM[DecisionKind.other_major] == 9


# -- participation: >= 2/3 of the electorate ------------------------------------------


def test_participation_by_area_exactly_two_thirds_is_enough() -> None:
    electorate = d(50, 150, 200, 200)  # 600 m²
    t = tally(LIFT, electorate, [(Decimal(50), A), (Decimal(150), A), (Decimal(200), A)])
    assert t.figures[0].ratio == Fraction(2, 3) and figures(t)["participation_area"]
    assert figures(t)["participation_number"]  # 3 of 4, not the edge


def test_participation_by_area_just_under_two_thirds_fails() -> None:
    electorate = d(50, 150, 200, "200.01")
    t = tally(LIFT, electorate, [(Decimal(50), A), (Decimal(150), A), (Decimal(200), A)])
    assert not figures(t)["participation_area"]
    assert figures(t)["participation_number"]
    assert not t.quorate and not t.passed


def test_participation_by_number_exactly_two_thirds_is_enough() -> None:
    t = tally(LIFT, d(100, 100, 1), [(Decimal(100), A), (Decimal(100), A)])
    assert figures(t)["participation_number"] and figures(t)["participation_area"]
    assert t.passed


def test_participation_by_number_under_two_thirds_fails_with_area_to_spare() -> None:
    electorate = d(300, 300, 300, 300, 300, 1, 1, 1)  # 5 of 8 own almost everything
    ballots = [(Decimal(300), A)] * 5
    t = tally(LIFT, electorate, ballots)
    assert figures(t)["participation_area"] and not figures(t)["participation_number"]
    assert not t.passed


# -- consent for items 6-8: >= 3/4 of the participants ---------------------------------


def test_special_consent_by_area_exactly_three_quarters_passes() -> None:
    ballots = [(Decimal(30), A), (Decimal(15), A), (Decimal(15), A), (Decimal(15), A)]
    ballots.append((Decimal(25), D))
    t = tally(LIFT, [a for a, _ in ballots], ballots)
    assert figures(t) == {
        "participation_area": True,
        "participation_number": True,
        "consent_area": True,
        "consent_number": True,  # 4 of 5, not the edge
    }
    assert t.passed


def test_special_consent_by_area_just_under_three_quarters_fails() -> None:
    ballots = [(Decimal(30), A), (Decimal(15), A), (Decimal(15), A), (Decimal(15), A)]
    ballots.append((Decimal("25.01"), D))
    t = tally(LIFT, [a for a, _ in ballots], ballots)
    assert not figures(t)["consent_area"] and figures(t)["consent_number"]
    assert not t.passed


def test_special_consent_by_number_exactly_three_quarters_passes() -> None:
    ballots = [(Decimal(30), A)] * 3 + [(Decimal(10), D)]
    t = tally(LIFT, [a for a, _ in ballots], ballots)
    assert figures(t)["consent_number"] and figures(t)["consent_area"] and t.passed


def test_special_consent_by_number_under_three_quarters_fails_with_area_to_spare() -> None:
    ballots = [(Decimal(90), A)] * 7 + [(Decimal(1), D)] * 3  # 7 of 10, 630 of 633 m²
    t = tally(LIFT, [a for a, _ in ballots], ballots)
    assert figures(t)["consent_area"] and not figures(t)["consent_number"]
    assert not t.passed


def test_abstaining_takes_part_but_does_not_consent() -> None:
    ballots = [(Decimal(10), A)] * 3 + [(Decimal(10), X)]
    t = tally(LIFT, d(10, 10, 10, 10, 10), ballots)
    assert t.participants == 4 and t.agree == 3 and t.abstain == 1
    assert t.passed  # 3 of 4 participants is the edge
    t = tally(LIFT, d(10, 10, 10, 10, 10), [*ballots, (Decimal(10), X)])
    assert not t.passed  # 3 of 5


# -- other matters: more than 1/2 of the participants ----------------------------------


def test_ordinary_consent_by_area_exactly_half_fails() -> None:
    ballots = [(Decimal(10), A), (Decimal(20), A), (Decimal(20), A), (Decimal(50), D)]
    t = tally(ORDINARY, [a for a, _ in ballots], ballots)
    assert not figures(t)["consent_area"] and figures(t)["consent_number"]
    assert not t.passed


def test_ordinary_consent_by_area_just_over_half_passes() -> None:
    ballots = [(Decimal(10), A), (Decimal(20), A), (Decimal("20.01"), A), (Decimal(50), D)]
    t = tally(ORDINARY, [a for a, _ in ballots], ballots)
    assert figures(t)["consent_area"] and t.passed


def test_ordinary_consent_by_number_exactly_half_fails() -> None:
    ballots = [(Decimal(45), A), (Decimal(45), A), (Decimal(5), D), (Decimal(5), D)]
    t = tally(ORDINARY, [a for a, _ in ballots], ballots)
    assert figures(t)["consent_area"] and not figures(t)["consent_number"]
    assert not t.passed


def test_ordinary_consent_by_number_just_over_half_passes() -> None:
    ballots = [(Decimal(45), A)] * 3 + [(Decimal(5), D)] * 2
    t = tally(ORDINARY, [a for a, _ in ballots], ballots)
    assert figures(t)["consent_number"] and t.passed


def test_a_fraction_that_floats_get_wrong_is_decided_exactly() -> None:
    # 0.1 + 0.2 of 0.4 m² is exactly 3/4; in floats 0.30000000000000004 / 0.4 only seems to be.
    ballots = [(Decimal("0.1"), A), (Decimal("0.2"), A), (Decimal("0.1"), D)]
    t = tally(LIFT, d("0.1", "0.2", "0.1"), ballots)
    assert t.figures[2].ratio == 0.75 and figures(t)["consent_area"]


def test_nobody_voting_passes_nothing() -> None:
    t = tally(ORDINARY, d(10, 20), [])
    assert not any(figures(t).values())


def test_bad_areas_are_refused() -> None:
    for bad in ("0", "-1", "NaN", "Infinity"):
        with pytest.raises(ValueError):
            tally(LIFT, [Decimal(bad)], [])


# -- property: the figures agree with integer cross-multiplication ----------------------

cents = st.integers(min_value=1, max_value=50_000_00)
choices = st.sampled_from([A, D, X, None])  # None: did not vote


@given(
    st.lists(st.tuples(cents, choices), min_size=1, max_size=60),
    st.sampled_from(list(DecisionKind)),
)
def test_figures_match_integer_arithmetic(
    rows: list[tuple[int, Choice | None]], kind: DecisionKind
) -> None:
    electorate = [Decimal(c) / 100 for c, _ in rows]
    ballots = [(Decimal(c) / 100, ch) for c, ch in rows if ch is not None]
    t = tally(kind, electorate, ballots)

    total = sum(c for c, _ in rows)
    part = sum(c for c, ch in rows if ch is not None)
    yes = sum(c for c, ch in rows if ch is A)
    n, p, y = len(rows), sum(ch is not None for _, ch in rows), sum(ch is A for _, ch in rows)
    expected = {"participation_area": 3 * part >= 2 * total, "participation_number": 3 * p >= 2 * n}
    if kind in SPECIAL:
        expected |= {
            "consent_area": p > 0 and 4 * yes >= 3 * part,
            "consent_number": p > 0 and 4 * y >= 3 * p,
        }
    else:
        expected |= {
            "consent_area": p > 0 and 2 * yes > part,
            "consent_number": p > 0 and 2 * y > p,
        }
    assert figures(t) == expected
    assert t.passed == all(expected.values())
    assert t.area == Decimal(total) / 100 and t.agree_area == Decimal(yes) / 100
    assert consent_threshold(kind)[1] is (kind not in SPECIAL)


@given(
    st.lists(st.tuples(cents, st.sampled_from([A, D, X])), min_size=1, max_size=30), st.randoms()
)
def test_order_of_ballots_does_not_matter(rows: list[tuple[int, Choice]], rnd: object) -> None:
    ballots = [(Decimal(c) / 100, ch) for c, ch in rows]
    shuffled = list(ballots)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    electorate = [a for a, _ in ballots]
    assert figures(tally(LIFT, electorate, ballots)) == figures(tally(LIFT, electorate, shuffled))
