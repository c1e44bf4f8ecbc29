"""The OpenAPI 3.1 document, built from the real routes and the pydantic schemas.

Every route's body, query, responses and access policy come from the decorators in
:mod:`server.api.validation` and :mod:`server.auth.access`, so the document cannot
drift from the code. Error responses all use the one error shape.
"""

from __future__ import annotations

import inspect
import re
from functools import partial
from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from sanic import Blueprint, Request, Sanic
from sanic.response import HTTPResponse

from schemas.common import MAX_ID, ErrorBody
from server.api.respond import send
from server.api.validation import DOC, RouteDoc, returns
from server.auth.access import policy_of, public
from server.context import REQUEST_ID_PATTERN

bp = Blueprint("openapi")
REF = "#/components/schemas/{model}"
_CAST = {int: {"type": "integer", "minimum": 1, "maximum": MAX_ID}, float: {"type": "number"}}
ALWAYS = {500}


def _doc(handler: Any) -> RouteDoc:
    return getattr(handler, DOC, None) or RouteDoc()


def _ref(model: type[BaseModel], seen: set[type[BaseModel]]) -> dict[str, Any]:
    seen.add(model)
    return {"$ref": REF.format(model=model.__name__)}


def _content(item: Any, seen: set[type[BaseModel]]) -> dict[str, Any]:
    if isinstance(item, dict):
        return item
    if get_origin(item) is list:
        (inner,) = get_args(item)
        return {"application/json": {"schema": {"type": "array", "items": _ref(inner, seen)}}}
    return {"application/json": {"schema": _ref(item, seen)}}


def _with_headers(entry: dict[str, Any], status: int) -> dict[str, Any]:
    headers = {"X-Request-ID": {"$ref": "#/components/headers/RequestId"}}
    if status == 429:
        headers["Retry-After"] = {"$ref": "#/components/headers/RetryAfter"}
    return {**entry, "headers": headers}


HEADERS = {
    "RequestId": {
        "description": "The request's id: the caller's X-Request-ID, or one made up for it.",
        "required": True,
        "schema": {"type": "string", "minLength": 1},
    },
    "RetryAfter": {
        "description": "Seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    },
}


_SUFFIXED = re.compile(r"\(.*\)\\\.(\w+)")


def path_template(part: str) -> str:
    """A path segment in OpenAPI's template syntax. A parameter captured before a fixed
    extension (``<code:([^/]+)\\.json>``) is ``{code}.json``."""
    if not part.startswith("<"):
        return part
    name, _, kind = part[1:-1].partition(":")
    suffixed = _SUFFIXED.fullmatch(kind)
    if suffixed:
        return f"{{{name}}}.{suffixed.group(1)}"
    return f"{{{name}}}"


def build_spec(app: Sanic) -> dict[str, Any]:
    seen: set[type[BaseModel]] = {ErrorBody}
    paths: dict[str, dict[str, Any]] = {}
    for route in sorted(app.router.routes, key=lambda r: r.path):
        handler = route.handler
        if isinstance(handler, partial) and handler.args:
            handler = handler.args[0]  # a WebSocket route: Sanic's wrapper around ours
        doc = _doc(handler)
        policy = policy_of(handler)
        path = "/" + "/".join(path_template(p) for p in route.parts)
        seen.update(doc.models)
        params: list[dict[str, Any]] = [{"$ref": "#/components/parameters/RequestId"}]
        for info in route.params.values():
            schema = _CAST.get(info.cast, {"type": "string"})
            params.append({"name": info.name, "in": "path", "required": True, "schema": schema})
        if doc.query is not None:
            qs = doc.query.model_json_schema(ref_template=REF)
            required = set(qs.get("required", []))
            for name, prop in qs.get("properties", {}).items():
                prop = dict(prop)
                prop.pop("title", None)
                is_array = prop.get("type") == "array"
                param = {"name": name, "in": "query", "required": name in required, "schema": prop}
                if is_array:
                    param.update(style="form", explode=True)
                params.append(param)
        responses: dict[str, Any] = {}
        for status, model in sorted(doc.responses.items()):
            entry: dict[str, Any] = {"description": "Success" if status < 300 else "Answer"}
            if model is not None:
                entry["content"] = _content(model, seen)
            responses[str(status)] = _with_headers(entry, status)
        error_codes = set(doc.errors) | ALWAYS
        if getattr(route.extra, "websocket", False):
            # A plain request that asks for no upgrade is refused: 426 from Sanic's own
            # server, 400 when served through ASGI.
            responses.setdefault("101", {"description": "Switched to the WebSocket protocol"})
            error_codes |= {400, 426}
        if doc.body is not None or doc.raw_body is not None:
            error_codes.add(413)  # past the route's body limit (server/api/limits.py)
        security: list[dict[str, list[str]]] | None = None
        if doc.error_content is None:
            if doc.body is not None or doc.raw_body is not None or doc.query is not None:
                error_codes |= {400, 422}
            if route.params:
                error_codes.add(404)
            if policy is not None and not (policy.public or policy.api_key):
                error_codes |= {401, 403}
                security = [{"bearer": []}]
        error_content = doc.error_content or _content(ErrorBody, seen)
        for code in sorted(error_codes):
            responses.setdefault(
                str(code), _with_headers({"description": "Error", "content": error_content}, code)
            )
        summary, _, description = (inspect.getdoc(handler) or route.name).partition("\n")
        tag = route.name.split(".")[1] if route.name.count(".") >= 2 else route.name.split(".")[0]
        for method in sorted(route.methods):
            if method in ("HEAD", "OPTIONS"):
                continue
            op: dict[str, Any] = {
                "operationId": f"{method.lower()}_{route.name.split('.', 1)[-1].replace('.', '_')}",
                "summary": summary.strip(),
                "tags": [tag],
                "responses": responses,
            }
            if description.strip():
                op["description"] = description.strip()
            op["parameters"] = params
            if security is not None:
                op["security"] = security
            if doc.body is not None:
                op["requestBody"] = {"required": True, "content": _content(doc.body, seen)}
            elif doc.raw_body is not None:
                op["requestBody"] = {"required": True, "content": doc.raw_body}
            paths.setdefault(path, {})[method.lower()] = op
    _, defs = models_json_schema(
        [(m, "serialization") for m in sorted(seen, key=lambda m: m.__name__)]
        + [(m, "validation") for m in sorted(seen, key=lambda m: m.__name__)],
        ref_template=REF,
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Linli 邻里 API",
            "version": "1",
            "description": "Resident reports with first-responder ownership, rota and visits.",
        },
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "headers": HEADERS,
            "parameters": {
                "RequestId": {
                    "name": "X-Request-ID",
                    "in": "header",
                    "required": False,
                    "description": "An id to trace this request by; echoed in the answer.",
                    "schema": {"type": "string", "pattern": REQUEST_ID_PATTERN},
                }
            },
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


@bp.get("/api/v1/openapi.json")
@public
@returns({"application/json": {"schema": {"type": "object"}}})
async def openapi_json(request: Request) -> HTTPResponse:
    """This API's OpenAPI 3.1 document."""
    spec = request.app.ctx.__dict__.get("openapi_spec")
    if spec is None:
        spec = build_spec(request.app)
        request.app.ctx.openapi_spec = spec
    return send(spec)
