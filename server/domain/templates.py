"""WeChat subscribe-message template values: each key kind has its own rules.

WeChat refuses a whole message (47003) when one value breaks its kind's rules, so
values are cleaned and cut here, on whole characters: a base character with its
combining marks, variation selectors, emoji modifiers and ZWJ sequences never splits.
Lengths are counted in UTF-16 code units, the stricter of the counts WeChat may use.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

ELLIPSIS = "…"
ZWJ = "\u200d"

# kind -> (max length, whether a cut value ends with an ellipsis)
LIMITS: dict[str, tuple[int, bool]] = {
    "thing": (20, True),
    "character_string": (32, False),
    "number": (32, False),
    "letter": (32, False),
    "symbol": (5, False),
    "phrase": (5, False),
    "name": (10, False),
    "phone_number": (17, False),
    "car_number": (8, False),
    "amount": (16, False),
}
KINDS = frozenset({*LIMITS, "time", "date"})
# What stands in for a value that is empty after cleaning; each fits its own kind.
FALLBACK = {"phrase": "无", "name": "无", "number": "0", "letter": "N", "phone_number": "0"}

_ASCII_SYMBOLS = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_KEY = re.compile(r"^([a-z_]+?)(\d+)$")


def kind_of(key: str) -> str:
    """WeChat names template keys after their kind: ``thing1``, ``character_string3``."""
    m = _KEY.match(key)
    if m is None or m.group(1) not in KINDS:
        raise ValueError(f"not a WeChat template key: {key!r}")
    return m.group(1)


def _extends(ch: str) -> bool:
    """Whether ``ch`` belongs to the character before it."""
    cp = ord(ch)
    return (
        unicodedata.combining(ch) != 0
        or unicodedata.category(ch) in ("Mn", "Mc", "Me")
        or 0xFE00 <= cp <= 0xFE0F  # variation selectors
        or 0xE0100 <= cp <= 0xE01EF
        or 0x1F3FB <= cp <= 0x1F3FF  # skin tone modifiers
        or 0xE0020 <= cp <= 0xE007F  # emoji tag sequences
        or ch == ZWJ
    )


def _is_regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def clusters(text: str) -> list[str]:
    """Split into user-perceived characters (a practical subset of UAX #29)."""
    out: list[str] = []
    for ch in text:
        if out and (
            _extends(ch)
            or out[-1].endswith(ZWJ)
            or (_is_regional(ch) and len(out[-1]) == 1 and _is_regional(out[-1]))
        ):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def units(text: str) -> int:
    """Length in UTF-16 code units."""
    return sum(2 if ord(c) > 0xFFFF else 1 for c in text)


def clean(text: str) -> str:
    """Drop lone surrogates and control characters; fold whitespace runs to one space."""
    text = " ".join(text.split())
    return "".join(
        c for c in text if not (0xD800 <= ord(c) <= 0xDFFF) and unicodedata.category(c) != "Cc"
    )


def cut(text: str, limit: int, ellipsis: bool = False) -> str:
    """At most ``limit`` code units, cut between whole characters."""
    if units(text) <= limit:
        return text
    room = limit - (1 if ellipsis else 0)
    kept: list[str] = []
    used = 0
    for cl in clusters(text):
        n = units(cl)
        if used + n > room:
            break
        kept.append(cl)
        used += n
    out = "".join(kept).rstrip()
    return out + ELLIPSIS if ellipsis else out


def _is_han(ch: str) -> bool:
    return "CJK UNIFIED" in unicodedata.name(ch, "") or "CJK COMPATIBILITY" in unicodedata.name(
        ch, ""
    )


def _is_symbol(ch: str) -> bool:
    return ch in _ASCII_SYMBOLS


def _only(text: str, keep: Any) -> str:
    return "".join(c for c in text if keep(c))


def format_value(kind: str, value: Any) -> str:
    """A value WeChat accepts for ``kind``; never empty (WeChat refuses empty values)."""
    fallback = FALLBACK.get(kind, "-")
    if kind in ("time", "date"):
        return _format_time(kind, value) or fallback
    text = clean(str(value) if value is not None else "")
    limit, ellipsis = LIMITS[kind]
    if kind == "character_string":
        text = _only(text, lambda c: c.isascii() and (c.isalnum() or _is_symbol(c)))
    elif kind == "number":
        text = _only(text, lambda c: c.isascii() and (c.isdigit() or c == "."))
    elif kind == "letter":
        text = _only(text, lambda c: c.isascii() and c.isalpha())
    elif kind == "symbol":
        text = _only(text, _is_symbol)
    elif kind == "phrase":
        text = _only(text, _is_han)
    elif kind == "name":
        han = _only(text, _is_han)
        if han:
            text = han
        else:
            text, limit = _only(text, lambda c: (c.isascii() and c.isalpha()) or c == " "), 20
    elif kind == "phone_number":
        text = _only(text, lambda c: c.isascii() and (c.isdigit() or c in "+-"))
    text = cut(text.strip(), limit, ellipsis)
    return text or fallback


def _format_time(kind: str, value: Any) -> str:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return ""
    if not isinstance(value, datetime):
        return ""
    # WeChat's documented examples: "2019年10月1日 15:01" (time) and "2019年10月1日" (date)
    day = f"{value.year}年{value.month}月{value.day}日"
    return f"{day} {value:%H:%M}" if kind == "time" else day


def render(fields: dict[str, str], values: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Template ``data`` from a field map ``{key: source}``: a source names a value in
    ``values``, or is a literal when it starts with ``=``."""
    data: dict[str, dict[str, str]] = {}
    for key, source in fields.items():
        raw = source[1:] if source.startswith("=") else values.get(source)
        data[key] = {"value": format_value(kind_of(key), raw)}
    return data
