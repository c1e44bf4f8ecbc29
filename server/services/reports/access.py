"""Which reports a caller may see, and how the caller relates to one report."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet

from server.auth.principal import Principal
from server.auth.scope import ScopeRules, get_scoped, scoped
from server.domain.errors import NotFound
from server.domain.lifecycle import Actor
from server.models.people import Role
from server.models.reports import DispatchLeg, LegStatus, Report, ReportFollower

# Residents see what they follow (their own reports and the ones those were merged into);
# officers see reports with a leg for their department.
REPORT_SCOPE = ScopeRules(
    community="community_id",
    street="street_id",
    department="legs__department_id",
    resident="followers__resident_id",
)


def visible(p: Principal) -> QuerySet[Report]:
    return scoped(Report.all(), p, REPORT_SCOPE)


async def get_visible(p: Principal, report_id: int) -> Report:
    return await get_scoped(Report.all(), p, REPORT_SCOPE, id=report_id)


async def visible_photo(p: Principal, report_id: int, sha: str) -> None:
    """Raise NotFound unless ``sha`` is a photo of a report ``p`` sees, or of one of its
    dispatch legs' report-backs."""
    report = await get_visible(p, report_id)
    if sha in report.photos:
        return
    for leg_photos in await DispatchLeg.filter(report_id=report.id).values_list(
        "photos", flat=True
    ):
        if sha in (leg_photos or []):  # type: ignore[operator]
            return
    raise NotFound("photo not found")


async def lock_visible(p: Principal, report_id: int, conn: BaseDBAsyncClient) -> Report:
    """The report, if in scope, with its row locked for the rest of the transaction."""
    await get_visible(p, report_id)
    report = await Report.filter(id=report_id).select_for_update().using_db(conn).first()
    if report is None:
        raise NotFound("report not found")
    return report


async def reported_what_merged_in(
    p: Principal, report: Report, conn: BaseDBAsyncClient | None = None
) -> bool:
    """Whether ``p`` reported a matter that was merged into ``report``: that resident's
    problem is this one now, so their word on the fix counts as the reporter's."""
    if not p.is_resident:
        return False
    qs = ReportFollower.filter(report_id=report.id, resident_id=p.id, via_report_id__isnull=False)
    return bool(await (qs.using_db(conn) if conn is not None else qs).exists())


async def relations(
    p: Principal, report: Report, conn: BaseDBAsyncClient | None = None
) -> frozenset[Actor]:
    out: set[Actor] = set()
    if p.is_resident:
        if report.resident_id == p.id:
            out.add(Actor.reporter)
        return frozenset(out)
    if report.owner_id == p.id:
        out.add(Actor.owner)
    if p.role == Role.admin:
        out.add(Actor.manager)
    elif p.role == Role.secretary and p.community_id == report.community_id:
        out |= {Actor.manager, Actor.colleague}
    elif p.role == Role.street_dispatcher and p.street_id == report.street_id:
        out.add(Actor.manager)
    elif p.role == Role.worker and p.community_id == report.community_id:
        out.add(Actor.colleague)
    elif p.role == Role.department_officer and p.department_id is not None:
        qs = DispatchLeg.filter(
            report_id=report.id, department_id=p.department_id, status__not=LegStatus.recalled
        )
        if conn is not None:
            qs = qs.using_db(conn)
        if await qs.exists():
            out.add(Actor.officer)
    return frozenset(out)
