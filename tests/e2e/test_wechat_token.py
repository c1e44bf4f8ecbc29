"""The shared access token: fetched once for every process, refreshed under a lock."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import orjson
import pytest

from server.broker import Broker, create_broker
from server.config import Settings
from server.notify.token import AccessTokens
from server.notify.wechat import WeChatGateway
from tests.support.fake_wechat import FakeWeChat


@pytest.fixture
async def second_broker(settings: Settings, broker: Broker) -> AsyncIterator[Broker]:
    """Another process's view of the broker: its own Redis connection pool, or (in
    process) the same memory broker."""
    if not settings.redis_url:
        yield broker
        return
    other = create_broker(settings.redis_url, prefix=settings.redis_prefix, max_connections=8)
    yield other
    await other.close()


def _tokens(settings: Settings, broker: Broker) -> AccessTokens:
    gw = WeChatGateway(
        settings.wechat_appid, settings.wechat_secret, settings.wechat_api_base, threads=4
    )
    return AccessTokens(broker, gw, margin=300)


async def test_concurrent_callers_in_two_processes_fetch_once(
    settings: Settings, broker: Broker, second_broker: Broker, fake_wechat: FakeWeChat
) -> None:
    fake_wechat.state.latency = 0.05  # a slow token endpoint widens the race
    a, b = _tokens(settings, broker), _tokens(settings, second_broker)
    got = await asyncio.gather(*(t.get() for t in [a, b] * 10))
    assert len(set(got)) == 1
    assert fake_wechat.state.token_fetches == 1
    assert fake_wechat.state.requests["/cgi-bin/stable_token"] == 1


async def test_a_refused_token_is_replaced_once_by_force(
    settings: Settings, broker: Broker, second_broker: Broker, fake_wechat: FakeWeChat
) -> None:
    a, b = _tokens(settings, broker), _tokens(settings, second_broker)
    old = await a.get()
    fake_wechat.state.latency = 0.05
    new = await asyncio.gather(a.invalidate(old), b.invalidate(old), a.invalidate(old))
    assert len(set(new)) == 1 and new[0] != old
    assert fake_wechat.state.token_fetches == 2
    assert old not in fake_wechat.state.tokens  # forcing ended the old token
    assert await b.get() == new[0]


async def test_near_expiry_the_next_token_is_fetched_before_it_is_needed(
    settings: Settings, broker: Broker, fake_wechat: FakeWeChat
) -> None:
    t = _tokens(settings, broker)
    first = await t.get()
    soon = time.time() + 120
    fake_wechat.state.tokens[first] = soon
    await broker.set(
        f"wechat:token:{settings.wechat_appid}",
        orjson.dumps({"token": first, "expires_at": soon}),
    )
    second = await t.get()
    assert second != first
    assert first in fake_wechat.state.tokens  # not forced: the old one lives out its time


async def test_stable_token_is_the_same_until_forced(fake_wechat: FakeWeChat) -> None:
    s = fake_wechat.state
    one, _ = s.stable_token(force=False)
    assert s.stable_token(force=False)[0] == one
    two, ttl = s.stable_token(force=True)
    assert two != one and ttl == s.token_ttl and one not in s.tokens
