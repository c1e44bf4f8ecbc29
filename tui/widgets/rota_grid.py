"""The rota as a table: one row per post and shift, one column per day of a week."""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual.widgets import DataTable

from schemas.rota_plan import GridStaff, RotaGrid

WEEKDAYS = "一二三四五六日"


def week_days(grid: RotaGrid, week: int) -> list[date]:
    """The days of the ``week``-th week of the rota (weeks start on the rota's first day)."""
    if not grid.days:
        return []
    start = grid.days[0] + timedelta(days=7 * week)
    wanted = {start + timedelta(days=i) for i in range(7)}
    return [d for d in grid.days if d in wanted]


def weeks_in(grid: RotaGrid) -> int:
    return max(1, (len(grid.days) + 6) // 7)


def names(staff: list[GridStaff], width: int) -> Text:
    t = Text()
    for i, s in enumerate(staff):
        if i:
            t.append("、")
        # A trainee works beside a certified colleague: that is how 全岗通 is learned.
        t.append(s.name, style="italic dim" if s.trainee else "")
        if s.trainee:
            t.append("*", style="dim")
    if not staff:
        t = Text("—", style="dim")
    t.truncate(width, overflow="ellipsis")
    return t


class RotaTable(DataTable[Text]):
    """Posts × shifts down, days across; the current day is marked in the header."""

    DEFAULT_CSS = """
    RotaTable { height: 1fr; }
    """

    def show(self, grid: RotaGrid, week: int, today: date) -> None:
        self.clear(columns=True)
        days = week_days(grid, week)
        width = self.size.width or 80
        label_w = 18 if width >= 110 else 14
        day_w = max(6, (width - label_w - 4 - 2 * len(days)) // max(1, len(days)))
        self.add_column("岗位 · 班次", width=label_w, key="slot")
        for d in days:
            wd = WEEKDAYS[d.weekday()]
            head = f"{d:%m-%d} {wd}" if day_w >= 8 else f"{wd} {d.day:02d}"
            style = "bold reverse" if d == today else "bold"
            self.add_column(Text(head, style=style), width=day_w, key=d.isoformat())
        cells = {(c.day, c.shift_id, c.post_id): c.staff for c in grid.cells}
        for post in grid.posts:
            for shift in grid.shifts:
                if not any((d, shift.id, post.id) in cells for d in days):
                    continue  # this post is closed for this shift all week
                label = Text(f"{post.name}·{shift.name}")
                label.truncate(label_w, overflow="ellipsis")
                row = [label]
                for d in days:
                    row.append(names(cells.get((d, shift.id, post.id), []), day_w))
                self.add_row(*row, key=f"{post.id}:{shift.id}")
