"""Who handles a report: the 责任清单's suggestion for its category and place, staff
correcting a wrong one (counted per category), and dispatching to it in one step."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from tortoise.functions import Count
from tortoise.transactions import in_transaction

from schemas.guides import CorrectionCount, HandledBy
from server.auth.principal import Principal
from server.domain import responsibility as rules
from server.domain.errors import Conflict, Forbidden, Invalid
from server.models.geo import Building, Estate
from server.models.guides import (
    Responsibility,
    ResponsibilityCorrection,
    ResponsibleBody,
    StreetSegment,
)
from server.models.people import ResidentHousehold, Role
from server.models.reports import Category, Report
from server.services.audit import audit
from server.services.reports.access import get_visible
from server.services.reports.dispatch import NewLeg, dispatch
from server.services.reports.sla import in_db_zone

CORRECTORS = (Role.worker, Role.secretary, Role.street_dispatcher, Role.admin)


async def _home(report: Report) -> tuple[int, int] | None:
    if report.resident_id is None:
        return None
    found = (
        await ResidentHousehold.filter(
            resident_id=report.resident_id,
            verified_at__isnull=False,
            household__community_id=report.community_id,
        )
        .order_by("id")
        .values_list("household__building__estate_id", "household__building_id")
    )
    return (int(found[0][0]), int(found[0][1])) if len(found) == 1 else None  # type: ignore[arg-type]


async def place_of(report: Report, levels: set[int]) -> rules.Place:
    """Where the report is, as precisely as the list's lines for it need."""
    if levels <= {rules.LEVELS["community"]}:
        return rules.Place(report.community_id)
    estates: list[rules.EstateRef] = []
    buildings: list[rules.BuildingRef] = []
    segments: list[rules.SegmentRef] = []
    if levels & {rules.LEVELS["estate"], rules.LEVELS["building"]}:
        estates = [
            rules.EstateRef(i, n, a)
            for i, n, a in await Estate.filter(community_id=report.community_id).values_list(
                "id", "name", "address"
            )
        ]
    if rules.LEVELS["building"] in levels:
        buildings = [
            rules.BuildingRef(i, e, n)
            for i, e, n in await Building.filter(
                estate__community_id=report.community_id
            ).values_list("id", "estate_id", "name")
        ]
    if rules.LEVELS["segment"] in levels:
        segments = [
            rules.SegmentRef(i, r, f, t)
            for i, r, f, t in await StreetSegment.filter(street_id=report.street_id).values_list(
                "id", "road", "from_no", "to_no"
            )
        ]
    home = await _home(report) if estates else None
    return rules.locate(report.community_id, report.address, estates, buildings, segments, home)


_LINE = ("id", "place_key", "level", "reason", "body_id", "body__kind", "body__name",
         "body__hotline", "body__department_id")  # fmt: skip


async def suggestion(report: Report) -> tuple[int, HandledBy] | None:
    """The list's line for this report (its id) and what it says, or None when the list
    is silent. The lines come with their bodies in one query; the report's place is read
    only as precisely as those lines need."""
    rows = {
        r["id"]: r
        for r in await Responsibility.filter(
            street_id=report.street_id, category_id=report.category_id, body__active=True
        ).values(*_LINE)
    }
    if not rows:
        return None
    lines = [rules.Line(i, r["place_key"], r["level"], r["body_id"]) for i, r in rows.items()]
    place = await place_of(report, {line.level for line in lines})
    best = rules.most_specific(place, lines)
    if best is None:
        return None
    r = rows[best.id]
    return best.id, HandledBy(
        body_id=r["body_id"],
        kind=r["body__kind"],
        name=r["body__name"],
        hotline=r["body__hotline"],
        reason=r["reason"],
        place=r["place_key"].split(":")[0],
        dispatchable=r["body__department_id"] is not None,
        corrected=False,
    )


def _handled(body: ResponsibleBody, reason: str, place: str | None, corrected: bool) -> HandledBy:
    return HandledBy(
        body_id=body.id,
        kind=body.kind.value,
        name=body.name,
        hotline=body.hotline,
        reason=reason,
        place=place,  # type: ignore[arg-type]
        dispatchable=body.department_id is not None,
        corrected=corrected,
    )


