"""WeChat template values: every kind's rules, and cuts that never split a character."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.templates import (
    ELLIPSIS,
    LIMITS,
    clusters,
    cut,
    format_value,
    kind_of,
    render,
    units,
)

EMOJI_FAMILY = "👨\u200d👩\u200d👧"
FLAG_CN = "🇨🇳"
PIECES = ["é", "e\u0301", "🙂", "👍🏽", EMOJI_FAMILY, FLAG_CN, "中", "\ufe0f", "\ud83d"]
TEXT = st.lists(st.one_of(st.characters(), st.sampled_from(PIECES)), max_size=60).map("".join)


def test_kind_comes_from_the_key_name() -> None:
    assert kind_of("thing12") == "thing"
    assert kind_of("character_string3") == "character_string"
    assert kind_of("time4") == "time"


@settings(max_examples=150, deadline=None)
@given(TEXT, st.sampled_from(sorted(LIMITS)))
def test_every_value_fits_its_kind(text: str, kind: str) -> None:
    value = format_value(kind, text)
    limit = 20 if kind == "name" else LIMITS[kind][0]
    assert value and units(value) <= limit
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if kind == "character_string":
        assert value == "-" or all(c.isascii() and c.isprintable() and c != " " for c in value)
    if kind == "phrase":
        assert all("CJK" in unicodedata.name(c, "") for c in value)
    if kind == "number":
        assert all(c.isdigit() or c == "." for c in value)


@settings(max_examples=150, deadline=None)
@given(TEXT, st.integers(min_value=1, max_value=40))
def test_cut_is_a_prefix_of_whole_characters(text: str, limit: int) -> None:
    out = cut(text, limit)
    assert units(out) <= limit
    kept = clusters(out)
    whole = clusters(text)
    # The result is the text's first characters, each one complete.
    assert kept == whole[: len(kept)] or out == "".join(whole[: len(kept)]).rstrip()


def test_cut_never_splits_combining_marks_or_emoji_sequences() -> None:
    assert cut("ab" + "e\u0301", 3) == "ab"
    assert cut("a" + EMOJI_FAMILY, 4) == "a"
    assert cut("a" + FLAG_CN + FLAG_CN, 5) == "a" + FLAG_CN
    assert cut("a👍🏽", 4) == "a"
    assert cut("a👍🏽", 5) == "a👍🏽"


def test_thing_is_cut_with_an_ellipsis() -> None:
    value = format_value("thing", "小区东门的路灯已经连续三个晚上不亮了请尽快处理谢谢")
    assert units(value) == 20 and value.endswith(ELLIPSIS)
    assert format_value("thing", "短") == "短"


def test_kinds_keep_only_what_wechat_allows() -> None:
    assert format_value("character_string", "工单 R-2026/07") == "R-2026/07"
    assert format_value("phrase", "已受理 ok") == "已受理"
    assert format_value("number", "共 12.5 元") == "12.5"
    assert format_value("letter", "ab1c") == "abc"
    assert format_value("name", "张三丰 Zhang") == "张三丰"
    assert format_value("name", "Alexander Hamilton Jr") == "Alexander Hamilton J"
    assert format_value("phone_number", "+86 138-0013-8000") == "+86138-0013-8000"
    assert format_value("thing", "  a\nb\t c ") == "a b c"
    assert format_value("thing", None) == "-"


def test_time_and_date_use_wechats_formats() -> None:
    at = datetime(2026, 7, 1, 9, 5)
    assert format_value("time", at) == "2026年7月1日 09:05"
    assert format_value("date", at.isoformat()) == "2026年7月1日"
    assert format_value("time", "not a time") == "-"


def test_render_takes_sources_and_literals() -> None:
    data = render({"thing1": "title", "thing2": "=已受理您的反映"}, {"title": "漏水"})
    assert data == {"thing1": {"value": "漏水"}, "thing2": {"value": "已受理您的反映"}}
