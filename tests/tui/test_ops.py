"""The notifications ops screen against a real server: relay depth, a dead letter with
its reason, and a retry that puts it back in the queue."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

pytest.importorskip("server.api.notify", reason="the notifications API is not merged yet")

from server.models.notify import Channel, Delivery, DeliveryStatus  # noqa: E402
from tests.support.factories import PASSWORD  # noqa: E402
from tests.tui.conftest import LiveServer  # noqa: E402
from tests.tui.pilot import settled, sign_in, until  # noqa: E402
from tui.app import LinliApp  # noqa: E402
from tui.client import LinliClient, TokenStore  # noqa: E402
from tui.screens.ops import OpsScreen  # noqa: E402
from tui.widgets.outcome import Outcome  # noqa: E402


async def dead_letter(community_id: int, resident_id: int) -> Delivery:
    return await Delivery.create(
        event_id=1,
        topic="report.accepted",
        channel=Channel.wechat,
        community_id=community_id,
        recipient_type="resident",
        recipient_id=resident_id,
        template_id="linli-report-progress",
        status=DeliveryStatus.dead,
        attempts=5,
        next_attempt_at=datetime.now(UTC),
        last_error="47003 argument invalid",
        dead_reason="47003: data.thing2.value 超出长度",
    )


async def test_secretary_sees_a_dead_letter_and_retries_it(
    live_server: LiveServer, token_file: Path
) -> None:
    world = live_server.world
    letter = await dead_letter(world.communities[0].id, live_server.resident.id)
    app = LinliApp(LinliClient(live_server.url, TokenStore(token_file)), live=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, world.staff["secretary"].username, PASSWORD)
        await until(pilot, lambda: app.me is not None, "signed in")
        await pilot.press("f5")
        await settled(pilot, OpsScreen)
        screen = app.screen
        table = screen.query_one("#ops-letters")
        await until(pilot, lambda: table.row_count == 1, "dead letter listed")  # type: ignore[attr-defined]
        await pilot.press("t")
        outcome = screen.query_one(Outcome)
        await until(pilot, lambda: "queued again" in str(outcome.render()), "retried")
        await letter.refresh_from_db()
        assert letter.status != DeliveryStatus.dead
        await until(pilot, lambda: table.row_count == 0, "no longer dead")  # type: ignore[attr-defined]


async def test_worker_has_no_ops_screen(live_server: LiveServer, token_file: Path) -> None:
    app = LinliApp(LinliClient(live_server.url, TokenStore(token_file)), live=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, live_server.world.staff["worker"].username, PASSWORD)
        await until(pilot, lambda: app.me is not None, "signed in")
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        assert not isinstance(app.screen, OpsScreen)
        assert "ops" not in app._modes
