"""Periodic background work each server process runs (overdue escalation and the like).

Jobs must be safe to run in several processes at once; they take their own locks.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from typing import Any

from sanic import Sanic

from server.config import Settings
from server.stopping import bounded

log = logging.getLogger("linli.jobs")
WORKER = f"{socket.gethostname()}:{os.getpid()}"


async def _reports() -> object:
    from server.services.reports.scheduler import run_once

    return await run_once(worker=WORKER)


# name -> the coroutine to run once per interval
JOBS: dict[str, Callable[[], Awaitable[object]]] = {"reports": _reports}


async def _every(name: str, job: Callable[[], Awaitable[object]], seconds: float) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            await job()
        except asyncio.CancelledError:
            raise
        except Exception:  # a bad pass must not stop the next one
            log.exception("job %s failed", name)


def install_jobs(app: Sanic, settings: Settings) -> None:
    """Start every job after the server starts and stop it before the database closes."""
    if settings.job_interval <= 0:
        return
    tasks: list[asyncio.Task[None]] = []

    @app.after_server_start
    async def _start(app: Sanic, _: Any = None) -> None:
        for name, job in JOBS.items():
            tasks.append(asyncio.create_task(_every(name, job, settings.job_interval)))

    @app.before_server_stop
    async def _stop(app: Sanic, _: Any = None) -> None:
        for task in tasks:
            task.cancel()
        # A job stuck in a call that ignores cancellation must not hold the stop.
        await bounded("jobs", asyncio.gather(*tasks, return_exceptions=True), 3.0)
        tasks.clear()
