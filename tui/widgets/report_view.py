"""A report in full for staff: header, description, place, photos, legs, meetings, timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from schemas.guides import HandledBy
from schemas.reports import ReportStaff, TimelineEvent
from tui.widgets.cells import (
    STATUS,
    countdown_text,
    leg_status_text,
    priority_text,
    status_text,
)
from tui.widgets.report_table import Labels

KIND = {
    "created": "报事 reported",
    "assigned": "分派 assigned",
    "passed_on": "转派 passed on",
    "claim": "认领 claimed",
    "accept": "受理 accepted",
    "dispatch": "派单 dispatched",
    "start": "处置 started",
    "wait": "待补充 waiting",
    "resume": "继续 resumed",
    "resolve": "办理 resolved",
    "close": "回访办结 closed",
    "confirm": "居民确认 confirmed",
    "not_fixed": "未解决 not fixed",
    "reopen": "重开 reopened",
    "reject": "退回 rejected",
    "merge": "合并 merged",
    "merged_in": "并入 merged in",
    "withdraw": "居民撤回 withdrawn",
    "recall": "撤回派单 recalled",
    "comment": "回复 reply",
    "note": "内部备注 note",
    "leg_accepted": "部门受理 leg accepted",
    "leg_reported": "部门反馈 leg reported",
    "leg_overdue": "部门超时 leg overdue",
    "summons": "约请 summons",
    "joint_meeting": "联席会议 joint meeting",
    "reclassified": "调整 changed",
    "escalated": "升级 escalated",
    "rated": "评价 rated",
}


RESIDENT = "居民 resident"


@dataclass(frozen=True, slots=True)
class PhotoRef:
    """One photo the server serves for this report, and whose it is."""

    sha: str
    source: str


def report_photos(r: ReportStaff) -> list[PhotoRef]:
    """The resident's photos, then each department's report-back photos: the order in
    which the detail numbers its links and the viewer steps through them."""
    out = [PhotoRef(sha, RESIDENT) for sha in r.photos]
    for leg in r.legs:
        out.extend(PhotoRef(sha, f"{leg.department_name} 反馈 report-back") for sha in leg.photos)
    return out


def photo_url(server: str, report_id: int, sha: str) -> str:
    return f"{server}/api/v1/reports/{report_id}/photos/{sha}"


def photo_links(r: ReportStaff, server: str) -> Text | None:
    photos = report_photos(r)
    if not photos:
        return None
    links = Text("照片 ")
    source = RESIDENT
    for i, p in enumerate(photos, 1):
        if p.source != source:
            links.append(f"· {p.source} ", style="dim")
            source = p.source
        links.append(f"[{i}]", style=f"underline link {photo_url(server, r.id, p.sha)}")
        links.append(" ")
    links.append("(i: view here)", style="dim")
    return links


def _when(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%m-%d %H:%M")


def timeline_table(events: list[TimelineEvent], zone: ZoneInfo) -> Table:
    t = Table.grid(padding=(0, 1), expand=True)
    t.add_column("when", no_wrap=True, style="dim")
    t.add_column("who", no_wrap=True, max_width=12)
    t.add_column("what", ratio=1)
    for e in events:
        what = Text(KIND.get(e.kind, e.kind), style="bold")
        if e.to_status:
            label = STATUS.get(e.to_status, (e.to_status, ""))[0]
            what.append(" → ").append_text(status_text(e.to_status) if label else Text(e.to_status))
        if not e.public:
            what.append(" [内部 internal]", style="magenta")
        if e.note:
            what.append("\n" + e.note, style="")
        if e.guide is not None:
            what.append(f"\n办事指南《{e.guide.title}》", style="underline cyan")
        t.add_row(_when(e.at, zone), Text(e.actor, overflow="ellipsis"), what)
    return t


BODY_KIND = {"property": "物业", "committee": "居委", "department": "部门"}


def handled_by_text(h: HandledBy) -> Text:
    """Who handles it, from the 责任清单 (or a staff correction), and the one-key dispatch."""
    out = Text("责任单位 ", style="bold")
    out.append(f"{h.name}（{BODY_KIND.get(h.kind, h.kind)}")
    out.append(f" {h.hotline}）" if h.hotline else "）")
    out.append(f" {h.reason}", style="dim")
    if h.corrected:
        out.append(" [已更正 corrected]", style="magenta")
    if h.dispatchable:
        out.append("  t: 直派 dispatch", style="green")
    return out


def report_header(r: ReportStaff, labels: Labels, now: datetime) -> Text:
    head = Text.assemble(
        (f"#{r.id} ", "bold"),
        (r.title, "bold"),
        "\n",
        status_text(r.status),
        "  ",
        priority_text(r.priority),
        f"  {labels.category(r.category)}  {labels.community(r.community_id)}",
        f"  负责人 {labels.owner(r.owner_id)}  ",
    )
    # Once resolved, what is left is the 回访 call-back, not the resolve deadline.
    if r.status == "resolved" and r.follow_up_due is not None:
        head.append_text(Text.assemble("回访 ", countdown_text(r.follow_up_due, now)))
    else:
        head.append_text(Text.assemble("时限 ", countdown_text(r.due_at, now, paused=r.paused)))
    if r.escalation_level:
        head.append(f"  升级 L{r.escalation_level}", style="bold red")
    return head


def report_body(
    r: ReportStaff, labels: Labels, server: str, zone: ZoneInfo, now: datetime
) -> RenderableType:
    parts: list[RenderableType] = [Text(r.description + "\n")]
    if r.location is not None:
        loc = r.location
        parts.append(
            Text(f"地点 {loc.address or '—'}  ({loc.lat:.5f}, {loc.lng:.5f})", style="cyan")
        )
    if r.handled_by is not None:
        parts.append(handled_by_text(r.handled_by))
    if (links := photo_links(r, server)) is not None:
        parts.append(links)
    if r.reject_reason:
        parts.append(Text(f"退回 referral: {r.reject_reason}", style="yellow"))
    if r.merged_into:
        parts.append(Text(f"合并到 merged into #{r.merged_into}", style="yellow"))
    if r.legs:
        legs = Table(title="派单 Dispatch legs", expand=True, title_justify="left", box=None)
        for col in ("部门", "状态", "时限", "派单要求", "结果"):
            legs.add_column(col, overflow="fold")
        for leg in r.legs:
            legs.add_row(
                leg.department_name,
                leg_status_text(leg.status),
                countdown_text(None if leg.reported_at else leg.due_at, now),
                Text(leg.instructions or "—", style="dim"),
                Text(leg.result) if leg.result else Text("待反馈", style="dim"),
            )
        parts.append(legs)
    for m in r.meetings:
        kind = "约请 summons" if m.kind == "summons" else "联席会议 joint meeting"
        parts.append(
            Text(f"{kind} {m.held_on}: {'、'.join(m.participants)} — {m.outcome}", style="yellow")
        )
    parts.append(Text("\n时间线 Timeline", style="bold underline"))
    parts.append(timeline_table(r.timeline, zone))
    return Group(*parts)
