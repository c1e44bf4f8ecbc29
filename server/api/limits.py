"""Request body limits, enforced before the body is read.

Every route takes at most :data:`JSON_MAX` bytes unless it declares more with
:func:`body_limit` (the photo upload and the registry import). The check runs right after
routing, before Sanic reads the body: a declared ``Content-Length`` over the limit is
refused at once, and a chunked body stops being read at the limit. Both answer 413 in
the one error shape.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from sanic import Request, Sanic
from sanic_routing import Route

from server.domain.errors import PayloadTooLarge

H = TypeVar("H", bound=Callable[..., Any])
JSON_MAX = 256 * 1024
UPLOAD_MAX = 6 * 1024 * 1024  # a 5 MB file and its multipart framing
REQUEST_MAX = UPLOAD_MAX  # Sanic's own ceiling (REQUEST_MAX_SIZE): the largest route's
MARK = "__linli_body_limit__"


def body_limit(limit: int) -> Callable[[H], H]:
    """Let this route take bodies up to ``limit`` bytes (put it right under the route)."""
    if limit > REQUEST_MAX:
        raise ValueError(f"a route may take at most {REQUEST_MAX} bytes")

    def mark(handler: H) -> H:
        setattr(handler, MARK, limit)
        return handler

    return mark


def limit_of(handler: Any) -> int:
    for _ in range(10):
        if handler is None:
            break
        found = getattr(handler, MARK, None)
        if found is not None:
            return int(found)
        if isinstance(handler, partial) and handler.args and callable(handler.args[0]):
            handler = handler.args[0]
        else:
            handler = getattr(handler, "__wrapped__", None)
    return JSON_MAX


def _declared_length(request: Request) -> int | None:
    raw = request.headers.get("content-length")
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        return None  # Sanic itself refuses a malformed length with 400


def install(app: Sanic) -> None:
    app.config.REQUEST_MAX_SIZE = REQUEST_MAX

    @app.signal("http.routing.after")
    async def _cap(request: Request, route: Route, **_: Any) -> None:
        limit = limit_of(route.handler)
        length = _declared_length(request)
        if length is not None and length > limit:
            raise PayloadTooLarge(
                "the request body is too large",
                details={"limit_bytes": limit, "content_length": length},
            )
        stream = request.stream
        if stream is not None and hasattr(stream, "request_max_size"):
            # a chunked body: Sanic stops reading (413) once it passes the limit
            stream.request_max_size = min(stream.request_max_size, limit)
