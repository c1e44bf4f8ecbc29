"""Serving GeoReport v2: each resource answered in the format its extension names, errors
in GeoReport's own body, and an OpenAPI description that says exactly that."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote

from pydantic import BaseModel
from sanic import Blueprint, Request
from sanic.response import HTTPResponse

from schemas.open311 import GeoReportError
from server.api.validation import doc_of
from server.auth.access import MARK, policy_of
from server.domain.open311.formats import (
    CONTENT_TYPE,
    FORMATS,
    MEDIA_TYPE,
    Format,
    format_of_path,
    render,
    render_error,
)

PREFIX = "/open311/"
REF = "#/components/schemas/{model}"
# GeoReport knows 400, 403 and 404; our other kinds of error are told in those terms.
STATUS = {401: 403, 415: 400, 422: 400, 409: 400}

Fn = Callable[..., Awaitable[Any]]


def is_georeport(request: Request) -> bool:
    return request.path.startswith(PREFIX)


def error_response(
    request: Request, status: int, description: str, headers: dict[str, str] | None = None
) -> HTTPResponse:
    status = STATUS.get(status, status)
    fmt = format_of_path(request.path, request.headers.get("accept", ""))
    return HTTPResponse(
        render_error(status, description, fmt),
        status=status,
        headers=headers,
        content_type=CONTENT_TYPE[fmt],
    )


def _schema(root: str, model: type[BaseModel], many: bool, fmt: Format) -> dict[str, Any]:
    ref: dict[str, Any] = {"$ref": REF.format(model=model.__name__)}
    item = {"service_requests": "request", "services": "service", "errors": "error"}.get(root)
    if fmt == "xml":
        if many:
            return {
                "type": "array",
                "xml": {"name": root, "wrapped": True},
                "items": {**ref, "xml": {"name": item}},
            }
        return {**ref, "xml": {"name": root}}
    return {"type": "array", "items": ref} if many else ref


def georeport(
    bp: Blueprint,
    method: str,
    path: str,
    root: str,
    model: type[BaseModel],
    *,
    many: bool = False,
    status: int = 200,
    errors: tuple[int, ...] = (),
    form: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
) -> Callable[[Fn], Fn]:
    """Register ``fn(request, fmt, **params) -> document`` once per format.

    ``path`` holds ``{ext}`` where the format goes: ``/services.{ext}`` or
    ``/services/<service_code:([^/]+)\\.{ext}>`` (the parameter captured before the
    extension, so each format is its own route). ``fn`` carries its own access policy.
    """

    def decorate(fn: Fn) -> Fn:
        for fmt in FORMATS:
            handler = _handler(fn, fmt, root, status)
            doc = doc_of(handler)
            doc.responses[status] = {MEDIA_TYPE[fmt]: {"schema": _schema(root, model, many, fmt)}}
            doc.errors.update(errors)
            doc.error_content = {
                MEDIA_TYPE[fmt]: {"schema": _schema("errors", GeoReportError, True, fmt)}
            }
            doc.models.extend([model, GeoReportError])
            doc.query = query
            if form is not None:
                doc.models.append(form)
                doc.raw_body = {
                    "application/x-www-form-urlencoded": {
                        "schema": {
                            "$ref": REF.format(model=form.__name__),
                        }
                    }
                }
            uri = path.format(ext=fmt)
            bp.add_route(handler, uri, methods=[method], name=f"{fn.__name__}_{fmt}")  # type: ignore[arg-type]
        return fn

    return decorate


def _handler(fn: Fn, fmt: Format, root: str, status: int) -> Callable[..., Awaitable[HTTPResponse]]:
    async def handler(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        # The router leaves a parameter captured by a pattern percent-encoded.
        kwargs = {k: unquote(v) if isinstance(v, str) else v for k, v in kwargs.items()}
        document = await fn(request, fmt, *args, **kwargs)
        return HTTPResponse(
            render(root, document, fmt), status=status, content_type=CONTENT_TYPE[fmt]
        )

    handler.__name__ = f"{fn.__name__}_{fmt}"
    handler.__qualname__ = handler.__name__
    handler.__doc__ = fn.__doc__
    # The policy is declared on ``fn``; the handler carries it so the start-up check and
    # the OpenAPI document see it. (No __wrapped__: type-hint lookups would follow it.)
    setattr(handler, MARK, policy_of(fn))
    return handler
