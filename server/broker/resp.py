"""The broker's hot reads over one pipelined Redis connection per process.

Every authenticated request reads its token's revocation, and every create the on-duty
answer: two round trips that cost the server more CPU in redis-py's command machinery
(pool checkout, retry wrapper, stream reader, pure-Python parser) than in anything the
request itself does. Here a command is one encoded line written on a shared connection
and one parsed reply; commands issued in the same turn of the event loop leave in one
write, so under load many requests' reads share a system call on both sides.

Only side-effect-free reads go this way (a read may be sent again after a reconnect);
everything else stays on redis-py. Replies are matched to commands in order, which
Redis guarantees on one connection.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any
from urllib.parse import unquote, urlparse


class RespError(Exception):
    """An error reply from Redis (``-ERR ...``)."""


_CRLF = b"\r\n"


def encode(*args: bytes | str) -> bytes:
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        b = a.encode() if isinstance(a, str) else a
        parts.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(parts)


def parse(buf: bytes | bytearray, pos: int = 0) -> tuple[Any, int] | None:
    """One RESP2 reply at ``pos``: (value, end), or None if the buffer holds only part.
    Error replies come back as :class:`RespError` values, not raised."""
    end = buf.find(_CRLF, pos)
    if end < 0:
        return None
    kind, line = buf[pos : pos + 1], bytes(buf[pos + 1 : end])
    after = end + 2
    if kind == b"$":
        n = int(line)
        if n < 0:
            return None, after
        if len(buf) < after + n + 2:
            return None
        return bytes(buf[after : after + n]), after + n + 2
    if kind == b"*":
        n = int(line)
        if n < 0:
            return None, after
        items = []
        for _ in range(n):
            got = parse(buf, after)
            if got is None:
                return None
            item, after = got
            items.append(item)
        return items, after
    if kind == b":":
        return int(line), after
    if kind == b"+":
        return line, after
    if kind == b"-":
        return RespError(line.decode(errors="replace")), after
    raise ValueError(f"not a RESP reply: {bytes(buf[pos : pos + 20])!r}")


class _Protocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.waiting: deque[asyncio.Future[Any]] = deque()
        self.sent_at: deque[float] = deque()  # when each waiting reply's command was sent
        self.buf = bytearray()
        self.out: list[bytes] = []  # commands of this turn of the loop, not yet written
        self.closed = False

    def send(self, loop: asyncio.AbstractEventLoop, line: bytes) -> asyncio.Future[Any]:
        fut: asyncio.Future[Any] = loop.create_future()
        if self.closed:
            fut.set_exception(ConnectionError("redis connection lost"))
            return fut
        self.waiting.append(fut)
        self.sent_at.append(loop.time())
        if not self.out:
            loop.call_soon(self.flush)
        self.out.append(line)
        return fut

    def flush(self) -> None:
        out, self.out = self.out, []
        if not self.closed and self.transport is not None:
            self.transport.write(b"".join(out))
        # else connection_lost has failed every waiting reply already

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        buf = self.buf
        buf += data
        pos = 0
        while self.waiting:
            got = parse(buf, pos)
            if got is None:
                break
            value, pos = got
            fut = self.waiting.popleft()
            self.sent_at.popleft()
            if fut.done():  # its caller was cancelled; the reply is still consumed in turn
                continue
            if isinstance(value, RespError):
                fut.set_exception(value)
            else:
                fut.set_result(value)
        if pos:
            del buf[:pos]

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.sent_at.clear()
        while self.waiting:
            fut = self.waiting.popleft()
            if not fut.done():
                fut.set_exception(ConnectionError(f"redis connection lost: {exc}"))


class ReadPipe:
    """Pipelined reads on one connection, opened on first use in the running loop and
    again after it drops (a read that met a dropped connection is sent once more)."""

    def __init__(
        self,
        host: str,
        port: int,
        db: int = 0,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 2.0,
    ) -> None:
        self.host, self.port, self.db = host, port, db
        self.timeout = timeout
        self.username, self.password = username, password
        self._proto: _Protocol | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connecting: asyncio.Future[_Protocol] | None = None

    @classmethod
    def from_url(cls, url: str, timeout: float = 2.0) -> ReadPipe | None:
        """None for what this plain-TCP reader does not speak (TLS, Unix sockets)."""
        u = urlparse(url)
        if u.scheme != "redis":
            return None
        path = u.path.strip("/")
        return cls(
            unquote(u.hostname or "localhost"),
            u.port or 6379,
            int(path) if path else 0,
            unquote(u.username) if u.username else None,
            unquote(u.password) if u.password else None,
            timeout,
        )

    async def _connect(self) -> _Protocol:
        loop = asyncio.get_running_loop()
        _, proto = await asyncio.wait_for(
            loop.create_connection(_Protocol, self.host, self.port), self.timeout
        )
        loop.call_later(self.timeout / 2, self._watch, proto, loop)
        hello: list[tuple[bytes | str, ...]] = []
        if self.password is not None:
            user = (self.username,) if self.username else ()
            hello.append((b"AUTH", *user, self.password))
        if self.db:
            hello.append((b"SELECT", str(self.db)))
        for cmd in hello:
            await proto.send(loop, encode(*cmd))
        self._proto, self._loop = proto, loop
        return proto

    def _watch(self, proto: _Protocol, loop: asyncio.AbstractEventLoop) -> None:
        """A reply overdue by ``timeout`` means Redis hangs: drop the connection, which
        fails every waiting read (one timer per connection, not one per command)."""
        if proto.closed:
            return
        if proto.sent_at and loop.time() - proto.sent_at[0] > self.timeout:
            if proto.transport is not None:
                proto.transport.abort()
            return
        loop.call_later(self.timeout / 2, self._watch, proto, loop)

    async def _ready(self) -> _Protocol:
        proto = self._proto
        if proto is not None and not proto.closed and self._loop is asyncio.get_running_loop():
            return proto
        if self._connecting is None or self._connecting.done():
            self._connecting = asyncio.ensure_future(self._connect())
        return await asyncio.shield(self._connecting)

    async def command(self, *args: bytes | str) -> Any:
        line = encode(*args)
        for attempt in (1, 2):
            proto = await self._ready()
            try:
                return await proto.send(asyncio.get_running_loop(), line)
            except ConnectionError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        proto, self._proto = self._proto, None
        if proto is not None and proto.transport is not None:
            proto.transport.close()
