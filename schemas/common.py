"""Shapes every endpoint shares: the error body and health answers."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Record ids are 32-bit integers in PostgreSQL; larger numbers name nothing and would make
# the query itself fail, so inputs refuse them up front.
MAX_ID = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]

# Text without leading or trailing whitespace (exactly the strings trimming leaves
# unchanged, so a documented length means the same before and after trimming) and
# without NUL, which PostgreSQL cannot store.
TRIMMED = r"^([^\s\x00]([^\x00]*[^\s\x00])?)?$"


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set | frozenset):
        return any(_has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


def _document_trimming(schema: dict[str, Any]) -> None:
    for prop in schema.get("properties", {}).values():
        for variant in prop.get("anyOf", [prop]):
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
    document-valid request is accepted as sent.
    """

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra=_document_trimming
    )

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_nul(cls, value: Any) -> Any:
        if _has_nul(value):
            raise ValueError("text must not contain NUL characters")
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
