"""A need found on a visit becomes a report owned by the worker who found it (首问: the one
who found it owns it), linked to the visit and its household."""

from __future__ import annotations

from contextlib import suppress
from uuid import UUID

from tortoise.exceptions import IntegrityError

from schemas.reports import Location, ReportCreate
from schemas.visits import NeedReportCreate, NeedReportOut
from server.auth.principal import Principal
from server.auth.scope import get_scoped
from server.domain.errors import Forbidden, Invalid
from server.models.people import Role
from server.models.reports import Report
from server.models.visits import Visit, VisitReport
from server.services.audit import audit
from server.services.reports.create import create_report
from server.services.visits.log import VISIT_SCOPE


def _out(v: Visit, need: str, r: Report, created: bool) -> NeedReportOut:
    return NeedReportOut(
        visit_id=v.id,
        household_id=v.household_id,
        need=need,
        report_id=r.id,
        owner_id=r.owner_id,
        status=r.status.value,
        created=created,
    )


async def report_need(p: Principal, visit_id: UUID, data: NeedReportCreate) -> NeedReportOut:
    """Create (once per need) the report for a need found on a visit.

    The report is made by the reports service in its own transaction with a key derived
    from the visit and need, so a retry after a failure between that and the link below
    finds the same report instead of making a second one. The link is unique per visit
    and need, so a need has one report.
    """
    v = await get_scoped(Visit.all(), p, VISIT_SCOPE, id=visit_id)
    if v.worker_id != p.id and p.role not in (Role.secretary, Role.admin):
        raise Forbidden("only the visiting worker or the secretary may report a visit's needs")
    if data.need not in v.needs:
        raise Invalid(
            f"{data.need!r} is not among this visit's needs",
            code="unknown_need",
            details={"needs": v.needs},
        )
    link = await VisitReport.filter(visit_id=v.id, need=data.need).select_related("report").first()
    if link is not None:
        return _out(v, data.need, link.report, False)
    body = ReportCreate(
        category=data.category,
        description=data.description,
        title=data.title,
        community_id=v.community_id,
        priority=data.priority,
        location=Location(lat=v.latitude, lng=v.longitude)
        if v.latitude is not None and v.longitude is not None
        else None,
    )
    # Whoever files it, the owner is the worker who visited.
    made = await create_report(
        body,
        p,
        idempotency_key=f"visit:{v.id}:{data.need}",
        owner_id=v.worker_id,
        source="visit",
    )
    # A concurrent request for the same need may have linked it first.
    with suppress(IntegrityError):
        await VisitReport.create(
            visit_id=v.id, household_id=v.household_id, need=data.need, report_id=made.report.id
        )
    await audit(
        p,
        "visit.need_reported",
        "visit",
        v.id,
        {"need": data.need, "report_id": made.report.id, "owner_id": v.worker_id},
    )
    return _out(v, data.need, made.report, made.created)
