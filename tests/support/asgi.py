"""Drive the app through Sanic's ASGI interface with httpx, start-up run once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from sanic import Sanic


@asynccontextmanager
async def asgi_client(app: Sanic) -> AsyncIterator[httpx.AsyncClient]:
    Sanic.test_mode = True
    app.asgi = True
    app.router.reset()
    app.signal_router.reset()
    await app._startup()
    await app._server_event("init", "before")
    await app._server_event("init", "after")
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 51000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://linli.test") as c:
            yield c
    finally:
        await app._server_event("shutdown", "before")
        await app._server_event("shutdown", "after")
