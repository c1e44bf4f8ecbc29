"""The benchmark's CPU accounting puts each process in the right group."""

from __future__ import annotations

import os

import pytest

from bench import cpu


@pytest.mark.parametrize(
    ("cmdline", "pgid", "group"),
    [
        ("python -m bench.reports_server", 4242, "server"),
        ("python -c from multiprocessing.spawn import spawn_main", 4242, "server"),
        ("postgres: 15/main: postgres linli_bench 127.0.0.1(5050) idle", 1, "postgres"),
        ("postgres: 15/main: postgres other_db 127.0.0.1(5051) idle", 1, None),
        ("postgres: 15/main: postgres linli_bench_two 127.0.0.1(5052) idle", 1, None),
        ("postgres: 15/main: walwriter ", 1, "pg background"),
        ("postgres: 15/main: checkpointer ", 1, "pg background"),
        ("/usr/bin/redis-server 127.0.0.1:6379", 1, "redis"),
        ("python -m pytest", 1, None),
    ],
)
def test_classify(cmdline: str, pgid: int, group: str | None) -> None:
    assert cpu.classify(cmdline, pgid, 4242, "linli_bench") == group


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="reads /proc")
def test_per_request_counts_this_process_group() -> None:
    me = os.getpgid(0)
    before = cpu.snapshot(me, "none")
    sum(i * i for i in range(2_000_000))  # burn some CPU in this process
    ms = cpu.per_request(before, cpu.snapshot(me, "none"), 10)
    assert ms["server"] > 0
    assert "cpu ms/request: server" in cpu.describe(ms)
