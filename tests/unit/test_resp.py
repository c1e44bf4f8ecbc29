"""The pipelined Redis reader: RESP parsing, replies matched to commands under concurrency,
cancellation and a dropped connection."""

from __future__ import annotations

import asyncio
import os
import secrets

import pytest

from server.broker.resp import ReadPipe, RespError, encode, parse

REDIS_URL = os.environ.get("REDIS_URL") or None


def test_encode_is_a_resp_array_of_bulk_strings() -> None:
    assert encode(b"GET", "k\u00e9") == b"*2\r\n$3\r\nGET\r\n$3\r\nk\xc3\xa9\r\n"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (b"$3\r\nabc\r\n", b"abc"),
        (b"$0\r\n\r\n", b""),
        (b"$-1\r\n", None),
        (b":42\r\n", 42),
        (b"+OK\r\n", b"OK"),
        (b"*3\r\n$1\r\na\r\n$-1\r\n$2\r\nbc\r\n", [b"a", None, b"bc"]),
        (b"*0\r\n", []),
        (b"$4\r\na\r\nb\r\n", b"a\r\nb"),  # a value may hold CRLF itself
    ],
)
def test_parse_whole_replies(raw: bytes, value: object) -> None:
    assert parse(raw) == (value, len(raw))
    # Any strict prefix is incomplete, not wrong.
    for cut in range(len(raw)):
        assert parse(raw[:cut]) is None


def test_parse_error_reply_is_a_value() -> None:
    got = parse(b"-ERR wrong type\r\n")
    assert got is not None and isinstance(got[0], RespError) and "wrong type" in str(got[0])


def test_from_url_reads_db_and_credentials_and_refuses_what_it_cannot_speak() -> None:
    pipe = ReadPipe.from_url("redis://u:p%40ss@cache.local:6380/3")
    assert pipe is not None
    assert (pipe.host, pipe.port, pipe.db, pipe.username, pipe.password) == (
        "cache.local",
        6380,
        3,
        "u",
        "p@ss",
    )
    assert ReadPipe.from_url("rediss://cache.local:6380/0") is None
    assert ReadPipe.from_url("unix:///tmp/redis.sock") is None


needs_redis = pytest.mark.skipif(REDIS_URL is None, reason="REDIS_URL is not set")


@needs_redis
async def test_concurrent_reads_get_their_own_replies() -> None:
    from redis.asyncio import Redis

    assert REDIS_URL is not None
    prefix = f"linlitest:{secrets.token_hex(4)}:"
    r = Redis.from_url(REDIS_URL)
    pipe = ReadPipe.from_url(REDIS_URL)
    assert pipe is not None
    try:
        await r.mset({f"{prefix}{i}": str(i) for i in range(200)})
        got = await asyncio.gather(*[pipe.command(b"GET", f"{prefix}{i}") for i in range(200)])
        assert got == [str(i).encode() for i in range(200)]
        many = await pipe.command(b"MGET", f"{prefix}1", f"{prefix}none", f"{prefix}2")
        assert many == [b"1", None, b"2"]
        with pytest.raises(RespError):
            await pipe.command(b"NOSUCHCOMMAND")
        # A caller that gives up does not shift the replies of those after it.
        slow = asyncio.ensure_future(pipe.command(b"GET", f"{prefix}5"))
        slow.cancel()
        assert await pipe.command(b"GET", f"{prefix}6") == b"6"
        # The server drops the connection: the next read connects again and answers.
        own_id = await pipe.command(b"CLIENT", b"ID")
        await r.execute_command("CLIENT", "KILL", "ID", own_id)
        await asyncio.sleep(0.05)
        assert await pipe.command(b"GET", f"{prefix}7") == b"7"
    finally:
        pipe.close()
        await r.delete(*[f"{prefix}{i}" for i in range(200)])
        await r.aclose()
