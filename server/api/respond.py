"""JSON responses from pydantic models or plain data, encoded with orjson."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel
from sanic.response import HTTPResponse

from server.services.encoded import EncodedJson


def _default(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if isinstance(obj, set | frozenset):
        return sorted(obj)
    raise TypeError(f"cannot encode {type(obj).__name__}")


def send(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> HTTPResponse:
    if isinstance(data, EncodedJson):
        body = bytes(data)
    elif isinstance(data, BaseModel):
        body = data.model_dump_json().encode()
    else:
        body = orjson.dumps(data, default=_default, option=orjson.OPT_NON_STR_KEYS)
    return HTTPResponse(body, status=status, headers=headers, content_type="application/json")


def no_content() -> HTTPResponse:
    return HTTPResponse(status=204)
