"""Visit rules without I/O: phones, masking, groups, cadence, walking order, sync decisions."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.visits import (
    Policy,
    SyncAction,
    decide,
    effective_groups,
    is_valid_phone,
    mask_phone,
    natural_key,
    next_due,
    normalise_phone,
)


@pytest.mark.parametrize(
    "p",
    ["13812341234", "19900001111", "021-62345678", "62345678", "0571-8888888", "021-62345678-123"],
)
def test_valid_phones(p: str) -> None:
    assert is_valid_phone(p)


@pytest.mark.parametrize(
    "p", ["12812341234", "1381234123", "138123412345", "", "021-1234", "0123456", "phone"]
)
def test_invalid_phones(p: str) -> None:
    assert not is_valid_phone(p)


def test_normalise_strips_country_code_and_spaces() -> None:
    assert normalise_phone("+86 138 1234 1234") == "13812341234"


def test_mask() -> None:
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("021-62345678") == "021****5678"
    assert mask_phone("") == ""


@settings(max_examples=50)
@given(st.from_regex(r"1[3-9]\d{9}", fullmatch=True))
def test_mask_never_shows_the_middle(phone: str) -> None:
    masked = mask_phone(phone)
    assert masked[3:7] == "****" and masked[:3] == phone[:3] and masked[-4:] == phone[-4:]


def test_aged_is_derived_from_birth_years() -> None:
    today = date(2026, 6, 1)
    assert effective_groups({"disabled"}, [1946, 1990], today) == ["aged", "disabled"]
    assert effective_groups(set(), [1947, None], today) == []


def test_strictest_cadence_wins_and_default_applies() -> None:
    policy = Policy({"living_alone": 7, "aged": 14}, 365)
    assert policy.cadence_for(["aged", "living_alone"]) == 7
    assert policy.cadence_for(["custom_without_cadence"]) == 365
    assert policy.cadence_for([]) == 365
    assert Policy({"x": 400}, 365).cadence_for(["x"]) == 365


def test_next_due() -> None:
    assert next_due(None, date(2026, 1, 5), 7) == date(2026, 1, 5)
    assert next_due(date(2026, 1, 10), date(2026, 1, 5), 7) == date(2026, 1, 17)


def test_natural_order() -> None:
    names = ["10号楼", "2号楼", "1号楼"]
    assert sorted(names, key=natural_key) == ["1号楼", "2号楼", "10号楼"]


def test_sync_decisions() -> None:
    none: dict[int, str] = {}
    assert decide(
        exists=False, current_version=0, base_version=0, item_hash="a", revisions=none
    ) == (SyncAction.create, 1)
    assert decide(
        exists=True, current_version=1, base_version=0, item_hash="a", revisions={1: "a"}
    ) == (SyncAction.replay, 1)
    assert decide(
        exists=True, current_version=1, base_version=0, item_hash="b", revisions={1: "a"}
    ) == (SyncAction.conflict, 1)
    assert decide(
        exists=True, current_version=1, base_version=1, item_hash="b", revisions=none
    ) == (SyncAction.apply, 2)
    assert decide(
        exists=True, current_version=3, base_version=1, item_hash="b", revisions={2: "c"}
    ) == (SyncAction.conflict, 3)
    assert decide(
        exists=True, current_version=3, base_version=1, item_hash="c", revisions={2: "c"}
    ) == (SyncAction.replay, 2)
    assert decide(
        exists=False, current_version=0, base_version=2, item_hash="c", revisions=none
    ) == (SyncAction.unknown, 0)
