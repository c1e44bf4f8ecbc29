"""How report fields look in a cell: countdowns coloured by urgency, ages, labels in 中文."""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.cells import cell_len
from rich.text import Text

PRIORITY = {
    "urgent": ("紧急", "bold white on red"),
    "high": ("高", "bold red"),
    "normal": ("中", ""),
    "low": ("低", "dim"),
}
STATUS = {
    "submitted": ("待受理", "bold yellow"),
    "accepted": ("已受理", "cyan"),
    "dispatched": ("已派单", "blue"),
    "in_progress": ("处置中", "cyan"),
    "waiting": ("待补充", "magenta"),
    "resolved": ("已办理", "green"),
    "closed": ("已办结", "dim green"),
    "rejected": ("已退回", "dim"),
    "merged": ("已合并", "dim"),
    "withdrawn": ("已撤回", "dim"),
    "reopened": ("重开", "bold yellow"),
}

# A department's leg of a report, in the words the street office uses.
LEG_STATUS = {
    "pending": ("待部门受理", "bold yellow"),
    "accepted": ("部门已受理", "cyan"),
    "working": ("部门处置中", "cyan"),
    "reported": ("已反馈", "green"),
    "recalled": ("已撤回", "dim"),
}


def leg_status_text(status: str) -> Text:
    label, style = LEG_STATUS.get(status, (status, ""))
    return Text(label, style=style)


def priority_text(priority: str) -> Text:
    label, style = PRIORITY.get(priority, (priority, ""))
    return Text(label, style=style)


def status_text(status: str) -> Text:
    label, style = STATUS.get(status, (status, ""))
    return Text(label, style=style)


def span(delta: timedelta) -> str:
    """A duration in at most two units: 45m, 3h05m, 2d4h."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rem = divmod(minutes, 24 * 60)
    hours, mins = divmod(rem, 60)
    if days:
        return f"{days}d{hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h{mins:02d}m"
    return f"{mins}m"


def countdown_text(due: datetime | None, now: datetime, *, paused: bool = False) -> Text:
    """Time left to the deadline; red once it is near or past, so the eye finds it first."""
    if due is None:
        return Text("—", style="dim")
    if paused:
        return Text("⏸ " + span(due - now), style="dim")
    left = due - now
    if left < timedelta(0):
        return Text("-" + span(left), style="bold white on dark_red")
    if left < timedelta(hours=1):
        return Text(span(left), style="bold red")
    if left < timedelta(hours=4):
        return Text(span(left), style="yellow")
    if left < timedelta(days=1):
        return Text(span(left))
    return Text(span(left), style="dim")


def age_text(created: datetime, now: datetime) -> Text:
    """How long ago, in one unit below a day so it fits a narrow column: 45m, 10h, 2d4h."""
    delta = now - created
    if timedelta(hours=1) <= delta < timedelta(days=1):
        return Text(f"{int(delta.total_seconds() // 3600)}h", style="dim")
    return Text(span(delta), style="dim")


def fit(text: str, cells: int) -> Text:
    """Cut to a width in terminal cells (a Chinese character takes two) and end with an
    ellipsis; never a half character and no stray padding before the ellipsis."""
    if cell_len(text) <= cells:
        return Text(text)
    out, used = [], 0
    for ch in text:
        w = cell_len(ch)
        if used + w > cells - 1:
            break
        out.append(ch)
        used += w
    return Text("".join(out) + "…")


def short_place(name: str) -> str:
    """愚园居委 → 愚园: the suffix is the same on every row and wastes a narrow column."""
    for suffix in ("居民委员会", "居委会", "居委", "社区", "村委会", "村委"):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name
