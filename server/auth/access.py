"""The one access mechanism: every route declares who may call it, or the app won't start.

``@access(...)`` authenticates the caller (a bearer token, or for Open311 routes an
``api_key``), takes the caller's role and scope from the database (the staff row, and
whether the token's sign-in has ended: :mod:`server.services.standing`, cached in the
broker), checks the caller's kind and role, and puts the :class:`Principal` on
``request.ctx``. Record-level scope is in
:mod:`server.auth.scope`.

WebSocket routes follow the same policies. Browsers cannot set headers on a WebSocket,
so there the token may also come as ``?token=``; and the check runs before the
upgrade (:func:`install`), so a refused caller gets the usual JSON error, not a socket.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from functools import partial, wraps
from typing import Any, Protocol, TypeVar

from sanic import Request, Sanic

from server.auth.principal import Principal
from server.domain.errors import Forbidden, Unauthenticated, UnsupportedMedia
from server.models.people import Role
from server.services import standing

H = TypeVar("H", bound=Callable[..., Awaitable[Any]])
ALL_STAFF: frozenset[Role] = frozenset(Role)
MARK = "__linli_access__"


@dataclass(frozen=True, slots=True)
class Policy:
    public: bool = False
    residents: bool = False
    roles: frozenset[Role] = frozenset()
    api_key: bool = False  # Open311 clients, by the api_key form field

    def check(self, p: Principal) -> None:
        if p.is_client != self.api_key:
            raise Forbidden("this action is not for this kind of caller")
        if p.is_resident and not self.residents:
            raise Forbidden("this action is for staff only")
        if p.is_staff and p.role not in self.roles:
            raise Forbidden(
                "your role may not do this",
                details={"role": p.role, "allowed": sorted(r.value for r in self.roles)},
            )


async def authenticate_token(app: Sanic, token: str) -> Principal:
    """The token's holder, with role and scope as the database has them now."""
    return await standing.admit(app.ctx.signer.principal(token))


def bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        if is_websocket(request) and request.args.get("token"):
            return str(request.args.get("token")).strip()
        raise Unauthenticated("sign in first: send Authorization: Bearer <token>")
    return token.strip()


class KeyAuthenticator(Protocol):
    """Turns an Open311 api_key into its client (``app.ctx.api_keys``)."""

    async def authenticate(self, key: str) -> Principal: ...


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def api_key_of(request: Request) -> str:
    """GeoReport sends api_key as a field of the form-encoded body."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if request.body and content_type not in FORM_TYPES:
        raise UnsupportedMedia("send the request form-encoded (application/x-www-form-urlencoded)")
    form = request.form if request.body else None
    key = (form.get("api_key") or "").strip() if form else ""
    if not key:
        raise Unauthenticated("api_key was not provided", code="api_key_missing")
    return key


def is_websocket(request: Request) -> bool:
    """A WebSocket route asked for an upgrade (plain requests get Sanic's own refusal)."""
    route = request.route
    return bool(
        route is not None
        and getattr(route.extra, "websocket", False)
        and request.headers.get("upgrade", "").lower() == "websocket"
    )


async def _admit(request: Request, policy: Policy) -> None:
    if getattr(request.ctx, "admitted", None) is policy:
        return  # already checked before the WebSocket upgrade
    if policy.api_key:
        keys: KeyAuthenticator = request.app.ctx.api_keys
        principal = await keys.authenticate(api_key_of(request))
        policy.check(principal)
        request.ctx.principal = principal
    elif not policy.public:
        principal = await authenticate_token(request.app, bearer(request))
        policy.check(principal)
        request.ctx.principal = principal
    request.ctx.admitted = policy


def access(
    *,
    roles: Iterable[Role] = (),
    residents: bool = False,
    public: bool = False,
    api_key: bool = False,
) -> Callable[[H], H]:
    policy = Policy(public=public, residents=residents, roles=frozenset(roles), api_key=api_key)
    if not (public or residents or policy.roles or api_key):
        raise ValueError("an access policy must admit someone")

    def decorate(handler: H) -> H:
        @wraps(handler)
        async def guarded(request: Request, *args: Any, **kwargs: Any) -> Any:
            await _admit(request, policy)
            return await handler(request, *args, **kwargs)

        setattr(guarded, MARK, policy)
        return guarded  # type: ignore[return-value]

    return decorate


def public(handler: H) -> H:
    return access(public=True)(handler)


def staff(*roles: Role) -> Callable[[H], H]:
    """Staff of the given roles (all staff roles when none are named)."""
    return access(roles=roles or ALL_STAFF)


def residents_only(handler: H) -> H:
    return access(residents=True)(handler)


def open311_client(handler: H) -> H:
    """Open311 clients with a valid, unrevoked API key (rate-limited per key)."""
    return access(api_key=True)(handler)


def policy_of(handler: Any) -> Policy | None:
    seen = 0
    while handler is not None and seen < 10:
        found = getattr(handler, MARK, None)
        if found is not None:
            return found  # type: ignore[no-any-return]
        if isinstance(handler, partial) and handler.args and callable(handler.args[0]):
            # Sanic wraps WebSocket handlers as partial(app._websocket_handler, handler)
            handler = handler.args[0]
        else:
            handler = getattr(handler, "__wrapped__", None) or getattr(handler, "func", None)
        seen += 1
    return None


def unguarded_routes(app: Sanic) -> list[str]:
    missing = []
    for route in app.router.routes:
        if policy_of(route.handler) is None:
            missing.append(f"{'/'.join(route.parts)} ({route.name})")
    return missing


def install(app: Sanic) -> None:
    """Check WebSocket routes' policies before the upgrade, in the request middleware."""

    @app.on_request(priority=90)  # type: ignore[call-arg]
    async def _websocket_access(request: Request) -> None:
        if is_websocket(request) and request.route is not None:
            policy = policy_of(request.route.handler)
            if policy is not None:
                await _admit(request, policy)


def assert_every_route_guarded(app: Sanic) -> None:
    missing = unguarded_routes(app)
    if missing:
        raise RuntimeError(f"routes without an access policy: {', '.join(missing)}")
