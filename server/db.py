"""Database wiring: the Tortoise config for each backend, start-up and migrations."""

from __future__ import annotations

from typing import Any

import asyncpg
from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.api import migrate as _migrate

# Each Tortoise app: its model modules. Its migrations live in server.migrations.<label>.
APPS: dict[str, list[str]] = {
    "core": ["server.models.geo", "server.models.people", "server.models.records"],
    "notify": ["server.models.notify"],
    "reports": ["server.models.reports"],
    "rota": ["server.models.rota"],
    "visits": ["server.models.visits"],
    "open311": ["server.models.open311"],
    "governance": ["server.models.governance", "server.models.governance_votes"],
    "guides": ["server.models.guides"],
}


def _normalise_url(url: str) -> str:
    if url.startswith("postgresql://"):
        url = "postgres://" + url[len("postgresql://") :]
    if url.startswith("sqlite") and "busy_timeout" not in url:
        url += ("&" if "?" in url else "?") + "busy_timeout=10000"
    return url


class PooledConnection(asyncpg.Connection):  # type: ignore[misc]
    """A pooled PostgreSQL connection handed back without asyncpg's reset query.

    By default every release to the pool runs ``pg_advisory_unlock_all(); CLOSE ALL;
    UNLISTEN *; RESET ALL`` - one more round trip after each statement Tortoise runs
    outside a transaction, about a tenth of a short request's time. Linli keeps no
    session state on pooled connections: no session-level advisory locks (only
    ``pg_advisory_xact_lock``), no LISTEN, no cursors outside a transaction, no SET
    (``tests/unit/test_db.py`` keeps it so). An open transaction is still rolled back on
    release by asyncpg itself.
    """

    def get_reset_query(self) -> str:
        return ""


def _connection(database_url: str) -> str | dict[str, Any]:
    url = _normalise_url(database_url)
    config = expand_db_url(url)
    if config["engine"] == "tortoise.backends.sqlite":
        config["engine"] = "server.sqlite_engine"  # write transactions BEGIN IMMEDIATE
        return config
    if not url.startswith("postgres"):
        return url
    config["credentials"]["connection_class"] = PooledConnection
    return config


def tortoise_config(database_url: str, *, time_zone: str = "Asia/Shanghai") -> dict[str, Any]:
    return {
        "connections": {"default": _connection(database_url)},
        "apps": {
            label: {
                "models": modules,
                "default_connection": "default",
                "migrations": f"server.migrations.{label}",
            }
            for label, modules in APPS.items()
        },
        "use_tz": True,
        "timezone": time_zone,
    }


async def init_db(database_url: str, *, time_zone: str = "Asia/Shanghai") -> None:
    """Open connections. Schemas come only from migrations, never from the models.

    The context is also the process-wide fallback: Sanic opens it in a start-up
    listener, a different task from the ones that serve requests.
    """
    await Tortoise.init(
        config=tortoise_config(database_url, time_zone=time_zone), _enable_global_fallback=True
    )


async def close_db() -> None:
    await Tortoise.close_connections()


async def migrate(database_url: str) -> None:
    """Apply every committed migration that has not run yet."""
    await _migrate(config=tortoise_config(database_url))
    await Tortoise.close_connections()
