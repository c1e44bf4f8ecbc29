"""Resolving while a department still holds a leg: the terminal says which, the leg is
recalled with `x`, and after resolving the header counts down to the 回访 call-back."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("server.services.reports", reason="the reports API is not merged yet")

from textual.widgets import Select, Static, TextArea  # noqa: E402

from tests.support.factories import PASSWORD  # noqa: E402
from tests.tui.conftest import LiveServer  # noqa: E402
from tests.tui.pilot import open_from_board, sign_in, type_text, until  # noqa: E402
from tests.tui.test_triage import detail, outcome_text, resident_report, write_note  # noqa: E402
from tui.app import LinliApp  # noqa: E402
from tui.client import LinliClient, TokenStore  # noqa: E402
from tui.screens.board import BoardScreen  # noqa: E402
from tui.screens.handoff_forms import DispatchForm, RecallForm  # noqa: E402


def header(app: LinliApp) -> str:
    return str(app.screen.query_one("#detail-header", Static).render())


async def test_resolve_with_a_pending_leg_then_recall_then_follow_up_header(
    live_server: LiveServer, token_file: Path
) -> None:
    world = live_server.world
    rid = (await resident_report(live_server, "小区门口的树枝折断挡路"))["id"]
    worker = world.staff["worker"]
    app = LinliApp(LinliClient(live_server.url, TokenStore(token_file)), live=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, worker.username, PASSWORD)
        await until(pilot, lambda: isinstance(app.screen, BoardScreen), "board")
        await open_from_board(pilot, app, rid, "1")
        await pilot.press("a")
        await until(pilot, lambda: detail(app).report.status == "accepted", "accepted")  # type: ignore[union-attr]
        assert not detail(app).check_action("recall", ())  # nothing to recall yet

        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DispatchForm), "dispatch form")
        app.screen.query_one("#dept-0", Select).value = world.departments["chengguan"].id
        app.screen.query_one("#hours-0").focus()
        await type_text(pilot, "8")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: detail(app).report.status == "dispatched", "dispatched")  # type: ignore[union-attr]

        # Resolving now is refused, naming the department that still holds the leg.
        await pilot.press("v")
        await write_note(pilot, app, "已处理")
        await until(pilot, lambda: "✕" in outcome_text(app), "refusal shown")
        text = outcome_text(app)
        assert "城管" in text and "pending" in text and "x recalls" in text
        assert detail(app).report.status == "dispatched"  # type: ignore[union-attr]

        # x recalls the leg (sent to the wrong force): back in the owner's hands.
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, RecallForm), "recall form")
        app.screen.query_one("#reason", TextArea).insert("应由绿化市容处理，派错")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: detail(app).report.status == "accepted", "recalled")  # type: ignore[union-attr]
        assert "Recalled from 城管" in outcome_text(app)
        assert [x.status for x in detail(app).report.legs] == ["recalled"]  # type: ignore[union-attr]
        assert "时限" in header(app) and "回访" not in header(app)

        # Resolve: the header now counts down to the 回访, not the old resolve deadline.
        await pilot.press("v")
        await write_note(pilot, app, "居委联系物业清理了树枝")
        await until(pilot, lambda: detail(app).report.status == "resolved", "resolved")  # type: ignore[union-attr]
        assert "回访" in header(app) and "时限" not in header(app)
        r = detail(app).report
        assert r is not None and r.follow_up_due is not None and r.due_at == r.follow_up_due
