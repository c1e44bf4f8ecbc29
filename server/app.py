"""The app factory: settings in, a wired Sanic app out. Wiring only."""

from __future__ import annotations

import gc
import itertools
from typing import Any

from sanic import Request, Sanic
from sanic.response import HTTPResponse

from server.api import api_group, errors, limits, root_blueprints, validation
from server.api.validation import check_path_ids
from server.auth import access
from server.auth.tokens import TokenSigner
from server.broker import Broker, create_broker
from server.config import Settings
from server.context import client_ip_var, configure_logging, request_id_from, request_id_var
from server.db import close_db, init_db
from server.jobs import install_jobs
from server.notify.live import LiveHub
from server.notify.wechat import WeChatGateway
from server.rota.pool import configure as configure_solver_pool
from server.rota.pool import stop_solves
from server.services import standing
from server.services.auth import AuthService, LoginPolicy
from server.services.open311_keys import Open311Keys
from server.services.reports import queries
from server.services.rota.duty import use_broker
from server.services.visits import planning

_names = itertools.count()


def create_app(
    settings: Settings | None = None,
    *,
    broker: Broker | None = None,
    manage_db: bool = True,
    name: str | None = None,
) -> Sanic:
    """Build the app. Tests pass their own broker and open the database themselves."""
    settings = settings or Settings()
    configure_logging()
    app = Sanic(name or f"linli{next(_names) or ''}")
    app.config.update(
        FALLBACK_ERROR_FORMAT="json",
        # Our own document is built from the routes (server/api/openapi.py); the docs UI
        # would load its assets from a CDN, so there is none.
        OAS=False,
        # Every route is declared with its access policy; no framework-made routes.
        HTTP_AUTO_OPTIONS=False,
        HTTP_AUTO_HEAD=False,
        HTTP_AUTO_TRACE=False,
        HEALTH=False,
        CORS=False,
        # TouchUp rewrites class methods once per process; tests build many apps.
        TOUCHUP=settings.linli_env != "test",
    )
    app.ctx.settings = settings
    planning.keep_due_lists(settings.visit_kept_lists)
    queries.keep_queue_pages(settings.queue_kept_pages)
    app.ctx.signer = TokenSigner(
        settings.jwt_secret, settings.access_token_ttl, settings.refresh_token_ttl
    )
    app.ctx.wechat = WeChatGateway(
        settings.wechat_appid,
        settings.wechat_secret,
        settings.wechat_api_base,
        timeout=settings.wechat_timeout,
    )
    app.ctx.broker = broker or create_broker(
        settings.redis_url,
        prefix=settings.redis_prefix,
        max_connections=settings.redis_max_connections,
    )
    configure_solver_pool(settings.rota_solvers)
    use_broker(app.ctx.broker)  # the on-duty cache lives in the broker, shared by workers
    standing.use_broker(app.ctx.broker)  # so does every caller's standing (staff row, sign-in)
    app.ctx.auth = AuthService(
        app.ctx.signer,
        app.ctx.broker,
        app.ctx.wechat,
        LoginPolicy(
            max_failures=settings.login_max_failures,
            lockout_seconds=settings.login_lockout_seconds,
            ip_max_failures=settings.login_ip_max_failures,
            delay_base=0.0 if settings.linli_env == "test" else 0.25,
        ),
    )
    app.ctx.api_keys = Open311Keys(app.ctx.broker)

    app.ctx.live = LiveHub(app.ctx.broker)

    app.blueprint(api_group())
    for bp in root_blueprints():
        app.blueprint(bp)
    errors.install(app)
    limits.install(app)  # body limits, before any body is read
    access.install(app)
    validation.install(app)
    app.on_request(check_path_ids)
    _install_request_context(app)
    if manage_db:
        install_jobs(app, settings)
    if settings.relay_in_server:
        _manage_relay(app, settings)

    @app.before_server_start
    async def _open(app: Sanic, _: Any = None) -> None:
        access.assert_every_route_guarded(app)
        if manage_db:
            await init_db(settings.database_url, time_zone=settings.time_zone)

    @app.after_server_start
    async def _settle(app: Sanic, _: Any = None) -> None:
        # Everything loaded at start-up (routes, models, schemas, the ORM) lives as long as
        # the process: moved out of the collector's reach, a full collection walks only
        # what requests leave behind instead of pausing every request for tens of ms.
        if manage_db:
            gc.collect()
            gc.freeze()

    @app.after_server_stop
    async def _close(app: Sanic, _: Any = None) -> None:
        await app.ctx.live.stop()
        if manage_db:
            await close_db()
            await app.ctx.broker.close()
            app.ctx.wechat.close()
        await stop_solves()

    return app


def _manage_relay(app: Sanic, settings: Settings) -> None:
    """The outbox relay as a Sanic-managed process beside the workers (only when the
    server is run by Sanic's manager: tests and in-process servers have none)."""
    from server.notify.relay import serve_relay

    @app.main_process_ready
    async def _relay(app: Sanic, _: Any = None) -> None:
        app.manager.manage(
            "LinliRelay", serve_relay, {"settings": settings.model_dump(mode="json")}
        )


def _install_request_context(app: Sanic) -> None:
    @app.on_request(priority=100)  # type: ignore[call-arg]
    async def _bind(request: Request) -> None:
        request.ctx.request_id = request_id_from(request.headers.get("X-Request-ID"))
        request_id_var.set(request.ctx.request_id)
        client_ip_var.set(request.client_ip or None)

    @app.on_response(priority=100)
    async def _tag(request: Request, response: HTTPResponse) -> None:
        # Requests that never reached routing (404, 405) were not bound above.
        rid = getattr(request.ctx, "request_id", None)
        if rid is None:
            rid = request.ctx.request_id = request_id_from(request.headers.get("X-Request-ID"))
        response.headers["X-Request-ID"] = rid
