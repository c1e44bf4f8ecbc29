"""The terminal's client against a real server: sign-in, token file, refresh, outages."""

from __future__ import annotations

import io
import os
import socket
import stat
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.support.factories import PASSWORD, token_for
from tests.tui.conftest import LiveServer, png, report_with_photos
from tui.client import (
    ApiError,
    Backoff,
    LinliClient,
    ServerUnreachable,
    SignedOut,
    StoredTokens,
    TokenStore,
)
from tui.client.governance import GovernanceCalls


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def expire_access(client: LinliClient, live: LiveServer, worker: Any) -> str:
    """Swap the signed-in client's access token for an expired one; returns it."""
    signer = live.app.ctx.signer
    ttl, signer.access_ttl = signer.access_ttl, -60
    expired = token_for(live.app, worker)
    signer.access_ttl = ttl
    assert client.tokens is not None
    client.tokens = StoredTokens(expired, client.tokens.refresh_token)
    return expired


async def test_login_stores_tokens_readable_only_by_owner(
    live_server: LiveServer, token_file: Path
) -> None:
    worker = live_server.world.staff["worker"]
    client = LinliClient(live_server.url, TokenStore(token_file))
    me = await client.login(worker.username, PASSWORD)
    assert me.id == worker.id and me.role == "worker"
    assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(token_file.parent).st_mode) == 0o700
    stored = TokenStore(token_file).load(live_server.url)
    assert stored is not None and stored == client.tokens
    await client.aclose()

    again = LinliClient(live_server.url, TokenStore(token_file))
    assert (await again.resume()) == me
    await again.logout()
    assert TokenStore(token_file).load(live_server.url) is None
    await again.aclose()


async def test_wrong_password_is_plain_words(live_server: LiveServer, token_file: Path) -> None:
    client = LinliClient(live_server.url, TokenStore(token_file))
    with pytest.raises(ApiError) as info:
        await client.login(live_server.world.staff["worker"].username, "wrong")
    assert info.value.status == 401
    assert "wrong username or password" in info.value.plain()
    assert TokenStore(token_file).load(live_server.url) is None
    await client.aclose()


async def test_expired_access_token_is_renewed_transparently(
    live_server: LiveServer, token_file: Path
) -> None:
    worker = live_server.world.staff["worker"]
    client = LinliClient(live_server.url, TokenStore(token_file))
    await client.login(worker.username, PASSWORD)
    expire_access(client, live_server, worker)
    first = client.tokens
    me = await client.whoami()
    assert me.id == worker.id
    assert client.tokens != first  # a fresh pair was issued and stored
    assert TokenStore(token_file).load(live_server.url) == client.tokens
    await client.aclose()


async def test_photo_bytes_come_with_the_session_renewed_as_needed(
    live_server: LiveServer, token_file: Path
) -> None:
    made = await report_with_photos(live_server, "井盖松动", [png((10, 200, 90))])
    sha = made["photos"][0]
    worker = live_server.world.staff["worker"]
    client = LinliClient(live_server.url, TokenStore(token_file))
    await client.login(worker.username, PASSWORD)
    expired = expire_access(client, live_server, worker)

    data = await client.photo(made["id"], sha)
    assert Image.open(io.BytesIO(data)).getpixel((5, 5)) == (10, 200, 90)
    assert client.tokens.access_token != expired  # renewed on the way
    with pytest.raises(ApiError) as info:
        await client.photo(made["id"], "0" * 64)  # not one of this report's photos
    assert info.value.status == 404 and "Not found" in info.value.plain()
    await client.aclose()


async def test_a_photo_upload_is_sent_again_after_renewing_the_session(
    live_server: LiveServer, token_file: Path
) -> None:
    worker = live_server.world.staff["worker"]
    client = LinliClient(live_server.url, TokenStore(token_file))
    await client.login(worker.username, PASSWORD)
    calls = GovernanceCalls(client)
    expired = expire_access(client, live_server, worker)

    out = await calls.upload_photo("stamp.png", png((10, 200, 90)), "image/png")
    assert len(out.id) == 64 and out.mime == "image/png" and (out.width, out.height) == (64, 48)
    assert client.tokens is not None and client.tokens.access_token != expired
    with pytest.raises(ApiError) as info:
        await calls.upload_photo("notes.png", b"not a picture", "image/png")
    assert info.value.status == 415 and "not accepted" in info.value.plain()
    await client.aclose()


async def test_used_refresh_token_signs_out(live_server: LiveServer, token_file: Path) -> None:
    worker = live_server.world.staff["worker"]
    client = LinliClient(live_server.url, TokenStore(token_file))
    await client.login(worker.username, PASSWORD)
    stale = client.tokens
    assert stale is not None
    await client.renew(None)
    # A used refresh token cannot be renewed: the terminal asks to sign in again.
    thief = LinliClient(live_server.url, TokenStore(token_file.with_name("thief.json")))
    thief.tokens = stale
    with pytest.raises(SignedOut):
        await thief.renew(None)
    assert thief.tokens is None
    with pytest.raises(SignedOut):
        await thief.whoami()
    await client.aclose()
    await thief.aclose()


async def test_server_down_is_reported_not_crashed(token_file: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    client = LinliClient(url, TokenStore(token_file))
    with pytest.raises(ServerUnreachable) as info:
        await client.login("anyone", "whatever")
    assert url in info.value.plain() and "retrying" in info.value.plain()
    assert not await client.healthy()
    await client.aclose()


def test_token_store_keeps_servers_apart(token_file: Path) -> None:
    store = TokenStore(token_file)
    store.save("http://a", StoredTokens("a1", "a2"))
    store.save("http://b", StoredTokens("b1", "b2"))
    store.clear("http://a")
    assert store.load("http://a") is None
    assert store.load("http://b") == StoredTokens("b1", "b2")
    token_file.write_text("not json")
    assert store.load("http://b") is None  # a damaged file means "sign in", not a crash


def test_backoff_grows_to_a_cap_and_resets() -> None:
    b = Backoff(initial=1, factor=2, cap=8, jitter=0)
    assert [b.next_delay() for _ in range(6)] == [1, 2, 4, 8, 8, 8]
    b.reset()
    assert b.next_delay() == 1
    jittery = Backoff(initial=10, jitter=0.2)
    assert 8 <= jittery.next_delay() <= 12
