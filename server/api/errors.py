"""One error shape for every 4xx and 5xx: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from sanic import Request, Sanic
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse

from server.api import georeport
from server.api.respond import send
from server.api.validation import errors_of
from server.broker import BrokerUnavailable
from server.domain import errors as de

log = logging.getLogger("linli.api")

STATUS: dict[type[de.DomainError], int] = {
    de.Invalid: 422,
    de.Unauthenticated: 401,
    de.Forbidden: 403,
    de.NotFound: 404,
    de.Conflict: 409,
    de.PayloadTooLarge: 413,
    de.UnsupportedMedia: 415,
    de.RateLimited: 429,
    de.Unavailable: 503,
}

SANIC_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    413: "payload_too_large",
    416: "range_not_satisfiable",
    417: "expectation_failed",
    426: "upgrade_required",
    503: "unavailable",
}


def status_of(exc: de.DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]  # type: ignore[index]
    return 400


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> HTTPResponse:
    body = {"error": {"code": code, "message": message, "details": details}}
    return send(body, status=status, headers=headers)


def handle(request: Request, exc: Exception) -> HTTPResponse:
    status, code, message, details, headers = describe(request, exc)
    if georeport.is_georeport(request):
        return georeport.error_response(request, status, message, headers)
    if status == 401:
        # RFC 6750: say how to authenticate; name the error when a token was refused
        challenge = 'Bearer realm="linli"'
        if code not in ("unauthenticated", "bad_credentials", "api_key_missing"):
            challenge += ', error="invalid_token"'
        headers = {**(headers or {}), "WWW-Authenticate": challenge}
    return error_response(status, code, message, details, headers)


Described = tuple[int, str, str, Any, dict[str, str] | None]


def describe(request: Request, exc: Exception) -> Described:
    if isinstance(exc, de.DomainError):
        headers = None
        if isinstance(exc, de.RateLimited):
            headers = {"Retry-After": str(exc.retry_after)}
        return status_of(exc), exc.code, exc.message, exc.details, headers
    if isinstance(exc, BrokerUnavailable):
        # only where the broker is the one thing that can answer (a lock, a live feed)
        log.warning("broker unavailable on %s %s: %s", request.method, request.path, exc)
        return 503, "unavailable", "try again in a moment", None, {"Retry-After": "1"}
    if isinstance(exc, ValidationError):
        return 422, "invalid", "the input is not valid", errors_of(exc), None
    if isinstance(exc, SanicException):
        status = exc.status_code
        if status >= 500:
            log.error("server error: %s", exc, exc_info=exc)
            return status, "internal_error", "something went wrong on our side", None, None
        message = str(exc) or SANIC_CODES.get(status, "error").replace("_", " ")
        if status == 404:
            message = f"no route for {request.method} {request.path}"
        headers = dict(exc.headers) if getattr(exc, "headers", None) else None
        return status, SANIC_CODES.get(status, "error"), message, None, headers
    log.error("unhandled error on %s %s", request.method, request.path, exc_info=exc)
    return 500, "internal_error", "something went wrong on our side", None, None


def install(app: Sanic) -> None:
    app.error_handler.add(Exception, handle)
