"""Body limits on the served app (Sanic's own HTTP server, not the ASGI test client): a
declared length past the limit is refused before a byte of the body is read, and a
chunked body stops being read at the limit; both answer 413 in the one error shape."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.api.limits import JSON_MAX
from server.config import Settings
from tests.support.served import Served, served_env


@pytest.fixture
def served(settings: Settings, tmp_path: Path) -> Iterator[Served]:
    server = Served(served_env(settings, RELAY_IN_SERVER="false"), tmp_path / "server.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.close()


def _answer(raw: bytes) -> tuple[int, dict[str, object]]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(body[: body.rindex(b"}") + 1])


def test_a_declared_length_past_the_limit_is_refused_unread(db: None, served: Served) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as s:
        s.sendall(
            b"POST /api/v1/auth/staff HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 31457280\r\n\r\n"
        )
        # no body is sent: the answer comes anyway
        raw = b""
        while b"\r\n\r\n" not in raw or not raw.rstrip().endswith(b"}"):
            chunk = s.recv(65536)
            if not chunk:
                break
            raw += chunk
    status, body = _answer(raw)
    assert status == 413
    assert body["error"]["code"] == "payload_too_large"  # type: ignore[index]


def test_a_chunked_body_stops_at_the_limit(db: None, served: Served) -> None:
    sent = [0]

    def chunks() -> Iterator[bytes]:
        yield b'{"username": "'
        for _ in range(4 * JSON_MAX // 65536):
            sent[0] += 65536
            yield b"a" * 65536
        yield b'", "password": "x"}'

    try:
        r = httpx.post(
            served.base + "/api/v1/auth/staff",
            content=chunks(),
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
    except httpx.HTTPError:
        pytest.fail("the server dropped the connection instead of answering 413")
    assert r.status_code == 413, r.text
    assert set(r.json()["error"]) == {"code", "message", "details"}
