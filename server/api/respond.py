"""JSON responses from pydantic models or plain data, encoded with orjson."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sanic.response import HTTPResponse

from server.services.encoded import EncodedJson, dumps


def send(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> HTTPResponse:
    if isinstance(data, EncodedJson):
        body = bytes(data)
    elif isinstance(data, BaseModel):
        body = data.model_dump_json().encode()
    else:
        body = dumps(data)
    return HTTPResponse(body, status=status, headers=headers, content_type="application/json")


def no_content() -> HTTPResponse:
    return HTTPResponse(status=204)
