"""The ``linli-server`` command: serve, migrate, seed, and the outbox relay."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from time import perf_counter
from typing import TYPE_CHECKING

from server.config import Settings

if TYPE_CHECKING:
    from sanic import Sanic


async def _migrate_and_seed(settings: Settings, seed: bool) -> None:
    from server.db import close_db, init_db, migrate
    from server.seed import DEMO_PASSWORD, database_is_empty, seed_demo

    await migrate(settings.database_url)
    print("migrations applied")
    if not seed:
        return
    await init_db(settings.database_url)
    try:
        if await database_is_empty():
            if settings.linli_env == "production":
                print("empty database; not seeding demo data in production")
                return
            started = perf_counter()
            logins = await seed_demo()
            took = perf_counter() - started
            print(f"\nDemo street seeded in {took:.1f} s. Sign in to the terminal (make tui) with:")
            print(f"  password for every account: {DEMO_PASSWORD}")
            for login in logins:
                print(f"  {login.username:<18} {login.role:<20} {login.scope}")
            print()
        else:
            print("database already has data; demo seed skipped")
    finally:
        await close_db()


async def _kpi_build(settings: Settings) -> None:
    from server.db import close_db, init_db
    from server.services.kpi.build import fill_minutes

    await init_db(settings.database_url)
    try:
        print(f"working minutes written for {await fill_minutes():,} reports")
    finally:
        await close_db()


def serve(
    settings: Settings, factory: Callable[[], Sanic] | None = None, *, motd: bool = True
) -> None:
    """Serve ``factory``'s app (the production one by default) with Sanic's worker
    manager; each worker process builds its own app from the factory."""
    from sanic import Sanic
    from sanic.worker.loader import AppLoader

    from server.app import create_app

    loader = AppLoader(factory=factory or create_app)
    app = loader.load()
    app.prepare(
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        access_log=False,
        motd=motd,
    )
    Sanic.serve(primary=app, app_loader=loader)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="linli-server", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_serve = sub.add_parser("serve", help="serve the API")
    p_serve.add_argument("--host")
    p_serve.add_argument("--port", type=int)
    p_serve.add_argument("--workers", type=int)
    p_serve.add_argument("--migrate", action="store_true", help="apply migrations first")
    p_serve.add_argument("--seed", action="store_true", help="seed the demo street if empty")
    sub.add_parser("migrate", help="apply committed migrations")
    sub.add_parser("seed", help="apply migrations and seed the demo street if empty")
    sub.add_parser("relay", help="run an outbox relay on its own (run as many as needed)")
    sub.add_parser("kpi-build", help="fill the 考核 working minutes of reports that lack them")
    args = parser.parse_args(argv)

    # Options become environment so every Sanic worker process builds the same settings.
    for opt in ("host", "port", "workers"):
        value = getattr(args, opt, None)
        if value is not None:
            os.environ[opt.upper()] = str(value)
    settings = Settings()

    if settings.is_sqlite:
        path = settings.database_url.split("://", 1)[1].split("?", 1)[0]
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    if args.command == "migrate":
        asyncio.run(_migrate_and_seed(settings, seed=False))
    elif args.command == "seed":
        asyncio.run(_migrate_and_seed(settings, seed=True))
    elif args.command == "kpi-build":
        asyncio.run(_kpi_build(settings))
    elif args.command == "relay":
        from server.notify.relay import main_relay

        main_relay(settings)
    elif args.command == "serve":
        if args.migrate or args.seed:
            asyncio.run(_migrate_and_seed(settings, seed=args.seed))
        if settings.is_sqlite and settings.workers > 1:
            print("note: SQLite writes are serial; more than one worker adds tail latency")
        serve(settings)
    else:  # pragma: no cover - argparse guards this
        parser.error(f"unknown command {args.command}")
        sys.exit(2)


if __name__ == "__main__":
    main()
