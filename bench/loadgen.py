"""Load generation for the HTTP benchmarks.

A Python load generator shares the two cores with the server it measures and can take
most of one of them, so where ``wrk`` is installed (Debian: ``apt install wrk``) the
benchmarks drive the server with it: a C event loop on one thread, replaying a list of
prepared requests round-robin over keep-alive connections. Without ``wrk`` they fall back
to the asyncio generators in each script, and say so in their output.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Req:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass(frozen=True, slots=True)
class Stats:
    """What one measurement gave: throughput, latency percentiles in ms, failures."""

    requests: int
    seconds: float
    p50: float
    p90: float
    p99: float
    max: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_path() -> str | None:
    if os.environ.get("BENCH_LOADGEN", "wrk") != "wrk":
        return None
    return shutil.which("wrk")


def _lua_string(s: str) -> str:
    level = 0
    while f"]{'=' * level}]" in s:
        level += 1
    eq = "=" * level
    # A long bracket drops a newline right after the opening bracket: keep it by a lead one.
    return f"[{eq}[\n{s}]{eq}]"


def lua_script(reqs: list[Req]) -> str:
    """A wrk script that replays ``reqs`` round-robin and prints its figures as JSON."""
    parts = ["local reqs = {}"]
    for r in reqs:
        headers = ", ".join(
            f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in r.headers.items()
        )
        body = _lua_string(r.body.decode()) if r.body is not None else "nil"
        parts.append(
            "reqs[#reqs + 1] = wrk.format("
            f"{_lua_string(r.method)}, {_lua_string(r.path)}, {{{headers}}}, {body})"
        )
    parts.append(
        """
local i = 0
local counter = 0
function setup(thread)
  thread:set("offset", counter * 7919)
  counter = counter + 1
end
function init(args)
  i = offset or 0
end
function request()
  i = i % #reqs + 1
  return reqs[i]
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50": %d, "p90": %d, "p99": %d, "max": %d, '
    .. '"status": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
"""
    )
    return "\n".join(parts)


async def run_wrk(base: str, reqs: list[Req], conc: int, seconds: float, threads: int = 1) -> Stats:
    """Drive ``base`` with ``conc`` connections for ``seconds``; wrk must be installed."""
    exe = wrk_path()
    if exe is None:
        raise RuntimeError("wrk is not installed")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, encoding="utf-8") as f:
        f.write(lua_script(reqs))
        script = f.name
    try:
        proc = await asyncio.create_subprocess_exec(
            exe,
            f"-t{max(1, min(threads, conc))}",
            f"-c{conc}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "30s",
            "-s",
            script,
            base,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate()
    finally:
        os.unlink(script)
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed: {err.decode()[-500:]}")
    line = next((x for x in out.decode().splitlines() if x.startswith("{")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures: {(out + err).decode()[-500:]}")
    d = json.loads(line)
    errors = d["status"] + d["connect"] + d["read"] + d["write"] + d["timeout"]
    return Stats(
        requests=d["requests"],
        seconds=d["duration_us"] / 1e6,
        p50=d["p50"] / 1000,
        p90=d["p90"] / 1000,
        p99=d["p99"] / 1000,
        max=d["max"] / 1000,
        errors=errors,
    )
