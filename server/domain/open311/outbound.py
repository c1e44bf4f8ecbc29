"""How one of our reports reads as a GeoReport service request: open or closed with a
status note, who is responsible, and nothing that identifies the resident."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from server.domain.open311.formats import timestamp

CLOSED = frozenset({"resolved", "closed", "rejected", "merged", "withdrawn"})

# Published text is scrubbed of what identifies a person: mainland mobile numbers,
# resident identity card numbers, e-mail addresses and landlines.
_ID_CARD = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[- ]?\d{7,8}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def redact(text: str | None) -> str | None:
    if not text:
        return text
    text = _ID_CARD.sub(r"\1********\2", text)
    text = _MOBILE.sub(r"\1****\2", text)
    text = _LANDLINE.sub(r"\1-********", text)
    return _EMAIL.sub("***@***", text)


def open_or_closed(status: str) -> str:
    """Resolved counts as closed: the work is done and awaits only the resident's word."""
    return "closed" if status in CLOSED else "open"


@dataclass(frozen=True, slots=True)
class RequestView:
    """Everything a published request is made of, read by the service in one go."""

    id: int
    status: str
    service_code: str
    service_name: str
    description: str
    community_name: str
    departments: tuple[str, ...]  # departments the report is dispatched to right now
    note: str | None  # the latest public note on the current status
    merged_into: int | None
    reject_reason: str | None
    created_at: datetime
    updated_at: datetime
    expected_at: datetime | None
    address: str
    address_id: int | None
    lat: float | None
    long: float | None
    media_url: str | None
    service_notice: str | None = None


def status_notes(v: RequestView) -> str | None:
    if v.status == "merged":
        if v.merged_into:
            return f"重复事项，已并入 {v.merged_into} 号诉求一并办理。"
        return "重复事项。"
    if v.status == "rejected":
        return f"不属本社区受理范围：{v.reject_reason or v.note or '已告知办理渠道'}"
    if v.status == "waiting":
        return f"等待补充信息：{v.note}" if v.note else "等待补充信息。"
    if v.status == "dispatched" and v.departments:
        return f"已派至{'、'.join(v.departments)}处置。"
    if v.status == "resolved":
        return f"已处置，待回访确认：{v.note}" if v.note else "已处置，待回访确认。"
    if v.status == "closed":
        return f"已办结：{v.note}" if v.note else "已办结。"
    if v.status == "reopened":
        return f"已重新受理：{v.note}" if v.note else "已重新受理。"
    return {
        "submitted": "已收到，等待社区工作者受理。",
        "accepted": "社区工作者已受理。",
        "dispatched": "已派单处置。",
        "in_progress": "正在处置。",
    }.get(v.status)


def agency(v: RequestView) -> str:
    """The owning community, and the departments while the matter is with them."""
    if v.departments and v.status in ("dispatched", "in_progress"):
        return f"{v.community_name}（{'、'.join(v.departments)}）"
    return v.community_name


def request_document(v: RequestView, time_zone: str) -> dict[str, Any]:
    """One ``<request>`` of GET requests, fields in the specification's order."""
    return {
        "service_request_id": v.id,
        "status": open_or_closed(v.status),
        "status_notes": redact(status_notes(v)),
        "service_name": v.service_name,
        "service_code": v.service_code,
        "description": redact(v.description),
        "agency_responsible": agency(v),
        "service_notice": v.service_notice,
        "requested_datetime": timestamp(v.created_at, time_zone),
        "updated_datetime": timestamp(v.updated_at, time_zone),
        "expected_datetime": timestamp(v.expected_at, time_zone),
        "address": redact(v.address) or None,
        "address_id": v.address_id,
        "zipcode": None,
        "lat": v.lat,
        "long": v.long,
        "media_url": v.media_url,
    }


def created_document(request_id: int, token: str, service_notice: str | None) -> dict[str, Any]:
    """The answer to POST requests. The id is known at once; the token is given too so
    clients written for deferred systems can follow it. account_id is never echoed."""
    return {
        "service_request_id": request_id,
        "token": token,
        "service_notice": service_notice,
        "account_id": None,
    }


def token_document(token: str, request_id: int | None) -> dict[str, Any]:
    return {"service_request_id": request_id, "token": token}


SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


def discovery_document(
    *,
    url: str,
    changeset: datetime,
    contact: str,
    key_service: str,
    production: bool,
    time_zone: str,
) -> dict[str, Any]:
    when = timestamp(changeset, time_zone)
    return {
        "changeset": when,
        "contact": contact,
        "key_service": key_service,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": when,
                "type": "production" if production else "test",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
