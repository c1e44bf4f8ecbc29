"""Stopping in bounded time under Sanic's worker manager.

Each stop step of a worker runs under its own time limit (:func:`bounded`), and the main
process watches the stop it was asked for: a worker that has not begun stopping is
signalled again (a stop asked while a worker was still starting could be lost, and the
main process then waited on a worker that went on serving), and whatever still runs at
the deadline is killed. Nothing acknowledged is lost by the kill: every acknowledged
write was committed before its answer was sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Awaitable
from typing import Any

from sanic import Sanic

log = logging.getLogger("linli.stop")

STOPPING = "linli_stopping"  # set in a worker's state once its stop has begun
RESIGNAL_EVERY = 0.5
UNRESPONSIVE = 3.0  # seconds a worker may take to begin its stop


async def bounded(name: str, step: Awaitable[Any], seconds: float) -> None:
    """Run one stop step; give up on it (and say so) after ``seconds``."""
    try:
        await asyncio.wait_for(step, seconds)
    except TimeoutError:
        log.warning("stop step %s did not finish in %.1fs; going on without it", name, seconds)
    except Exception:
        log.exception("stop step %s failed; going on", name)


def mark_stopping(app: Sanic) -> None:
    """Tell the main process this worker's stop has begun (no more signals needed)."""
    with contextlib.suppress(Exception):  # not under the manager (tests, single process)
        app.m.state[STOPPING] = True


def take_over_stop_signals(app: Sanic) -> None:
    """Worker, once serving: SIGTERM/SIGINT mark the stop as begun, then stop the app
    once (repeats are ignored). Only in a worker process run by Sanic's manager."""
    if os.environ.get("SANIC_WORKER_PROCESS") != "true":
        return
    loop = asyncio.get_running_loop()
    done = threading.Event()

    def stop() -> None:
        if done.is_set():
            return
        done.set()
        mark_stopping(app)
        app.stop(terminate=False)
        # Sanic's stop does nothing while it believes the server stopped, which it does
        # when the stop was asked during start-up: end the loop here either way.
        loop.stop()

    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop)


def install(app: Sanic, deadline: float) -> None:
    """Main process: on SIGTERM or SIGINT, after Sanic's own handling, watch the workers
    until they are gone or ``deadline`` seconds have passed, then kill what is left."""

    @app.main_process_ready
    async def _guard(app: Sanic, _: Any = None) -> None:
        manager = app.manager
        started = threading.Event()

        def on_signal(signum: int, frame: Any) -> None:
            manager.shutdown_signal(signum, frame)
            if not started.is_set():
                started.set()
                threading.Thread(
                    target=_watch, args=(manager, deadline), name="linli-stop", daemon=True
                ).start()

        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, on_signal)


def _watch(manager: Any, deadline: float) -> None:
    began = time.monotonic()
    while True:
        alive = [p for p in list(manager.processes) if _alive(p)]
        if not alive:
            break
        waited = time.monotonic() - began
        for p in alive:
            state = _state(manager, p.name)
            stopping = state.get(STOPPING) or not state.get("server")
            if waited >= deadline or (not stopping and waited >= UNRESPONSIVE):
                # A worker that ignored the stop this long never will: seen when the stop
                # arrived while it was starting (its loop no longer heard signals).
                log.error(
                    "%s [%s] still running %.0fs after the stop: killed", p.name, p.pid, waited
                )
                _kill(p.pid, signal.SIGKILL)
            elif not stopping:
                _kill(p.pid, signal.SIGTERM)
        time.sleep(RESIGNAL_EVERY)
    # Sanic's main process may still wait for the workers' start-up acknowledgement (the
    # stop overwrote it), which it would do for 30 s: tell it they are gone.
    with contextlib.suppress(Exception):
        manager.monitor_publisher.send("__TERMINATE_EARLY__")


def _kill(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _alive(p: Any) -> bool:
    try:
        return bool(p.is_alive())
    except Exception:
        return False


def _state(manager: Any, name: str) -> dict[str, Any]:
    try:
        return dict(manager.worker_state.get(name) or {})
    except Exception:  # the state manager is already gone: nothing to read
        return {}
