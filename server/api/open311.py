"""Open311 GeoReport v2 under /open311/v2: discovery, services, service requests, tokens.

Reads are public; filing a request takes an ``api_key``. Every resource answers as JSON
or XML by its extension, exactly as the specification writes the documents.
"""

from __future__ import annotations

from datetime import datetime

from sanic import Blueprint, Request

from schemas.open311 import GeoReportDiscovery
from server.api.georeport import georeport
from server.auth.access import public
from server.domain.open311.formats import Format
from server.domain.open311.outbound import discovery_document

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
