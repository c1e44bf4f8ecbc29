"""The terminal stays live: new reports appear without a refresh, and a lost server is
reported, retried with backoff, and picked up again when it returns."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.broker import Broker
from server.config import Settings
from tests.support.factories import PASSWORD, make_world
from tests.tui.conftest import LiveServer, start_server, stop_server
from tests.tui.pilot import settled, sign_in, until
from tui.app import LinliApp
from tui.client import Backoff, LinliClient, TokenStore
from tui.widgets.status_bar import StatusBar

pytest.importorskip("server.api.live", reason="the live feed is not merged yet")


def link_of(app: LinliApp) -> str:
    return app.screen.query_one(StatusBar).link


async def test_new_report_appears_on_the_board_without_a_refresh(
    live_server: LiveServer, token_file: Path
) -> None:
    pytest.importorskip("server.services.reports", reason="the reports API is not merged yet")
    from tests.tui.test_triage import resident_report
    from tui.screens.board import BoardScreen
    from tui.widgets.report_table import ReportTable

    worker = live_server.world.staff["worker"]
    app = LinliApp(LinliClient(live_server.url, TokenStore(token_file)))
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, worker.username, PASSWORD)
        await settled(pilot, BoardScreen)
        await until(pilot, lambda: link_of(app) == "live", "live feed connected")
        table = app.screen.query_one(ReportTable)
        assert table.reports == {}

        made = await resident_report(live_server, "电梯停在6楼不动了")
        await live_server.relay_once()
        await until(pilot, lambda: made["id"] in table.reports, "row arrived live")
        assert made["id"] in table.lit  # highlighted as new
        assert table.order[0] == made["id"]

        # Someone else moves it: the row changes in place, without a refresh.
        from server.domain.lifecycle import Move
        from server.models.reports import Report
        from server.services import reports as svc
        from server.services.auth import staff_principal

        row = await Report.get(id=made["id"])
        owner = live_server.world.staff["worker2"]
        if row.owner_id != owner.id:  # off hours it may still wait for an owner
            secretary = staff_principal(live_server.world.staff["secretary"])
            await svc.reassign(row.id, owner.id, secretary, note="交给王芳")
        # On the All tab the row stays and shows its new status.
        await pilot.press("5")
        await until(pilot, lambda: made["id"] in table.reports, "row listed on All")
        assert table.reports[made["id"]].status == "submitted"
        await svc.transition(row.id, staff_principal(owner), Move.accept)
        await live_server.relay_once()
        await until(
            pilot, lambda: table.reports[made["id"]].status == "accepted", "row changed live"
        )
        await svc.transition(row.id, staff_principal(owner), Move.start)
        await live_server.relay_once()
        await until(
            pilot, lambda: table.reports[made["id"]].status == "in_progress", "row changed live"
        )


async def test_lost_server_is_shown_and_the_feed_comes_back(
    settings: Settings, db: None, broker: Broker, token_file: Path
) -> None:
    world = await make_world()
    app_srv, server, port = await start_server(settings, broker)
    url = f"http://127.0.0.1:{port}"
    client = LinliClient(url, TokenStore(token_file))
    await client.login(world.staff["worker"].username, PASSWORD)
    app = LinliApp(client)
    app.reconnect_backoff = Backoff(initial=0.05, cap=0.2)
    app.live_backoff = Backoff(initial=0.05, cap=0.2)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.me is not None, "session resumed")
            await until(pilot, lambda: link_of(app) == "live", "live")

            await stop_server(app_srv, server)
            await until(pilot, lambda: link_of(app) == "down", "shown as down", tries=400)
            assert "retrying" in app.screen.query_one(StatusBar).detail

            app_srv, server, _ = await start_server(settings, broker, port=port)
            await until(pilot, lambda: link_of(app) == "live", "live again", tries=600)
    finally:
        await stop_server(app_srv, server)
