"""Input models: trimming, NUL refusal and id bounds, and a documented schema that says so."""

from __future__ import annotations

import re
from typing import Annotated

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import Field, ValidationError

from schemas.common import INT_RANGE, MAX_ID, TRIMMED, Id, Strict


class Sample(Strict):
    text: str
    tags: list[str] = []
    ref: Id | None = None


def test_nul_is_refused_anywhere_in_the_input() -> None:
    for bad in ({"text": "a\x00b"}, {"text": "ok", "tags": ["x", "\x00"]}):
        with pytest.raises(ValidationError, match="NUL"):
            Sample.model_validate(bad)


def test_ids_are_bounded() -> None:
    assert Sample(text="a", ref=MAX_ID).ref == MAX_ID
    for bad in (0, -1, MAX_ID + 1):
        with pytest.raises(ValidationError):
            Sample(text="a", ref=bad)
    ref = Sample.model_json_schema()["properties"]["ref"]["anyOf"][0]
    assert ref == {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def test_documented_text_is_trimmed_text() -> None:
    assert Sample.model_json_schema()["properties"]["text"]["pattern"] == TRIMMED
    assert Sample(text="  padded ").text == "padded"


@settings(max_examples=300)
@given(st.text())
def test_document_valid_text_is_accepted_unchanged(s: str) -> None:
    # Whatever the document allows reaches the service exactly as sent.
    if re.fullmatch(TRIMMED, s):
        assert Sample(text=s).text == s
    else:
        assert s != s.strip() or "\x00" in s


class Counts(Strict):
    plain: int = 0
    many: list[int] = []
    big: int = Field(default=0, le=2**62)
    big_optional: Annotated[int, Field(le=2**62)] | None = None
    ref: Id | None = None
    offset: int = Field(default=0, ge=0)


def test_integers_without_bounds_fit_the_database() -> None:
    high = INT_RANGE[1]
    assert Counts(plain=high, many=[-high]).plain == high
    for bad in ({"plain": high + 1}, {"plain": -(2**40)}, {"many": [1, 2**31]}):
        with pytest.raises(ValidationError, match="integers here"):
            Counts.model_validate(bad)
    # A field that declares its own bounds keeps them, even inside an optional.
    assert Counts(big=2**40, big_optional=2**40).big == 2**40
    props = Counts.model_json_schema()["properties"]
    assert (props["plain"]["minimum"], props["plain"]["maximum"]) == INT_RANGE
    assert props["many"]["items"]["maximum"] == INT_RANGE[1]
    assert props["big"]["maximum"] == 2**62 and props["big"]["minimum"] == INT_RANGE[0]
    # A side a field leaves open keeps the default: an offset with only ge=0 has a maximum.
    assert (props["offset"]["minimum"], props["offset"]["maximum"]) == (0, INT_RANGE[1])
    for bad in ({"offset": 2**63}, {"offset": high + 1}, {"big": -(2**40)}):
        with pytest.raises(ValidationError, match="integers here"):
            Counts.model_validate(bad)
    assert props["ref"]["anyOf"][0] == {"type": "integer", "minimum": 1, "maximum": MAX_ID}
