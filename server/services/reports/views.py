"""Turning report rows into the shapes each audience may see."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from schemas.guides import GuideLink
from schemas.reports import (
    LegOut,
    Location,
    MeetingOut,
    ReportPublic,
    ReportRow,
    ReportStaff,
    TimelineEvent,
)
from server.auth.principal import Principal
from server.domain.lifecycle import OPEN, Status, allowed_moves
from server.models.people import Department, Staff
from server.models.reports import DispatchLeg, LegStatus, Meeting, Report, ReportEvent
from server.services.guides import handlers
from server.services.reports import catalogue
from server.services.reports.access import relations
from server.services.reports.sla import current_time

ROLE_LABEL = {
    "worker": "社工",
    "secretary": "书记",
    "street_dispatcher": "街道派单员",
    "department_officer": "职能部门",
    "admin": "管理员",
}


def is_overdue(status: Any, due_at: datetime, paused_at: datetime | None, now: datetime) -> bool:
    return Status(status) in OPEN and paused_at is None and due_at < now


def _location(r: Report) -> Location | None:
    if r.lat is None or r.lng is None:
        return None
    return Location(lat=r.lat, lng=r.lng, address=r.address)


async def _staff_names(ids: set[int]) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    rows = await Staff.filter(id__in=ids).values("id", "display_name", "role")
    return {r["id"]: (r["display_name"], ROLE_LABEL.get(str(r["role"]), "")) for r in rows}


async def timeline(report: Report, viewer: Principal, *, public_only: bool) -> list[TimelineEvent]:
    qs = ReportEvent.filter(report_id=report.id).order_by("at", "id")
    if public_only:
        qs = qs.filter(public=True)
    events = await qs
    names = await _staff_names(
        {e.actor_id for e in events if e.actor_type == "staff" and e.actor_id}
    )
    out = []
    for e in events:
        if e.actor_type == "staff" and e.actor_id in names:
            name, label = names[e.actor_id]
            who = f"{label} {name}".strip()
        elif e.actor_type == "resident":
            # Residents never learn who else reported or commented.
            mine = viewer.is_resident and viewer.id == e.actor_id
            who = "我" if mine else "居民"
        else:
            who = "系统"
        out.append(
            TimelineEvent(
                id=e.id,
                at=e.at,
                kind=e.kind,
                from_status=e.from_status,
                to_status=e.to_status,
                note=e.note,
                public=e.public,
                actor=who,
                actor_id=None if public_only else e.actor_id,
                guide=_guide(e.data),
            )
        )
    return out


def _guide(data: Any) -> GuideLink | None:
    """The 办事指南 a reply linked to (its title as it was when sent)."""
    if isinstance(data, dict) and isinstance(data.get("guide_id"), int):
        return GuideLink(id=data["guide_id"], title=str(data.get("guide_title", "")))
    return None


async def public_view(
    report: Report,
    viewer: Principal,
    *,
    with_timeline: bool,
    owner_known: tuple[str, str] | None = None,
    handler: bool = False,
) -> ReportPublic:
    """``owner_known``: the owner's (display name, role) when the caller has them already;
    ``handler``: say who handles it (the 责任清单), as the report's own page does."""
    info = await catalogue.category_by_id(report.category_id)
    owner: tuple[str, str] | None
    if owner_known is not None and report.owner_id:
        owner = (owner_known[0], ROLE_LABEL.get(owner_known[1], ""))
    else:
        owner = (
            (await _staff_names({report.owner_id})).get(report.owner_id)
            if report.owner_id
            else None
        )
    return ReportPublic(
        id=report.id,
        category=info.code,
        category_name=info.name,
        title=report.title,
        description=report.description,
        status=report.status.value,
        community_id=report.community_id,
        owner_name=f"{owner[1]} {owner[0]}".strip() if owner else None,
        photos=report.photos,
        location=_location(report),
        created_at=report.created_at,
        updated_at=report.updated_at,
        resolve_due=report.resolve_due,
        merged_into=report.merged_into_id,
        reject_reason=report.reject_reason,
        rating=report.rating,
        is_mine=report.resident_id == viewer.id,
        timeline=await timeline(report, viewer, public_only=True) if with_timeline else [],
        # A report without its timeline is one just made: nobody has corrected it yet.
        handled_by=await handlers.handled_by(report, fresh=not with_timeline) if handler else None,
    )


