"""Reading what Open311 clients send: the form-encoded POST of a service request and the
filters of GET requests, with the specification's limits (4,000 characters, 90 days)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from server.domain.errors import Invalid

MAX_DESCRIPTION = 4000
MAX_ADDRESS = 200
MAX_MEDIA_URL = 1000
MAX_SPAN = timedelta(days=90)
MAX_ROWS = 1000
# The submitter's contact details: kept for the owner's follow-up, never published.
CONTACT_LIMITS = {
    "first_name": 50,
    "last_name": 50,
    "email": 254,
    "phone": 32,
    "device_id": 200,
    "account_id": 200,
}
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]{5,32}$")
_CODE = re.compile(r"^[A-Za-z0-9_\-.]{1,64}$")


@dataclass(frozen=True, slots=True)
class NewRequest:
    service_code: str
    jurisdiction_id: str | None = None
    lat: float | None = None
    long: float | None = None
    address_string: str | None = None
    address_id: int | None = None
    description: str = ""
    media_url: str | None = None
    attributes: dict[str, list[str]] = field(default_factory=dict)
    contact: dict[str, str] = field(default_factory=dict)


def _all(form: Mapping[str, Sequence[str]], key: str) -> Sequence[str]:
    # Indexing, not .get(): Sanic's parameters answer .get() with the first value only.
    return form[key] if key in form else ()  # noqa: SIM401


def _last(form: Mapping[str, Sequence[str]], key: str) -> str | None:
    values = _all(form, key)
    if not values:
        return None
    value = values[-1].strip()
    return value or None


def _coordinate(raw: str | None, name: str, limit: float) -> float | None:
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise Invalid(f"{name} must be a decimal number (WGS84)") from None
    if not math.isfinite(value) or abs(value) > limit:
        raise Invalid(f"{name} must be between -{limit:g} and {limit:g}")
    return value


def _media_url(raw: str | None) -> str | None:
    if raw is None:
        return None
    if len(raw) > MAX_MEDIA_URL:
        raise Invalid(f"media_url is longer than {MAX_MEDIA_URL} characters")
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Invalid("media_url must be an http or https URL")
    return raw


def _contact(form: Mapping[str, Sequence[str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, limit in CONTACT_LIMITS.items():
        value = _last(form, key)
        if value is None:
            continue
        if len(value) > limit:
            raise Invalid(f"{key} is longer than {limit} characters")
        if key == "email" and not _EMAIL.match(value):
            raise Invalid("email is not an email address")
        if key == "phone" and not _PHONE.match(value):
            raise Invalid("phone may hold only digits, spaces, +, -, ( and )")
        out[key] = value
    return out


def parse_new_request(form: Mapping[str, Sequence[str]]) -> NewRequest:
    """Check a POST requests body (api_key is checked by the access policy)."""
    code = _last(form, "service_code")
    if code is None:
        raise Invalid("service_code is required")
    lat = _coordinate(_last(form, "lat"), "lat", 90)
    lng = _coordinate(_last(form, "long"), "long", 180)
    if (lat is None) != (lng is None):
        raise Invalid("lat and long must be given together")
    address = _last(form, "address_string")
    if address is not None and len(address) > MAX_ADDRESS:
        raise Invalid(f"address_string is longer than {MAX_ADDRESS} characters")
    raw_id = _last(form, "address_id")
    address_id: int | None = None
    if raw_id is not None:
        if not raw_id.isdigit() or len(raw_id) > 12:
            raise Invalid("address_id must be a building id from our address register")
        address_id = int(raw_id)
    if lat is None and address is None and address_id is None:
        raise Invalid("a location is required: lat and long, address_string or address_id")
    description = _last(form, "description") or ""
    if len(description) > MAX_DESCRIPTION:
        raise Invalid(f"description is longer than {MAX_DESCRIPTION} characters")
    attributes: dict[str, list[str]] = {}
    for key, values in form.items():
        m = _ATTRIBUTE.match(key)
        if m is not None:
            attributes.setdefault(m.group(1), []).extend(values)
        elif key.startswith("attribute"):
            raise Invalid(f"{key!r} is not of the form attribute[code]")
    return NewRequest(
        service_code=code,
        jurisdiction_id=_last(form, "jurisdiction_id"),
        lat=lat,
        long=lng,
        address_string=address,
        address_id=address_id,
        description=description,
        media_url=_media_url(_last(form, "media_url")),
        attributes=attributes,
        contact=_contact(form),
    )


@dataclass(frozen=True, slots=True)
class RequestFilter:
    """What GET requests asks for. With ids, the other filters do not apply (the spec)."""

    ids: tuple[int, ...] = ()
    service_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    jurisdiction_id: str | None = None
    limit: int = MAX_ROWS


def _split(values: Sequence[str]) -> list[str]:
    return [p.strip() for v in values for p in v.split(",") if p.strip()]


def _when(raw: str, name: str, tz: ZoneInfo) -> datetime:
    text = raw.replace("Z", "+00:00")
    if "T" in text and text.count(" ") == 1:
        # An unescaped "+08:00" in a query string arrives as " 08:00".
        text = text.replace(" ", "+")
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(
            f"{name} must be an ISO 8601 date and time, e.g. 2026-11-01T00:00:00+08:00"
        ) from None
    # Far enough either side for any real request, and inside what the zone conversions and
    # the databases can hold (year 1 at +14:00 is no UTC time at all).
    if not 1900 <= at.year <= 2200:
        raise Invalid(f"{name} must lie in the years 1900 to 2200")
    # A time without an offset is read in the jurisdiction's own time zone.
    return at if at.tzinfo is not None else at.replace(tzinfo=tz)


def parse_filter(
    args: Mapping[str, Sequence[str]], *, now: datetime, time_zone: str
) -> RequestFilter:
    jurisdiction = _last(args, "jurisdiction_id")
    raw_ids = _split(_all(args, "service_request_id"))
    if raw_ids:
        if any(not r.isdigit() or len(r) > 18 for r in raw_ids):
            raise Invalid("service_request_id must be a comma-separated list of request ids")
        ids = tuple(dict.fromkeys(int(r) for r in raw_ids))
        if len(ids) > MAX_ROWS:
            raise Invalid(f"at most {MAX_ROWS} service_request_id values at once")
        return RequestFilter(ids=ids, jurisdiction_id=jurisdiction)
    codes = tuple(dict.fromkeys(_split(_all(args, "service_code"))))
    if any(not _CODE.match(c) for c in codes):
        raise Invalid("service_code is not a service code")
    statuses = tuple(dict.fromkeys(s.lower() for s in _split(_all(args, "status"))))
    if any(s not in ("open", "closed") for s in statuses):
        raise Invalid("status must be open or closed (comma-separated for both)")
    tz = ZoneInfo(time_zone)
    raw_start, raw_end = _last(args, "start_date"), _last(args, "end_date")
    start = _when(raw_start, "start_date", tz) if raw_start else None
    end = _when(raw_end, "end_date", tz) if raw_end else None
    if start is None and end is None:
        end, start = now, now - MAX_SPAN
    elif start is None:
        assert end is not None
        start = end - MAX_SPAN
    elif end is None:
        end = start + MAX_SPAN
    if end < start:
        raise Invalid("end_date is before start_date")
    if end - start > MAX_SPAN:
        raise Invalid("start_date and end_date may be at most 90 days apart")
    return RequestFilter(
        service_codes=codes,
        statuses=statuses,
        start=start,
        end=end,
        jurisdiction_id=jurisdiction,
    )
