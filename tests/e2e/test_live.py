"""The live staff feed through a real server socket: audience, resume by id, fan-out
across workers sharing a broker, and the access policy before the upgrade."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from types import SimpleNamespace
from typing import Any

import pytest
import websockets
from sanic import Sanic

from server.app import create_app
from server.auth.tokens import TokenSigner
from server.broker import Broker, create_broker
from server.config import Settings
from server.models.people import Staff
from tests.support.factories import make_resident, make_world, token_for
from tests.support.notify import make_relay, report_event


@asynccontextmanager
async def serving(settings: Settings, broker: Broker) -> AsyncIterator[str]:
    app = create_app(
        settings.model_copy(update={"relay_in_server": False}), broker=broker, manage_db=False
    )
    Sanic.test_mode = True
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))  # Sanic reads port=0 as "the default port"
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    port = server.server.sockets[0].getsockname()[1]
    try:
        yield f"ws://127.0.0.1:{port}/api/v1/live"
    finally:
        await server.before_stop()
        await server.close()
        await server.after_stop()
        app.ctx.wechat.close()


async def next_frame(ws: Any, timeout: float = 5.0) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def events_until(ws: Any, stop: Callable[[dict[str, Any]], bool]) -> list[dict[str, Any]]:
    frames = []
    while True:
        f = await next_frame(ws)
        frames.append(f)
        if stop(f):
            return frames


@pytest.fixture
async def other_broker(settings: Settings, broker: Broker) -> AsyncIterator[Broker]:
    """A second worker's broker: its own Redis connections, or the shared memory one."""
    if not settings.redis_url:
        yield broker
        return
    b = create_broker(settings.redis_url, prefix=settings.redis_prefix, max_connections=8)
    yield b
    await b.close()


async def test_staff_see_their_events_live_and_resume_without_gaps(
    db: None, settings: Settings, broker: Broker
) -> None:
    world = await make_world()
    c0, c1 = world.communities
    worker, other = world.staff["worker"], world.staff["other_worker"]
    relay = make_relay(settings, broker)
    async with serving(settings, broker) as url:
        ws = await websockets.connect(f"{url}?token={token_for(_app(settings), worker)}")
        hello = await next_frame(ws)
        assert hello == {"type": "hello", "last_id": 0}
        await report_event("report.created", report_id=1, community_id=c1.id, status="new")
        await report_event("report.created", report_id=2, community_id=c0.id, status="new")
        await relay.fan_out_once()
        first = await next_frame(ws)
        # The other community's report is not for this worker.
        assert first["topic"] == "report.created" and first["payload"]["report_id"] == 2
        await ws.close()

        # While away: assigned to me, assigned to someone else, rota changed here.
        await report_event("report.assigned", report_id=2, community_id=c0.id, owner_id=worker.id)
        await report_event("report.assigned", report_id=1, community_id=c1.id, owner_id=other.id)
        await emit_rota(c0.id)
        await relay.fan_out_once()

        ws = await websockets.connect(
            url + f"?last_id={first['id']}", additional_headers=_bearer(settings, worker)
        )
        assert (await next_frame(ws))["type"] == "hello"
        missed = [await next_frame(ws), await next_frame(ws)]
        assert [f["topic"] for f in missed] == ["report.assigned", "rota.changed"]
        await report_event("report.overdue", report_id=2, community_id=c0.id, owner_id=worker.id)
        await relay.fan_out_once()
        live = await next_frame(ws)
        assert live["topic"] == "report.overdue"
        ids = [first["id"]] + [f["id"] for f in missed] + [live["id"]]
        assert ids == sorted(set(ids))
        await ws.close()


async def test_events_reach_a_client_on_another_worker(
    db: None, settings: Settings, broker: Broker, other_broker: Broker
) -> None:
    world = await make_world()
    officer = world.staff["officer"]
    dept = world.departments["chengguan"].id
    relay = make_relay(settings, broker)  # publishes through the first worker's broker
    async with (
        serving(settings, other_broker) as url,
        websockets.connect(url, additional_headers=_bearer(settings, officer)) as ws,
    ):
        await next_frame(ws)
        await report_event(
            "report.dispatched",
            report_id=5,
            community_id=world.communities[0].id,
            department_ids=[dept],
        )
        await relay.fan_out_once()
        f = await next_frame(ws)
        assert f["topic"] == "report.dispatched" and f["payload"]["department_ids"] == [dept]


async def test_live_refuses_before_the_upgrade(
    db: None, settings: Settings, broker: Broker
) -> None:
    await make_world()
    resident = await make_resident()
    async with serving(settings, broker) as url:
        with pytest.raises(websockets.InvalidStatus) as no_token:
            await websockets.connect(url)
        assert no_token.value.response.status_code == 401
        assert json.loads(no_token.value.response.body)["error"]["code"] == "unauthenticated"
        with pytest.raises(websockets.InvalidStatus) as resident_token:
            await websockets.connect(f"{url}?token={token_for(_app(settings), resident)}")
        assert resident_token.value.response.status_code == 403
        worker = _bearer(settings, (await Staff.all().first()))
        with pytest.raises(websockets.InvalidStatus) as bad_query:
            await websockets.connect(f"{url}?last_id=x", additional_headers=worker)
        assert bad_query.value.response.status_code == 422


def _app(settings: Settings) -> Any:
    """Enough of an app to mint tokens the served app accepts."""
    signer = TokenSigner(settings.jwt_secret, settings.access_token_ttl, settings.refresh_token_ttl)
    return SimpleNamespace(ctx=SimpleNamespace(signer=signer))


def _bearer(settings: Settings, who: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(_app(settings), who)}"}


async def emit_rota(community_id: int) -> None:
    from server.services.outbox import emit

    await emit(
        "rota.changed",
        "rota",
        community_id,
        {"community_id": community_id},
        community_id=community_id,
    )
