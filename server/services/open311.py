"""Open311 use cases: the catalogue as GeoReport services, filing a request as a report
(same lifecycle, same first-responder ownership) and reading requests back."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from tortoise import timezone
from tortoise.transactions import in_transaction

from schemas.open311 import Open311Submission, SubmitterContact
from schemas.reports import Location, PriorityName, ReportCreate
from server.auth.principal import Principal
from server.auth.scope import ScopeRules, get_scoped
from server.domain.errors import Forbidden, Invalid, NotFound
from server.domain.open311.inbound import NewRequest, RequestFilter
from server.domain.open311.outbound import CLOSED, RequestView, redact
from server.domain.open311.services import Answers, Service, check_answers, service_of
from server.models.geo import Building, Community
from server.models.open311 import ServiceRequest
from server.models.reports import DispatchLeg, LegStatus, Report, ReportEvent
from server.services.audit import audit
from server.services.reports import catalogue, create_report

log = logging.getLogger("linli.open311")
ACTIVE_LEGS = (LegStatus.pending, LegStatus.accepted, LegStatus.working)
OPEN_STATUSES = ("submitted", "accepted", "dispatched", "in_progress", "waiting", "reopened")


async def services() -> list[Service]:
    return [service_of(c.code, c.name, c.urgent) for c in (await catalogue.catalogue()).values()]


async def service(code: str, *, missing: type[Invalid | NotFound] = NotFound) -> Service:
    """The service of this code; a filing for an unknown one is a bad request (400), a
    definition asked for is a missing resource (404)."""
    info = (await catalogue.catalogue()).get(code)
    if info is None:
        raise missing(f"service_code {code!r} is not a service of this endpoint")
    return service_of(info.code, info.name, info.urgent)


def _hours(minutes: int) -> str:
    return f"{minutes} 分钟" if minutes < 120 else f"{minutes / 60:g} 小时"


async def service_notice(code: str, priority: str) -> str | None:
    info = (await catalogue.catalogue()).get(code)
    if info is None:
        return None
    accept, _, resolve = catalogue.budget(info, priority)
    return f"社区将在 {_hours(accept)}内受理，{_hours(resolve)}内办结（按工作时间计）。"


async def _community(client: Principal, new: NewRequest) -> tuple[Community, str]:
    """Where the request belongs, and the address to record for it."""
    found: Community | None = None
    address = new.address_string or ""
    if new.address_id is not None:
        building = await Building.get_or_none(id=new.address_id).prefetch_related("estate")
        if building is None:
            raise Invalid(f"address_id {new.address_id} is not a building in our register")
        found = await Community.get(id=building.estate.community_id)
        address = address or f"{building.estate.name}{building.name}"
    if new.jurisdiction_id is not None:
        named = await Community.get_or_none(code=new.jurisdiction_id)
        if named is None:
            raise Invalid(f"jurisdiction_id {new.jurisdiction_id!r} is not one of our communities")
        if found is not None and found.id != named.id:
            raise Invalid("address_id lies outside the community named by jurisdiction_id")
        found = named
    if client.community_id is not None:
        if found is not None and found.id != client.community_id:
            raise Forbidden("this api_key files requests for one community only")
        found = found or await Community.get(id=client.community_id)
    if found is None:
        codes = sorted(await Community.all().values_list("code", flat=True))  # type: ignore[arg-type]
        if len(codes) != 1:
            raise Invalid(f"name the community: jurisdiction_id is one of {codes}")
        found = await Community.get(code=codes[0])
    return found, address


def _description(new: NewRequest, s: Service, answers: Answers) -> str:
    parts = [new.description.strip() or s.name, *answers.lines]
    if new.media_url:
        parts.append(f"图片：{new.media_url}")
    return "\n".join(parts)


async def file_request(client: Principal, new: NewRequest) -> tuple[int, str, str | None]:
    """File a request as a report; answers its id, its token and the service notice."""
    s = await service(new.service_code, missing=Invalid)
    answers = check_answers(s, new.attributes)
    community, address = await _community(client, new)
    priority: PriorityName | None = "urgent" if answers.urgent else None
    location = None
    if new.lat is not None or address:
        # Lat/long may be absent when only an address was given; the report keeps both.
        location = Location.model_construct(
            lat=new.lat,  # type: ignore[arg-type]
            lng=new.long,  # type: ignore[arg-type]
            address=address[:200],
        )
    # Built without validation: GeoReport allows 4,000 characters of description (checked
    # in parse_new_request), more than our own app's form takes.
    body = ReportCreate.model_construct(
        category=s.code,
        description=_description(new, s, answers),
        title=answers.title,
        photos=[],
        location=location,
        community_id=community.id,
        hide_name=True,
        priority=priority,
    )
    token = secrets.token_urlsafe(18)
    async with in_transaction() as conn:
        created = await create_report(body, client, source="open311")
        await ServiceRequest.create(
            report_id=created.report.id,
            api_key_id=client.id,
            token=token,
            media_url=new.media_url,
            address_id=new.address_id,
            attributes=answers.raw,
            contact=new.contact,
            created_at=created.report.created_at,
            using_db=conn,
        )
    report = created.report
    return report.id, token, await service_notice(s.code, report.priority.value)


async def request_id_for(token: str) -> int:
    row = await ServiceRequest.get_or_none(token=token) if len(token) <= 40 else None
    if row is None:
        raise NotFound(f"token {token!r} is not known")
    return row.report_id


async def find(f: RequestFilter) -> list[RequestView]:
    qs = Report.all()
    if f.jurisdiction_id is not None:
        community = await Community.get_or_none(code=f.jurisdiction_id)
        if community is None:
            raise Invalid(f"jurisdiction_id {f.jurisdiction_id!r} is not one of our communities")
        qs = qs.filter(community_id=community.id)
    if f.ids:
        qs = qs.filter(id__in=f.ids)
    else:
        assert f.start is not None and f.end is not None
        # Stored times compare as text on SQLite: compare in the database's own zone.
        qs = qs.filter(
            created_at__gte=timezone.localtime(f.start), created_at__lte=timezone.localtime(f.end)
        )
        if f.service_codes:
            qs = qs.filter(category__code__in=f.service_codes)
        if f.statuses and set(f.statuses) != {"open", "closed"}:
            wanted = OPEN_STATUSES if f.statuses == ("open",) else tuple(CLOSED)
            qs = qs.filter(status__in=wanted)
    rows = await qs.order_by("-created_at", "-id").limit(f.limit).values(*FIELDS)
    return await views(rows)


async def one(request_id: int) -> RequestView:
    rows = await Report.filter(id=request_id).values(*FIELDS)
    if not rows:
        raise NotFound(f"service_request_id {request_id} is not known")
    return (await views(rows))[0]


def _coarse(degrees: float | None) -> float | None:
    return None if degrees is None else round(degrees, 3)


# Only what is published is read: a page is 1,000 rows, and whole models cost 4x more.
FIELDS = (
    "id", "status", "category_id", "community_id", "description", "merged_into_id",
    "reject_reason", "created_at", "updated_at", "resolve_due", "address", "lat", "lng",
    "resident_id",
)  # fmt: skip


async def views(rows: list[dict[str, Any]]) -> list[RequestView]:
    """The published view of each report, read in a fixed number of queries."""
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    cats = {c.id: c for c in (await catalogue.catalogue()).values()}
    communities = dict(
        await Community.filter(id__in={r["community_id"] for r in rows}).values_list("id", "name")
    )
    departments: dict[int, list[str]] = {}
    for leg in (
        await DispatchLeg.filter(report_id__in=ids, status__in=ACTIVE_LEGS)
        .order_by("id")
        .values("report_id", "department__name")
    ):
        departments.setdefault(leg["report_id"], []).append(leg["department__name"])
    notes: dict[int, dict[str, str]] = {}
    for e in await ReportEvent.filter(report_id__in=ids, public=True, to_status__isnull=False)\
            .order_by("at", "id").values("report_id", "to_status", "note"):  # fmt: skip
        # Later events overwrite earlier ones: each status keeps its latest public note.
        notes.setdefault(e["report_id"], {})[e["to_status"]] = e["note"]
    extras = {
        x["report_id"]: x
        for x in await ServiceRequest.filter(report_id__in=ids).values(
            "report_id", "media_url", "address_id"
        )
    }
    out = []
    for r in rows:
        info = cats.get(r["category_id"]) or await catalogue.category_by_id(r["category_id"])
        extra = extras.get(r["id"], {})
        status = str(r["status"])
        # A resident's own report places their home: publish the neighbourhood (about
        # 100 m), not the door. Requests filed in the open (Open311, staff) keep theirs.
        private = r["resident_id"] is not None
        out.append(
            RequestView(
                id=r["id"],
                status=status,
                service_code=info.code,
                service_name=info.name,
                description=r["description"],
                community_name=communities.get(r["community_id"], ""),
                departments=tuple(departments.get(r["id"], ())),
                note=notes.get(r["id"], {}).get(status) or None,
                merged_into=r["merged_into_id"],
                reject_reason=redact(r["reject_reason"]),
                created_at=r["created_at"],
                updated_at=r["updated_at"],
                expected_at=None if status in CLOSED else r["resolve_due"],
                address="" if private else r["address"],
                address_id=extra.get("address_id"),
                lat=_coarse(r["lat"]) if private else r["lat"],
                long=_coarse(r["lng"]) if private else r["lng"],
                media_url=extra.get("media_url"),
            )
        )
    return out


SUBMISSION_SCOPE = ScopeRules(community="report__community_id", street="report__street_id")


async def submission(p: Principal, report_id: int) -> Open311Submission:
    """The Open311 record of a report in the caller's scope. Reading a submitter's contact
    is recorded, as every look at personal data is."""
    row = await get_scoped(
        ServiceRequest.all().select_related("api_key"), p, SUBMISSION_SCOPE, report_id=report_id
    )
    await audit(p, "open311_contact.viewed", "report", report_id)
    return Open311Submission(
        report_id=row.report_id,
        api_key_id=row.api_key_id,
        client=row.api_key.name,
        token=row.token,
        media_url=row.media_url,
        address_id=row.address_id,
        attributes=row.attributes,
        contact=SubmitterContact(**row.contact),
        created_at=row.created_at,
    )
