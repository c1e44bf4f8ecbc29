"""The terminal's 办事指南 and 责任清单: search guides in Chinese, see who handles a
report, dispatch to it in one key, and link a guide to a reply."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Select

from server.domain.responsibility import place_key
from server.models.guides import (
    BodyKind,
    Responsibility,
    ResponsibilityCorrection,
    ResponsibleBody,
)
from server.models.reports import Category, DispatchLeg
from server.services.guides.demo import seed_guides
from tests.support.factories import PASSWORD
from tests.tui.conftest import LiveServer
from tests.tui.pilot import open_from_board, sign_in, type_text, until
from tests.tui.test_triage import detail, outcome_text, resident_report, write_note
from tui.app import LinliApp
from tui.client import LinliClient, TokenStore
from tui.screens.board import BoardScreen
from tui.screens.guides import GuidePicker, GuidesScreen, HandlerForm
from tui.widgets.report_view import handled_by_text


def shown(screen: GuidesScreen) -> str:
    g = screen.shown
    return "" if g is None else f"{g.title}\n{g.materials}"


async def test_search_guides_from_the_desk(live_server: LiveServer, token_file: Path) -> None:
    await seed_guides()
    worker = live_server.world.staff["worker"]
    app = LinliApp(LinliClient(live_server.url, TokenStore(token_file)), live=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, worker.username, PASSWORD)
        await until(pilot, lambda: isinstance(app.screen, BoardScreen), "board")
        await pilot.press("f8")
        await until(pilot, lambda: isinstance(app.screen, GuidesScreen), "guides screen")
        screen = app.screen
        assert isinstance(screen, GuidesScreen)
        await until(pilot, lambda: len(screen.hits) > 20, "the guides listed")
        screen.query_one("#guide-q", Input).focus()
        await type_text(pilot, "居住证 材料")
        await pilot.press("enter")
        await until(pilot, lambda: screen.hits[0].title == "上海市居住证首次申领", "ranked hits")
        await until(pilot, lambda: "合法稳定居所证明" in shown(screen), "guide shown")
        assert "居住证" in outcome_text(app)
        # Moving down the results shows the next guide.
        table = screen.query_one("#guide-hits", DataTable)
        table.focus()
        second = screen.hits[1].title
        await pilot.press("down")
        await until(pilot, lambda: second in shown(screen), "second guide")
        # A query with nothing to search for: the server's words, not a crash.
        screen.query_one("#guide-q", Input).value = "的"
        screen.query_one("#guide-q", Input).focus()
        await pilot.press("enter")
        await until(pilot, lambda: "type what you are looking for" in outcome_text(app), "422")


async def test_handler_dispatch_and_guide_reply_from_the_detail(
    live_server: LiveServer, token_file: Path
) -> None:
    await seed_guides()
    world = live_server.world
    c0 = world.communities[0]
    wuye = await ResponsibleBody.create(
        street_id=world.street.id, kind=BodyKind.property, name="华发物业",
        hotline="021-62830001", department=world.departments["wuye"],
    )  # fmt: skip
    committee = await ResponsibleBody.create(
        street_id=world.street.id, kind=BodyKind.committee, name=c0.name, community=c0
    )
    sanitation = await Category.get(code="sanitation")
    await Responsibility.create(
        street_id=world.street.id, category=sanitation, place_key=place_key("community", c0.id),
        level=4, community=c0, body=wuye, reason="小区保洁由物业负责",
    )  # fmt: skip
    made = await resident_report(live_server, "想给楼里装电梯，垃圾也没人清")
    assert made["handled_by"]["name"] == "华发物业"
    rid = made["id"]
    worker = world.staff["worker"]
    app = LinliApp(LinliClient(live_server.url, TokenStore(token_file)), live=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, worker.username, PASSWORD)
        await until(pilot, lambda: isinstance(app.screen, BoardScreen), "board")
        await open_from_board(pilot, app, rid, "1")
        handled = detail(app).report.handled_by  # type: ignore[union-attr]
        assert handled is not None
        assert handled_by_text(handled).plain.startswith("责任单位 华发物业（物业 021-62830001）")
        await pilot.press("a")
        await until(pilot, lambda: detail(app).report.status == "accepted", "accepted")  # type: ignore[union-attr]
        await pilot.press("t")
        await until(pilot, lambda: detail(app).report.status == "dispatched", "dispatched")  # type: ignore[union-attr]
        assert "华发物业" in outcome_text(app)
        leg = await DispatchLeg.get(report_id=rid)
        assert leg.department_id == world.departments["wuye"].id

        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, GuidePicker), "guide picker")
        picker = app.screen
        assert isinstance(picker, GuidePicker)
        picker.query_one("#guide-q", Input).value = "加装电梯 补贴"
        picker.query_one("#guide-q", Input).focus()
        await pilot.press("enter")
        await until(pilot, lambda: bool(picker.hits), "hits in the picker")
        await pilot.press("enter")
        await write_note(pilot, app, "居委会可以帮助组织业主表决。")
        await until(
            pilot,
            lambda: any(e.guide for e in detail(app).report.timeline),  # type: ignore[union-attr]
            "reply with a guide",
        )
        linked = [e.guide for e in detail(app).report.timeline if e.guide]  # type: ignore[union-attr]
        assert linked[0] is not None and "加装电梯" in linked[0].title

        # The list was wrong: the worker says the 居委 handles it, and it is counted.
        await pilot.press("T")
        await until(pilot, lambda: isinstance(app.screen, HandlerForm), "handler form")
        app.screen.query_one("#body", Select).value = committee.id
        await pilot.press("ctrl+s")
        await until(
            pilot,
            lambda: getattr(detail(app).report.handled_by, "corrected", False),  # type: ignore[union-attr]
            "corrected",
        )
        assert detail(app).report.handled_by.name == c0.name  # type: ignore[union-attr]
        assert await ResponsibilityCorrection.filter(report_id=rid).count() == 1
