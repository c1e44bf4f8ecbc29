"""Serve a Sanic app over real HTTP on 127.0.0.1 from a background thread.

The app runs its own start-up and shut-down listeners (with ``manage_db=True`` it opens
and closes the database itself), exactly as under ``sanic``; tests talk to it over TCP and
run set-up coroutines on its event loop with :meth:`LiveServer.call`.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from sanic import Sanic

T = TypeVar("T")


class LiveServer:
    def __init__(self, app: Sanic) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.base_url = ""
        self._server: Any = None
        self._ready = threading.Event()
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="live-server", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._start())
        except BaseException as exc:
            self._failed = exc
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()

    async def _start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))  # a free port chosen by the kernel
        sock.listen(128)
        server = await self.app.create_server(sock=sock, access_log=False)
        assert server is not None
        await server.startup()
        await server.before_start()
        await server.after_start()
        self._server = server
        self.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"

    def start(self, timeout: float = 30) -> LiveServer:
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("the server did not start in time")
        if self._failed is not None:
            raise RuntimeError("the server failed to start") from self._failed
        return self

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        """Run ``coro`` on the server's loop (where its database connections live)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _stop(self) -> None:
        await self._server.before_stop()
        closing = self._server.close()
        if closing is not None:
            await closing
        await self._server.after_stop()

    def stop(self) -> None:
        if self._server is not None:
            self.call(self._stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()
