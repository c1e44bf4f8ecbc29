"""kill -9 a real relay process mid-drain: nothing is lost, and only the sends that
were in flight at the kill are repeated (at most the relay's in-flight limit)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.config import Settings
from server.models.notify import Delivery, DeliveryStatus
from server.models.records import OutboxEvent
from server.services.notify import grant_credits
from tests.support.factories import make_resident, make_world
from tests.support.notify import PROGRESS, report_event
from tests.support.processes import FakeProcess, kill9, relay_env, start_relay, stop

MESSAGES = 400
IN_FLIGHT = 8


@pytest.fixture
def fake_process() -> Iterator[FakeProcess]:
    fake = FakeProcess(latency=0.01)
    yield fake
    fake.stop()


def _env(settings: Settings, fake: FakeProcess) -> dict[str, str]:
    env = {
        "LINLI_ENV": "test",
        "DATABASE_URL": settings.database_url,
        "REDIS_PREFIX": settings.redis_prefix,
        "WECHAT_API_BASE": fake.url,
        "WECHAT_APPID": "wx-test-appid",
        "WECHAT_SECRET": "test-secret",
        "JWT_SECRET": settings.jwt_secret,
        "RELAY_INFLIGHT": str(IN_FLIGHT),
        "RELAY_BATCH": "50",
        # A short lease, so the second relay takes over the dead one's rows quickly.
        "RELAY_LEASE_SECONDS": "5",
        "WECHAT_TIMEOUT": "2",
        "RELAY_POLL_SECONDS": "0.1",
    }
    if settings.redis_url:
        env["REDIS_URL"] = settings.redis_url
    return env


async def _wait(check, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.02)


async def test_kill_9_mid_drain_loses_nothing_and_repeats_only_in_flight(
    db: None, settings: Settings, fake_process: FakeProcess, tmp_path: Path
) -> None:
    world = await make_world()
    resident = await make_resident()
    c = world.communities[0].id
    for i in range(MESSAGES):
        await grant_credits(resident.id, {PROGRESS: "accept"}, {PROGRESS})
        await report_event(
            "report.accepted",
            report_id=i + 1,
            community_id=c,
            resident_id=resident.id,
            title=f"事项{i:04d}",
        )
    env = relay_env(_env(settings, fake_process))
    log = tmp_path / "relay.log"

    first = start_relay(env, log)
    try:

        async def some_sent() -> bool:
            return fake_process.stats()["accepted_total"] >= MESSAGES // 4

        await _wait(some_sent, 60)
        kill9(first)
    finally:
        if first.poll() is None:
            first.kill()
    at_kill = fake_process.stats()["accepted_total"]
    assert at_kill < MESSAGES, "the relay finished before the kill; nothing was tested"

    second = start_relay(env, log)
    try:

        async def all_done() -> bool:
            return (
                await Delivery.filter(status=DeliveryStatus.sent).count() == MESSAGES
                and await OutboxEvent.filter(processed_at__isnull=True).count() == 0
            )

        await _wait(all_done, 90)
    finally:
        stop(second)

    received = fake_process.stats()["received"]
    counts = sorted(received.values())
    duplicates = sum(n - 1 for n in counts)
    print(
        f"\nkill -9 after {at_kill}/{MESSAGES} sends: {len(received)} distinct messages "
        f"received, {duplicates} duplicate(s) (in-flight limit {IN_FLIGHT})"
    )
    assert len(received) == MESSAGES, f"lost {MESSAGES - len(received)} message(s)"
    assert duplicates <= IN_FLIGHT
    assert await Delivery.filter(status=DeliveryStatus.sent).count() == MESSAGES
