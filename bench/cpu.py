"""CPU time spent per request, split by who spent it: the server's processes, PostgreSQL's
backends for the benchmark database (and its background writers), Redis, and the load
generator. Read from /proc (Linux, everything on this host); elsewhere it reports nothing.

Throughput on a shared host says how fast; this says where the cores went, which is what
tells a cut in the server from one in the database.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
GROUPS = ("server", "postgres", "pg background", "redis", "load generator")


def _stat(pid: str) -> tuple[int, float] | None:
    """(process group, user + system seconds) of one process; None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[2]), (int(fields[11]) + int(fields[12])) / TICK


def _cmdline(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def classify(cmdline: str, pgid: int, server_pgid: int, db_name: str) -> str | None:
    """Which group a process belongs to, from its command line (PostgreSQL backends show
    ``postgres: <cluster>: <user> <database> <client> <state>``)."""
    if pgid == server_pgid:
        return "server"
    if cmdline.startswith("postgres:"):
        if f" {db_name} " in f" {cmdline} ":
            return "postgres"
        # A client's backend (it names the client's address) of another database is
        # someone else's; the rest are the cluster's own writers and launchers.
        is_backend = "(" in cmdline or "[local]" in cmdline
        return None if is_backend else "pg background"
    if cmdline.startswith("redis-server") or "/redis-server" in cmdline.split(" ")[0]:
        return "redis"
    return None


@dataclass
class Snapshot:
    seconds: dict[str, float]


def snapshot(server_pgid: int, db_name: str) -> Snapshot:
    totals = dict.fromkeys(GROUPS, 0.0)
    if os.path.isdir("/proc"):
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            st = _stat(pid)
            if st is None:
                continue
            group = classify(_cmdline(pid), st[0], server_pgid, db_name)
            if group is not None:
                totals[group] += st[1]
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk, once it has been waited for
    totals["load generator"] = ru.ru_utime + ru.ru_stime
    return Snapshot(totals)


def per_request(before: Snapshot, after: Snapshot, requests: int) -> dict[str, float]:
    """Milliseconds of CPU per request for each group (processes that ended in between,
    other than the load generator, are not counted)."""
    if requests <= 0 or not os.path.isdir("/proc"):
        return {}
    return {g: max(0.0, after.seconds[g] - before.seconds[g]) * 1000 / requests for g in GROUPS}


def describe(ms: dict[str, float]) -> str:
    if not ms:
        return ""
    parts = [f"{g} {v:.2f}" for g, v in ms.items()]
    return f"cpu ms/request: {', '.join(parts)} (total {sum(ms.values()):.2f})"