OPEN_VALUES = frozenset(s.value for s in OPEN)


def row_dict(r: dict[str, Any], codes: dict[int, str], now: datetime) -> dict[str, Any]:
    """A queue row as a plain dict with exactly ``ReportRow``'s fields, for the hot path."""
    status, paused_at = r["status"], r["paused_at"]
    return {
        "id": r["id"],
        "community_id": r["community_id"],
        "category": codes.get(r["category_id"], "?"),
        "priority": r["priority"],
        "status": status,
        "title": r["title"],
        "owner_id": r["owner_id"],
        "resident_id": r["resident_id"],
        "created_at": r["created_at"],
        "due_at": r["due_at"],
        "overdue": status in OPEN_VALUES and paused_at is None and r["due_at"] < now,
        "paused": paused_at is not None,
        "escalation_level": r["escalation_level"],
    }


def row_view(r: dict[str, Any], codes: dict[int, str], now: datetime) -> ReportRow:
    return ReportRow(
        id=r["id"],
        community_id=r["community_id"],
        category=codes.get(r["category_id"], "?"),
        priority=r["priority"],
        status=r["status"],
        title=r["title"],
        owner_id=r["owner_id"],
        resident_id=r["resident_id"],
        created_at=r["created_at"],
        due_at=r["due_at"],
        overdue=is_overdue(r["status"], r["due_at"], r["paused_at"], now),
        paused=r["paused_at"] is not None,
        escalation_level=r["escalation_level"],
    )


async def staff_view(report: Report, viewer: Principal) -> ReportStaff:
    now = current_time()
    info = await catalogue.category_by_id(report.category_id)
    legs = await DispatchLeg.filter(report_id=report.id).order_by("id")
    depts = {
        d["id"]: d["name"]
        for d in await Department.filter(id__in=[x.department_id for x in legs]).values(
            "id", "name"
        )
    }
    meetings = await Meeting.filter(report_id=report.id).order_by("held_on", "id")
    return ReportStaff(
        id=report.id,
        community_id=report.community_id,
        category=info.code,
        priority=report.priority.value,
        status=report.status.value,
        title=report.title,
        owner_id=report.owner_id,
        resident_id=report.resident_id,
        created_at=report.created_at,
        due_at=report.due_at,
        overdue=is_overdue(report.status, report.due_at, report.paused_at, now),
        paused=report.paused_at is not None,
        escalation_level=report.escalation_level,
        description=report.description,
        photos=report.photos,
        location=_location(report),
        hide_name=report.hide_name,
        source=report.source,
        owner_since=report.owner_since,
        accepted_at=report.accepted_at,
        accept_due=report.accept_due,
        respond_due=report.respond_due,
        resolve_due=report.resolve_due,
        follow_up_due=report.follow_up_due,
        resolved_at=report.resolved_at,
        closed_at=report.closed_at,
        merged_into=report.merged_into_id,
        reject_reason=report.reject_reason,
        rating=report.rating,
        rating_comment=report.rating_comment,
        reopen_count=report.reopen_count,
        legs=[
            LegOut(
                id=x.id,
                department_id=x.department_id,
                department_name=depts.get(x.department_id, ""),
                status=x.status.value,
                instructions=x.instructions,
                due_at=x.due_at,
                overdue=x.status in (LegStatus.pending, LegStatus.accepted, LegStatus.working)
                and x.due_at < now,
                officer_id=x.officer_id,
                accepted_at=x.accepted_at,
                reported_at=x.reported_at,
                result=x.result,
                photos=x.photos,
            )
            for x in legs
        ],
        meetings=[
            MeetingOut(
                id=m.id,
                kind=m.kind,
                held_on=m.held_on,
                participants=m.participants,
                outcome=m.outcome,
                recorded_by_id=m.recorded_by_id,
                recorded_at=m.recorded_at,
            )
            for m in meetings
        ],
        timeline=await timeline(report, viewer, public_only=False),
        allowed_moves=allowed_moves(report.status, await relations(viewer, report)),
        handled_by=await handlers.handled_by(report),
    )


async def view_for(report: Report, viewer: Principal) -> ReportPublic | ReportStaff:
    if viewer.is_resident:
        return await public_view(report, viewer, with_timeline=True, handler=True)
    return await staff_view(report, viewer)