async def handled_by(report: Report, *, fresh: bool = False) -> HandledBy | None:
    """What the resident reads: the staff's correction if any, else the list's line.
    ``fresh``: the report was made just now, so nobody can have corrected it yet."""
    if not fresh:
        fix = (
            await ResponsibilityCorrection.filter(report_id=report.id)
            .order_by("-at", "-id")
            .select_related("body")
            .first()
        )
        if fix is not None:
            return _handled(fix.body, fix.note or "工作人员已确认由该单位处理", None, True)
    found = await suggestion(report)
    return found[1] if found is not None else None


async def correct(
    report_id: int, body_id: int, note: str, p: Principal, now: datetime | None = None
) -> HandledBy:
    """Staff say which body really handles this report; the wrong suggestion is counted."""
    if not p.is_staff or p.role not in CORRECTORS:
        raise Forbidden("only community or street staff correct the list")
    now = in_db_zone(now)
    report = await get_visible(p, report_id)
    new = await ResponsibleBody.get_or_none(id=body_id, street_id=report.street_id, active=True)
    if new is None:
        raise Invalid("unknown body for this street", code="unknown_body")
    current = await handled_by(report)
    if current is not None and current.body_id == new.id:
        raise Conflict("that body is already the one shown", code="same_body")
    found = await suggestion(report)
    async with in_transaction() as conn:
        row = await ResponsibilityCorrection.create(
            report_id=report.id,
            category_id=report.category_id,
            street_id=report.street_id,
            rule_id=found[0] if found else None,
            suggested_body_id=current.body_id if current else None,
            body_id=new.id,
            staff_id=p.id,
            note=note,
            at=now,
            using_db=conn,
        )
        await audit(
            p,
            "responsibility.corrected",
            "report",
            report.id,
            {"from": row.suggested_body_id, "to": new.id, "rule": row.rule_id},
            using_db=conn,
        )
    return _handled(new, note or "工作人员已确认由该单位处理", None, True)


async def correction_counts(
    p: Principal, street_id: int | None, since: date | None
) -> list[CorrectionCount]:
    """Corrections per category (most first): where the list needs fixing."""
    if p.role == Role.street_dispatcher:
        street_id = p.street_id
    elif p.role != Role.admin:
        raise Forbidden("street dispatchers and admins read the corrections")
    qs = ResponsibilityCorrection.all()
    if street_id is not None:
        qs = qs.filter(street_id=street_id)
    if since is not None:
        start = datetime(since.year, since.month, since.day, tzinfo=ZoneInfo("Asia/Shanghai"))
        qs = qs.filter(at__gte=start)
    rows = await qs.group_by("category_id").annotate(n=Count("id")).values("category_id", "n")
    reports = {
        r["category_id"]: r["n"]
        for r in await qs.group_by("category_id")
        .annotate(n=Count("report_id", distinct=True))
        .values("category_id", "n")
    }
    names = {c.id: (c.code, c.name) for c in await Category.all()}
    out = [
        CorrectionCount(
            category=names[r["category_id"]][0],
            category_name=names[r["category_id"]][1],
            corrections=r["n"],
            reports=reports.get(r["category_id"], 0),
        )
        for r in rows
    ]
    return sorted(out, key=lambda c: (-c.corrections, c.category))


async def dispatch_to_handler(
    report_id: int, p: Principal, due_hours: float, instructions: str
) -> HandledBy:
    """The owner's one key: a dispatch leg to the body the list (or a correction) names."""
    report = await get_visible(p, report_id)
    h = await handled_by(report)
    if h is None:
        raise Conflict("the list names no body for this report", code="no_handler")
    body = await ResponsibleBody.get(id=h.body_id)
    if body.department_id is None:
        raise Conflict(
            f"{body.name} takes no dispatch here: handle it, or call {body.hotline or 'them'}",
            code="not_dispatchable",
            details={"body_id": body.id, "hotline": body.hotline},
        )
    text = instructions or f"责任单位：{body.name}。{h.reason}"
    leg = NewLeg(body.department_id, due_hours, text)
    await dispatch(report_id, p, [leg], note=f"按责任清单派给{body.name}")
    return h
