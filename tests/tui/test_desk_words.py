"""The terminal reads like a desk: department legs in Chinese with their result in the
结果 column, empty screens that say what to do next, and footers that show whole hints
only (Reject fits at 120 columns)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from schemas.reports import ReportStaff
from tests.tui import test_snapshots as steps
from tests.tui.canned import NOW, canned_app, detail, due_list
from tests.tui.pilot import settled, until
from tui.screens.board import BoardScreen
from tui.screens.visits import VisitsScreen
from tui.widgets.key_footer import KeyFooter
from tui.widgets.outcome import Outcome
from tui.widgets.report_table import Labels
from tui.widgets.report_view import report_body


def rendered(r: ReportStaff) -> str:
    console = Console(width=120, record=True)
    console.print(report_body(r, Labels(), "http://x", NOW.tzinfo, NOW))  # type: ignore[arg-type]
    return console.export_text()


def test_legs_show_status_in_chinese_and_the_departments_result() -> None:
    raw = detail(1)
    raw["legs"].append(
        {**raw["legs"][0], "id": 8, "department_id": 3, "department_name": "城管",
         "status": "reported", "result": "已拆除违建，现场恢复", "instructions": "依法拆除",
         "reported_at": raw["legs"][0]["accepted_at"]}
    )  # fmt: skip
    raw["legs"][0]["status"] = "pending"
    text = rendered(ReportStaff.model_validate(raw)).split("Dispatch legs")[1]
    text = text.split("Timeline")[0]
    assert "待部门受理" in text and "已反馈" in text
    assert "pending" not in text and "reported" not in text
    assert "已拆除违建，现场恢复" in text  # the result, in 结果
    assert "待反馈" in text  # a leg that has not reported back says so


async def test_an_empty_tab_says_where_the_work_is(tmp_path: Path) -> None:
    empty = {"items": [], "next_cursor": None, "counts": {"new": 0, "mine": 0, "overdue": 0,
             "department": 0, "all": 0}}  # fmt: skip
    app = canned_app(tmp_path, answers={("GET", "/api/v1/triage/queue"): empty})
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot, BoardScreen)
        outcome = app.screen.query_one(Outcome)
        await until(pilot, lambda: "Nothing new" in str(outcome.render()), "empty new tab")
        assert "press 2" in str(outcome.render())
        await pilot.press("2")
        await until(pilot, lambda: "press 1" in str(outcome.render()), "empty mine tab")


async def test_an_empty_round_says_when_the_next_household_is_due(tmp_path: Path) -> None:
    later = due_list()
    later["items"] = later["items"][-1:]

    def due(request: httpx.Request) -> dict[str, Any]:
        if request.url.params["within_days"] == "7":
            return {**later, "items": [], "overdue": 0, "due": 0}
        return later

    app = canned_app(tmp_path, answers={("GET", "/api/v1/visits/due"): due})
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot, BoardScreen)
        await pilot.press("f4")
        await settled(pilot, VisitsScreen)
        heading = app.screen.query_one("#visits-heading", Static)
        await until(pilot, lambda: "next due on" in str(heading.render()), "next due said")
        assert later["items"][0]["next_due"] in str(heading.render())


def footer_keys(pilot: Pilot[Any]) -> tuple[list[FooterKey], FooterKey]:
    footer = pilot.app.screen.query_one(KeyFooter)
    keys = list(footer.query(FooterKey))
    palette = next(k for k in keys if k.has_class("-command-palette"))
    return [k for k in keys if k is not palette], palette


@pytest.mark.parametrize("size", [(80, 24), (120, 36)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", ["board", "detail", "rota", "visits", "ops"])
async def test_footer_hints_are_whole(name: str, size: tuple[int, int], tmp_path: Path) -> None:
    app = canned_app(tmp_path)
    async with app.run_test(size=size) as pilot:
        await steps.SCREENS[name](pilot)
        await pilot.pause()
        keys, palette = footer_keys(pilot)
        assert keys
        for k in keys:
            assert k.region.right <= palette.region.x, (k.key, k.region, palette.region)
            assert k.region.width >= len(k.key_display) + 2
        shown = {k.key for k in keys}
        assert "f1" in shown  # the way to every other key
        if name == "detail" and size[0] == 120:
            assert "j" in shown  # Reject 退回
