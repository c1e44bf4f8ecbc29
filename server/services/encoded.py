"""A response body already encoded as JSON: the hottest reads have the database build it."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import orjson
from pydantic import BaseModel

from schemas.common import rfc3339


class EncodedJson(bytes):
    """JSON bytes sent as they are. The route's ``@returns`` schema still describes them,
    and the contract tests check the live responses against it."""


def _default(obj: Any) -> Any:
    if isinstance(obj, datetime):
        return rfc3339(obj)
    if isinstance(obj, date | time):  # passed through with the datetimes: as orjson writes them
        return obj.isoformat()
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if isinstance(obj, set | frozenset):
        return sorted(obj)
    raise TypeError(f"cannot encode {type(obj).__name__}")


def dumps(data: Any) -> bytes:
    """JSON for answers: timestamps in the one format (:func:`schemas.common.rfc3339`)."""
    return orjson.dumps(
        data, default=_default, option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
    )
