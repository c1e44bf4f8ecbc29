"""kill -9 of one of two served workers: the server either replaces it or stops saying
it is ready (Sanic does not replace it, so /readyz answers 503 naming the loss)."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

from server.config import Settings
from tests.support.served import Served, served_env


def _spawned_children(pid: int) -> list[int]:
    """Children of ``pid`` started by multiprocessing's spawn, oldest first."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        if ppid == pid and b"spawn_main" in cmd:
            found.append(int(entry))
    return sorted(found)


async def test_a_killed_worker_is_reported_by_readyz(
    db: None, settings: Settings, tmp_path: Path
) -> None:
    server = Served(
        served_env(settings, RELAY_IN_SERVER="false"), tmp_path / "server.log", workers=2
    )
    try:
        server.wait_ready()
        deadline = time.monotonic() + 30
        while True:  # both workers up and acknowledged
            status, body = server.request("GET", "/readyz", timeout=5)
            if status == 200 and body["checks"].get("workers") == "ok (2)":
                break
            assert time.monotonic() < deadline, (status, body)
            await asyncio.sleep(0.2)
        # The last two spawned children are the workers (Sanic's state manager is first).
        victim = _spawned_children(server.proc.pid)[-1]
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 15
        while True:  # whichever worker answers must say one is gone, or one replaced it
            status, body = server.request("GET", "/readyz", timeout=5)
            if status == 503:
                assert body["checks"]["workers"] == "fail: 1 of 2 gone", body
                break
            assert time.monotonic() < deadline, f"still ready after the kill: {body}"
            await asyncio.sleep(0.2)
    finally:
        server.close()
