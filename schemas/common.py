"""Shapes every endpoint shares: the error body and health answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Annotated, Any, get_args

import annotated_types as at
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic.fields import FieldInfo


def rfc3339(value: datetime) -> str:
    """The one format of every timestamp in answers: RFC 3339 in UTC, to the microsecond,
    with ``Z`` (``2026-12-06T05:30:00.000000Z``), whatever zone the value came in."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# An instant. Inputs take any RFC 3339 form; answers always carry :func:`rfc3339`.
Timestamp = Annotated[
    datetime,
    PlainSerializer(rfc3339, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}, mode="serialization"),
]

# Floor areas travel as exact decimal strings ("71.08"), one schema for input and output.
Area = Annotated[
    Decimal,
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,7}(\.\d{1,2})?$", "description": "m²"}),
]
# One flat's floor area is at most this: more is a typo or a whole building. Sums (a vote's
# electorate) may be larger, so the bound is on the inputs that name one flat.
FLAT_AREA_MAX = Decimal("9999.99")

# Record ids are 32-bit integers in PostgreSQL; larger numbers name nothing and would make
# the query itself fail, so inputs refuse them up front.
MAX_ID = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# An integer input that declares no bounds of its own must fit PostgreSQL's integer, the
# type of every id column: a bigger one would fail inside the query, not as a 422.
INT_RANGE = (-(2**31), 2**31 - 1)

# Text without leading or trailing whitespace (exactly the strings trimming leaves
# unchanged, so a documented length means the same before and after trimming) and
# without NUL, which PostgreSQL cannot store.
TRIMMED = r"^([^\s\x00]([^\x00]*[^\s\x00])?)?$"


def _wall_clock(value: time) -> time:
    """A desk's or shift's time of day is local wall-clock time in whole minutes: an offset
    would have to be converted to a zone the row does not know, and seconds would be cut
    off by the HH:MM the rows store, so both are refused rather than silently changed."""
    if value.tzinfo is not None:
        raise ValueError("a time of day is local wall-clock time: leave out the UTC offset")
    if value.second or value.microsecond:
        raise ValueError("a time of day is given in whole minutes (HH:MM)")
    return value


# JSON Schema's "format: time" is RFC 3339's full-time, which requires an offset; these
# times have none, so the document gives their exact shape instead. Answers write
# "HH:MM:00"; requests may also send "HH:MM".
WALL_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:00)?$"
WallTime = Annotated[
    time,
    AfterValidator(_wall_clock),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": WALL_TIME_PATTERN,
            "description": "local wall-clock time in whole minutes, without an offset",
            "examples": ["08:30:00"],
        }
    ),
]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set | frozenset):
        return any(_has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


def _declared(annotation: Any) -> tuple[bool, bool]:
    """Whether a field declares its own (lower, upper) integer bound."""
    if isinstance(annotation, at.Interval):
        return (annotation.ge is not None or annotation.gt is not None), (
            annotation.le is not None or annotation.lt is not None
        )
    if isinstance(annotation, at.Ge | at.Gt):
        return True, False
    if isinstance(annotation, at.Le | at.Lt):
        return False, True
    parts = annotation.metadata if isinstance(annotation, FieldInfo) else get_args(annotation)
    low = high = False
    for part in parts:
        a, b = _declared(part)
        low, high = low or a, high or b
    return low, high


# Dates and times an input may name: far enough either side for any real record, and
# inside what every backend and zone conversion can hold (year 1 minus Shanghai's offset
# is no datetime at all, and PostgreSQL's dates stop at 5874897).
YEARS = (1900, 2200)


def _out_of_years(value: Any) -> bool:
    if isinstance(value, date):  # datetimes are dates too
        return not YEARS[0] <= value.year <= YEARS[1]
    if isinstance(value, list | tuple | set | frozenset):
        return any(_out_of_years(v) for v in value)
    return False


def in_years(value: Any) -> Any:
    """A validator for models that are not Strict (foreign protocols): the same years."""
    if _out_of_years(value):
        raise ValueError(f"dates must lie in the years {YEARS[0]} to {YEARS[1]}")
    return value


def _outside(value: Any, low: bool, high: bool) -> bool:
    """An integer beyond INT_RANGE on a side the field leaves to the default."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (not low and value < INT_RANGE[0]) or (not high and value > INT_RANGE[1])
    if isinstance(value, list | tuple | set | frozenset):
        return any(_outside(v, low, high) for v in value)
    return False


def _document_inputs(schema: dict[str, Any]) -> None:
    """Say in the schema what Strict enforces: trimmed text, default integer range."""
    for prop in schema.get("properties", {}).values():
        for variant in prop.get("anyOf", [prop]):
            if variant.get("type") == "array" and isinstance(variant.get("items"), dict):
                variant = variant["items"]
            if variant.get("type") == "integer":
                if "minimum" not in variant and "exclusiveMinimum" not in variant:
                    variant["minimum"] = INT_RANGE[0]
                if "maximum" not in variant and "exclusiveMaximum" not in variant:
                    variant["maximum"] = INT_RANGE[1]
            if variant.get("type") != "string" or variant.get("format"):
                continue
            own = variant.pop("pattern", None)
            if own is None:
                variant["pattern"] = TRIMMED
            else:
                variant["allOf"] = [{"pattern": own}, {"pattern": TRIMMED}]


class Strict(BaseModel):
    """Input models refuse unknown fields, so typos fail loudly, and trim text fields.

    Their documented schema asks for already-trimmed text (see ``TRIMMED``), so every
    document-valid request is accepted as sent; integers keep to ``INT_RANGE`` on each
    side they do not bound themselves (an ``offset`` with ``ge=0`` still has a maximum),
    and dates and times to the years in ``YEARS``.
    """

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra=_document_inputs
    )

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_unstorable(cls, value: Any, info: ValidationInfo) -> Any:
        if _has_nul(value):
            raise ValueError("text must not contain NUL characters")
        in_years(value)
        field = cls.model_fields.get(info.field_name or "")
        if field is not None:
            (a, b), (c, d) = _declared(field), _declared(field.annotation)
            if _outside(value, a or c, b or d):
                low, high = INT_RANGE
                raise ValueError(f"integers here must lie between {low} and {high}")
        return value


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorBody(BaseModel):
    error: ErrorDetail


class Health(BaseModel):
    status: str
    checks: dict[str, str] = {}
