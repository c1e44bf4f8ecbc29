"""A real Linli server on a local port inside the test's event loop, for the terminal."""

from __future__ import annotations

import io
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sanic import Sanic

from server.app import create_app
from server.broker import Broker
from server.config import Settings
from server.models.people import Resident, ResidentHousehold
from tests.support.factories import World, auth, make_household, make_resident, make_world


async def seed_reports_catalogue() -> None:
    """The report categories, once the reports app is part of the server."""
    try:
        from server.services.reports.catalogue import seed_catalogue
    except ImportError:
        return
    await seed_catalogue()


@dataclass
class LiveServer:
    app: Sanic
    url: str
    world: World
    resident: Resident  # bound to a household in the first community
    settings: Settings
    broker: Broker

    async def relay_once(self) -> None:
        """Move what the outbox holds onto the live feed, as the relay process would."""
        from server.notify.relay import build

        relay, _ = build(self.settings, self.broker)
        await relay.fan_out_once()


async def start_server(settings: Settings, broker: Broker, port: int = 0) -> tuple[Sanic, Any, int]:
    """Serve on a real socket in this event loop; the relay is driven by the test."""
    if "relay_in_server" in Settings.model_fields:
        settings = settings.model_copy(update={"relay_in_server": False})
    Sanic.test_mode = True
    if port == 0:  # Sanic reads port 0 as "the default, 8000": pick a free one ourselves
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    app = create_app(settings, broker=broker, manage_db=False)
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    assert server is not None
    await server.startup()
    await server.before_start()
    await server.after_start()
    return app, server, server.server.sockets[0].getsockname()[1]


async def stop_server(app: Sanic, server: Any) -> None:
    await server.before_stop()
    await server.close()
    await server.after_stop()
    app.ctx.wechat.close()


def png(colour: tuple[int, int, int], size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


async def report_with_photos(live: LiveServer, text: str, pictures: list[bytes]) -> dict[str, Any]:
    """A resident uploads the pictures and reports with them, as the mini-program does."""
    async with httpx.AsyncClient(base_url=live.url, headers=auth(live.app, live.resident)) as http:
        shas = []
        for data in pictures:
            r = await http.post(
                "/api/v1/reports/photos", files={"file": ("p.png", data, "image/png")}
            )
            assert r.status_code == 201, r.text
            shas.append(r.json()["id"])
        r = await http.post(
            "/api/v1/reports/",
            json={"category": "sanitation", "description": text, "photos": shas},
        )
    assert r.status_code == 201, r.text
    report: dict[str, Any] = r.json()["report"]
    return report


@pytest.fixture
async def live_server(settings: Settings, db: None, broker: Broker) -> AsyncIterator[LiveServer]:
    app, server, port = await start_server(settings, broker)
    await seed_reports_catalogue()
    world = await make_world()
    resident = await make_resident()
    household = await make_household(world.communities[0])
    await ResidentHousehold.create(
        resident=resident, household=household, verified_at=datetime.now(UTC)
    )
    try:
        yield LiveServer(app, f"http://127.0.0.1:{port}", world, resident, settings, broker)
    finally:
        await stop_server(app, server)


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    return tmp_path / "config" / "linli" / "tokens.json"


@pytest.fixture(autouse=True)
def fixed_cell_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pictures keep their shape by the terminal's cell size in pixels, which textual-image
    reads from the terminal running the tests when there is one; fix it so snapshots match."""
    from textual_image._terminal import CellSize, get_cell_size

    monkeypatch.setattr(get_cell_size, "_result", CellSize(10, 20), raising=False)
