"""kill -9 a real relay process mid-drain: nothing is lost, and only the sends that
were in flight at the kill are repeated (at most the relay's in-flight limit)."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.config import Settings
from server.models.notify import Delivery, DeliveryStatus
from server.models.records import OutboxEvent
from server.services.notify import grant_credits
from tests.conftest import ON_POSTGRES
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


async def _seed_messages() -> None:
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


async def test_kill_9_mid_drain_loses_nothing_and_repeats_only_in_flight(
    db: None, settings: Settings, fake_process: FakeProcess, tmp_path: Path
) -> None:
    await _seed_messages()
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
    await _finish_and_count(env, log, fake_process)


@pytest.mark.skipif(ON_POSTGRES, reason="PostgreSQL writers wait on a lock; SQLite's give up")
async def test_kill_9_while_writes_are_refused_repeats_only_in_flight(
    db: None, settings: Settings, tmp_path: Path
) -> None:
    """The database refuses the relay's writes mid-drain (another process holds SQLite's
    write lock past the relay's busy timeout) and the relay is killed meanwhile. Sends whose
    outcome could not be recorded must not pile up: each is repeated by the next relay."""
    await _seed_messages()
    # Slow answers keep the relay's queue of claimed rows full, as under real latency.
    fake = FakeProcess(latency=0.05)
    env = relay_env(_env(settings, fake))
    env["DATABASE_URL"] = settings.database_url + "?busy_timeout=20"
    log = tmp_path / "relay.log"
    path = settings.database_url.split("://", 1)[1]
    try:
        first = start_relay(env, log)
        holder = sqlite3.connect(path, timeout=10, isolation_level=None)
        try:

            async def some_sent() -> bool:
                return fake.stats()["accepted_total"] >= MESSAGES // 4

            await _wait(some_sent, 60)
            holder.execute("BEGIN IMMEDIATE")
            await asyncio.sleep(1.5)
            kill9(first)
        finally:
            if first.poll() is None:
                first.kill()
            holder.close()  # rolls back: the lock is free again
        assert "database is locked" in log.read_text(errors="replace"), "no write was refused"
        await _finish_and_count(env, log, fake)
    finally:
        fake.stop()


async def _finish_and_count(env: dict[str, str], log: Path, fake_process: FakeProcess) -> None:
    """Let a second relay finish the drain, then count what WeChat received."""
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
