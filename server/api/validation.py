"""Parsing request bodies and query strings into pydantic models, and recording what
each route accepts and answers so :mod:`server.api.openapi` can describe it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial, wraps
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError
from sanic import Request, Sanic

from schemas.common import MAX_ID
from server.auth.access import is_websocket
from server.domain.errors import Invalid, NotFound

H = TypeVar("H", bound=Callable[..., Awaitable[Any]])
M = TypeVar("M", bound=BaseModel)
DOC = "__linli_doc__"


@dataclass
class RouteDoc:
    body: type[BaseModel] | None = None
    raw_body: dict[str, Any] | None = None  # {"multipart/form-data": {schema}}
    query: type[BaseModel] | None = None
    # a model, list[Model], a raw content map, or None for no body
    responses: dict[int, Any] = field(default_factory=dict)
    errors: set[int] = field(default_factory=set)
    # Protocols with their own error body (Open311): the content map of every error
    # response, and only the error statuses listed in ``errors`` (plus 500).
    error_content: dict[str, Any] | None = None
    # Models referenced from raw content maps, to be put in the document's components.
    models: list[type[BaseModel]] = field(default_factory=list)


def doc_of(handler: Any) -> RouteDoc:
    doc = getattr(handler, DOC, None)
    if doc is None:
        doc = RouteDoc()
        setattr(handler, DOC, doc)
    return doc  # type: ignore[no-any-return]


def errors_of(exc: ValidationError) -> list[dict[str, Any]]:
    return [
        {
            "field": ".".join(str(p) for p in e["loc"]) or None,
            "message": e["msg"],
            "type": e["type"],
        }
        for e in exc.errors(include_url=False, include_input=False)
    ]


def parse_json(request: Request, model: type[M]) -> M:
    raw = request.body or b""
    if not raw.strip():
        raise Invalid("a JSON body is required", code="invalid_body")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise Invalid(f"the body is not valid JSON: {exc}", code="invalid_json") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise Invalid(
            "the body does not match the expected shape", details=errors_of(exc)
        ) from None


def parse_query(request: Request, model: type[M]) -> M:
    data: dict[str, Any] = {}
    for key, values in request.args.items():
        info = model.model_fields.get(key)
        is_list = info is not None and "list" in str(info.annotation)
        data[key] = values if is_list else values[-1]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise Invalid("the query string is not valid", details=errors_of(exc)) from None


def body(model: type[BaseModel]) -> Callable[[H], H]:
    """Validate the JSON body into ``request.ctx.body``."""

    def decorate(handler: H) -> H:
        @wraps(handler)
        async def parsed(request: Request, *args: Any, **kwargs: Any) -> Any:
            request.ctx.body = parse_json(request, model)
            return await handler(request, *args, **kwargs)

        doc_of(parsed).body = model
        return parsed  # type: ignore[return-value]

    return decorate


def raw_body(content: dict[str, Any]) -> Callable[[H], H]:
    """Document a non-JSON body (e.g. multipart uploads) the handler parses itself."""

    def decorate(handler: H) -> H:
        doc_of(handler).raw_body = content
        return handler

    return decorate


def query(model: type[BaseModel]) -> Callable[[H], H]:
    """Validate the query string into ``request.ctx.query``."""

    def decorate(handler: H) -> H:
        @wraps(handler)
        async def parsed(request: Request, *args: Any, **kwargs: Any) -> Any:
            request.ctx.query = parse_query(request, model)
            return await handler(request, *args, **kwargs)

        doc_of(parsed).query = model
        return parsed  # type: ignore[return-value]

    return decorate


def install(app: Sanic) -> None:
    """Validate WebSocket query strings before the upgrade, so bad input gets the usual
    422 answer instead of a socket that closes at once."""

    @app.on_request(priority=80)  # type: ignore[call-arg]
    async def _websocket_query(request: Request) -> None:
        route = request.route
        if route is None or not is_websocket(request):
            return
        handler = route.handler
        if isinstance(handler, partial) and handler.args:
            handler = handler.args[0]
        doc = getattr(handler, DOC, None)
        if doc is not None and doc.query is not None:
            parse_query(request, doc.query)


def returns(model: Any, status: int = 200, *errors: int) -> Callable[[H], H]:
    """The success response (a model, list[Model], a raw content map, or None) and the
    error statuses the route can answer besides the ones every route has."""

    def decorate(handler: H) -> H:
        doc = doc_of(handler)
        doc.responses[status] = model
        doc.errors.update(errors)
        return handler

    return decorate


async def check_path_ids(request: Request) -> None:
    """An integer path parameter outside the key range names no record: 404, not a crash."""
    for name, value in (request.match_info or {}).items():
        if isinstance(value, int) and not 1 <= value <= MAX_ID:
            raise NotFound(f"there is no {name.removesuffix('_id')} {value}")
