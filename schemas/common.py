"""Shapes every endpoint shares: the error body and health answers."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

# Text without leading or trailing whitespace: exactly the strings that trimming leaves
# unchanged, so a documented length limit means the same before and after trimming.
TRIMMED = r"^\S([\s\S]*\S)?$"


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


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorBody(BaseModel):
    error: ErrorDetail


class Health(BaseModel):
    status: str
    checks: dict[str, str] = {}
