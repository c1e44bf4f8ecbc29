"""Open311 GeoReport v2 under /open311/v2: discovery, services, service requests, tokens.

Reads are public; filing a request takes an ``api_key``. Every resource answers as JSON
or XML by its extension, exactly as the specification writes the documents.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sanic import Blueprint, Request

from schemas.open311 import (
    GeoReportCreated,
    GeoReportDiscovery,
    GeoReportRequest,
    GeoReportRequestForm,
    GeoReportRequestsQuery,
    GeoReportService,
    GeoReportServiceDefinition,
    GeoReportToken,
)
from server.api.georeport import georeport
from server.auth.access import open311_client, public
from server.domain.errors import NotFound
from server.domain.open311.formats import Format
from server.domain.open311.inbound import parse_filter, parse_new_request
from server.domain.open311.outbound import (
    created_document,
    discovery_document,
    request_document,
    token_document,
)
from server.domain.open311.services import definition, service_entry
from server.services import open311 as svc

bp = Blueprint("open311", url_prefix="/open311/v2")


def _base_url(request: Request) -> str:
    configured = request.app.ctx.settings.open311_base_url
    if configured:
        return str(configured).rstrip("/")
    return f"{request.scheme}://{request.host}/open311/v2"


@georeport(bp, "GET", "/discovery.{ext}", "discovery", GeoReportDiscovery)
@public
async def discovery(request: Request, fmt: Format) -> dict[str, object]:
    """Service discovery: where this GeoReport v2 endpoint is and what it speaks."""
    s = request.app.ctx.settings
    changeset: datetime = s.open311_changeset
    return discovery_document(
        url=_base_url(request),
        changeset=changeset,
        contact=s.open311_contact,
        key_service=s.open311_key_service,
        production=s.linli_env == "production",
        time_zone=s.time_zone,
    )


@georeport(bp, "GET", "/services.{ext}", "services", GeoReportService, many=True)
@public
async def service_list(request: Request, fmt: Format) -> list[dict[str, Any]]:
    """Every service (report category) that can be requested."""
    return [service_entry(s) for s in await svc.services()]


@georeport(
    bp,
    "GET",
    r"/services/<service_code:([^/]+)\.{ext}>",
    "service_definition",
    GeoReportServiceDefinition,
    errors=(404,),
)
@public
async def service_definition(request: Request, fmt: Format, service_code: str) -> dict[str, Any]:
    """A service's definition: the questions (attributes) a request of it answers."""
    return definition(await svc.service(service_code))


@georeport(
    bp,
    "POST",
    "/requests.{ext}",
    "service_requests",
    GeoReportCreated,
    many=True,
    status=201,
    errors=(400, 403, 404, 429),
    form=GeoReportRequestForm,
)
@open311_client
async def file_request(request: Request, fmt: Format) -> list[dict[str, Any]]:
    """File a service request: form-encoded, with an api_key.

    It becomes a report that enters the same lifecycle and gets an owner like any other.
    The submitter's name, e-mail, phone, device and account are kept for the owner's
    follow-up and never published."""
    new = parse_new_request(request.form or {})
    request_id, token, notice = await svc.file_request(request.ctx.principal, new)
    return [created_document(request_id, token, notice)]


@georeport(
    bp,
    "GET",
    "/requests.{ext}",
    "service_requests",
    GeoReportRequest,
    many=True,
    errors=(400,),
    query=GeoReportRequestsQuery,
)
@public
async def request_list(request: Request, fmt: Format) -> list[dict[str, Any]]:
    """Service requests, newest first, at most 1,000.

    By id (a comma-separated list, which overrides the other filters), or by service,
    status and a span of at most 90 days (the last 90 days by default)."""
    tz = request.app.ctx.settings.time_zone
    f = parse_filter(request.args, now=datetime.now(UTC), time_zone=tz)
    return [request_document(v, tz) for v in await svc.find(f)]


@georeport(
    bp,
    "GET",
    "/requests/<service_request_id:([^/]+)\\.{ext}>",
    "service_requests",
    GeoReportRequest,
    many=True,
    errors=(404,),
)
@public
async def request_one(
    request: Request, fmt: Format, service_request_id: str
) -> list[dict[str, Any]]:
    """One service request."""
    if not service_request_id.isdigit() or len(service_request_id) > 18:
        raise NotFound(f"service_request_id {service_request_id!r} is not known")
    view = await svc.one(int(service_request_id))
    return [request_document(view, request.app.ctx.settings.time_zone)]


@georeport(
    bp, "GET", "/tokens/<token:([^/]+)\\.{ext}>", "service_requests", GeoReportToken, many=True,
    errors=(404,),
)  # fmt: skip
@public
async def token(request: Request, fmt: Format, token: str) -> list[dict[str, Any]]:
    """The service request a token stands for."""
    return [token_document(token, await svc.request_id_for(token))]
