"""The key help: ``?`` opens it as F1 does, keys read as typed, desks in both languages,
and only what this person's role can do."""

from __future__ import annotations

from pathlib import Path

from tests.tui.canned import canned_app
from tests.tui.pilot import settled, until
from tui.screens.board import BoardScreen
from tui.screens.help import HelpScreen, key_label
from tui.widgets.report_table import ReportTable


def test_keys_read_as_typed() -> None:
    assert key_label("left_square_bracket") == "["
    assert key_label("right_square_bracket") == "]"
    assert key_label("question_mark") == "?"
    assert key_label("slash") == "/"
    assert key_label("ctrl+o") == "Ctrl+O"
    assert key_label("f1") == "F1"
    assert key_label("escape,q") == "Esc / q"
    assert key_label("P") == "P"


async def shown_help(tmp_path: Path, role: str) -> str:
    app = canned_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settled(pilot, BoardScreen)
        table = app.screen.query_one(ReportTable)
        await until(pilot, lambda: table.row_count == 8, "first page")
        assert app.me is not None
        app.me = app.me.model_copy(update={"role": role})
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "help open")
        text = str(app.screen.query_one("#help-body").query_one("Static").render())
        await pilot.press("question_mark")
        await until(pilot, lambda: not isinstance(app.screen, HelpScreen), "help closed")
        return text


async def test_question_mark_opens_help_for_a_secretary(tmp_path: Path) -> None:
    text = await shown_help(tmp_path, "secretary")
    assert "F1 / ?" in text
    assert "[" in text and "left_square_bracket" not in text
    assert "Triage 工单" in text and "Rota 排班" in text and "Visits 走访" in text
    assert "Publish 发布" in text and "Approve 同意" in text and "Reassign 改派" in text
    assert "Leg accept 部门受理" not in text  # a department officer's key
    assert "Sign-in 登录" not in text


async def test_a_worker_sees_only_a_workers_keys(tmp_path: Path) -> None:
    text = await shown_help(tmp_path, "worker")
    assert "Rota 排班" in text and "Visits 走访" in text
    assert "Notify 通知运维" not in text  # secretaries' and admins' desk
    assert "Publish 发布" not in text and "Generate 生成" not in text
    assert "Reassign 改派" not in text and "Approve 同意" not in text
    assert "Accept 受理" in text and "Resolve 办理" in text
