"""Which of the server's sibling workers are gone (killed, crashed): read from Sanic's
shared worker state, so any worker can say the server runs short of capacity."""

from __future__ import annotations

import contextlib
import os
from typing import Any

from sanic import Sanic


def _gone(pid: int) -> bool:
    """A process that no longer runs; a killed child its parent has not yet reaped is a
    zombie, which ``kill(pid, 0)`` still finds, so /proc is asked first where it exists."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def server_workers(app: Sanic) -> tuple[int, int]:
    """(server workers the manager started, how many of them are gone); (0, 0) when not
    run by Sanic's worker manager."""
    states: dict[str, Any] = {}
    with contextlib.suppress(Exception):  # tests and single-process runs have no manager
        states = dict(app.m.workers)
    pids = [int(s["pid"]) for s in states.values() if s.get("server") and s.get("pid")]
    return len(pids), sum(1 for pid in pids if _gone(pid))
