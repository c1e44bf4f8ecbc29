"""Fixtures shared by every test: backend choice, database, broker, app, fake WeChat.

The backend follows the environment: DATABASE_URL=postgres://… runs on PostgreSQL (a
fresh database per session), otherwise a SQLite file; REDIS_URL set runs the Redis
broker (a fresh key prefix per test), otherwise the in-process one.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from sanic import Sanic

from server.app import create_app
from server.broker import Broker, create_broker
from server.config import Settings
from server.db import close_db, init_db
from server.services.reports.queries import forget_queue_pages
from server.services.reports.sla import forget_hours
from server.services.visits.planning import forget_due_lists
from tests.support.asgi import asgi_client
from tests.support.db import (
    apply_migrations,
    create_postgres_database,
    drop_postgres_database,
    empty_all_tables,
    is_postgres_url,
)
from tests.support.fake_wechat import FakeState, FakeWeChat

BASE_DATABASE_URL = os.environ.get("DATABASE_URL")
REDIS_URL = os.environ.get("REDIS_URL") or None
ON_POSTGRES = is_postgres_url(BASE_DATABASE_URL)
TEST_JWT_SECRET = "test-secret-" + "x" * 40


def pytest_report_header(config: pytest.Config) -> str:
    db = "postgres" if ON_POSTGRES else "sqlite"
    return f"linli backend: {db} + {'redis' if REDIS_URL else 'memory'} broker"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ON_POSTGRES:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://…)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if ON_POSTGRES:
        assert BASE_DATABASE_URL is not None
        url, name = create_postgres_database(BASE_DATABASE_URL)
        apply_migrations(url)
        yield url
        drop_postgres_database(BASE_DATABASE_URL, name)
    else:
        path = tmp_path_factory.mktemp("db") / "linli.sqlite3"
        url = f"sqlite://{path}"
        apply_migrations(url)
        yield url


@pytest.fixture
def fake_wechat() -> Iterator[FakeWeChat]:
    fake = FakeWeChat(FakeState()).start_in_thread()
    yield fake
    fake.stop()


@pytest.fixture
def settings(database_url: str, fake_wechat: FakeWeChat, tmp_path: Path) -> Settings:
    return Settings(
        linli_env="test",
        database_url=database_url,
        redis_url=REDIS_URL,
        redis_prefix=f"linlitest:{secrets.token_hex(4)}:",
        wechat_appid=fake_wechat.state.appid,
        wechat_secret=fake_wechat.state.secret,
        wechat_api_base=fake_wechat.url,
        wechat_timeout=3.0,
        jwt_secret=TEST_JWT_SECRET,
        media_dir=tmp_path / "media",
    )


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[None]:
    await init_db(settings.database_url, time_zone=settings.time_zone)
    await empty_all_tables()
    forget_hours()  # ids repeat across tests' emptied databases
    forget_due_lists()
    forget_queue_pages()
    yield
    await close_db()


@pytest.fixture
async def broker(settings: Settings) -> AsyncIterator[Broker]:
    b = create_broker(settings.redis_url, prefix=settings.redis_prefix, max_connections=64)
    yield b
    if settings.redis_url:
        from server.broker.redis import RedisBroker

        assert isinstance(b, RedisBroker)
        keys = [k async for k in b.redis.scan_iter(match=settings.redis_prefix + "*")]
        if keys:
            await b.redis.delete(*keys)
    await b.close()


@pytest.fixture
async def app(settings: Settings, db: None, broker: Broker) -> AsyncIterator[Sanic]:
    application = create_app(settings, broker=broker, manage_db=False)
    yield application
    application.ctx.wechat.close()


@pytest.fixture
async def client(app: Sanic) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(app) as c:
        yield c
