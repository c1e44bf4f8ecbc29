"""The HTTP half of the client: sign-in, transparent token refresh, typed requests."""

from __future__ import annotations

import asyncio
import functools
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from schemas.auth import Me, StaffLogin, StaffMe, TokenPair
from tui.client.errors import ApiError, ServerUnreachable, SignedOut
from tui.client.tokens import StoredTokens, TokenStore

T = TypeVar("T")
API = "/api/v1"
# 401 codes that a fresh access token can cure; anything else means sign in again.
_RENEWABLE = {"token_expired", "token_revoked", "invalid_token"}
UPLOAD_TIMEOUT = 60.0


class HttpClient:
    """One server, one signed-in staff member. Safe to share between workers."""

    def __init__(
        self,
        server: str,
        store: TokenStore | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.server = server.rstrip("/")
        self.store = store or TokenStore()
        self.tokens: StoredTokens | None = self.store.load(self.server)
        self.me: StaffMe | None = None
        self._http = httpx.AsyncClient(
            base_url=self.server, transport=transport, timeout=timeout, http2=False
        )
        self._refresh_lock = asyncio.Lock()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- sign-in -------------------------------------------------------------
    async def login(self, username: str, password: str) -> StaffMe:
        body = StaffLogin(username=username, password=password).model_dump()
        pair = await self._call("POST", f"{API}/auth/staff", json=body, auth=False)
        self._keep(TokenPair.model_validate(pair))
        return await self.whoami()

    async def resume(self) -> StaffMe | None:
        """Pick up a stored session; None when there is none or it cannot be renewed."""
        if self.tokens is None:
            return None
        try:
            return await self.whoami()
        except SignedOut:
            return None

    async def whoami(self) -> StaffMe:
        me = Me.model_validate(await self.call("GET", f"{API}/auth/me"))
        if me.staff is None:
            self._forget()
            raise SignedOut("this account is not a staff account")
        self.me = me.staff
        return me.staff

    async def logout(self) -> None:
        tokens = self.tokens
        try:
            if tokens is not None:
                await self.call(
                    "POST", f"{API}/auth/logout", json={"refresh_token": tokens.refresh_token}
                )
        except ApiError:
            pass  # signing out locally must work even when the server does not answer
        finally:
            self._forget()

    def _keep(self, pair: TokenPair) -> None:
        self.tokens = StoredTokens(pair.access_token, pair.refresh_token)
        self.store.save(self.server, self.tokens)

    def _forget(self) -> None:
        self.tokens = None
        self.me = None
        self.store.clear(self.server)

    async def access_token(self) -> str:
        if self.tokens is None:
            raise SignedOut()
        return self.tokens.access_token

    async def renew(self, stale: str | None) -> None:
        """Swap the refresh token once, even when many requests hit 401 together."""
        async with self._refresh_lock:
            if self.tokens is None:
                raise SignedOut()
            if stale is not None and self.tokens.access_token != stale:
                return  # another request already renewed it
            try:
                pair = await self._call(
                    "POST",
                    f"{API}/auth/refresh",
                    json={"refresh_token": self.tokens.refresh_token},
                    auth=False,
                )
            except ApiError as exc:
                if exc.status == 401:
                    self._forget()
                    raise SignedOut() from exc
                raise
            self._keep(TokenPair.model_validate(pair))

    # -- requests ------------------------------------------------------------
    async def get(self, path: str, model: Any, **params: Any) -> Any:
        clean = {k: v for k, v in params.items() if v is not None and v != ""}
        return _parse(model, await self.call("GET", f"{API}{path}", params=clean))

    async def send(self, method: str, path: str, model: Any, body: BaseModel | dict | None) -> Any:
        payload = (
            body.model_dump(mode="json", exclude_unset=True)
            if isinstance(body, BaseModel)
            else body
        )
        return _parse(model, await self.call(method, f"{API}{path}", json=payload))

    async def send_file(
        self, path: str, model: Any, name: str, data: bytes, mime: str, *, field: str = "file"
    ) -> Any:
        """One file as a multipart upload; a photo of 5 MB needs longer than other calls."""
        files = {field: (name, data, mime)}
        out = await self.call("POST", f"{API}{path}", files=files, timeout=UPLOAD_TIMEOUT)
        return _parse(model, out)

    async def get_bytes(self, path: str) -> bytes:
        """A binary resource (a photo): the body as it came, errors as for any call."""
        data: bytes = await self.call("GET", f"{API}{path}", raw=True)
        return data

    async def call(self, method: str, path: str, **kw: Any) -> Any:
        """Send with the access token; on an expired token renew once and resend."""
        token = await self.access_token()
        try:
            return await self._call(method, path, token=token, **kw)
        except ApiError as exc:
            if exc.status != 401 or exc.code not in _RENEWABLE:
                raise
        await self.renew(token)
        return await self._call(method, path, token=await self.access_token(), **kw)

    async def _call(
        self,
        method: str,
        path: str,
        *,
        auth: bool = True,
        token: str | None = None,
        raw: bool = False,
        **kw: Any,
    ) -> Any:
        headers = {}
        if auth:
            token = token or await self.access_token()
            headers["Authorization"] = f"Bearer {token}"
        try:
            resp = await self._http.request(method, path, headers=headers, **kw)
        except httpx.TimeoutException:
            raise ServerUnreachable(self.server, "no answer in time") from None
        except httpx.TransportError as exc:
            raise ServerUnreachable(self.server, _reason(exc)) from None
        if raw and resp.status_code < 400:
            return resp.content
        if resp.status_code == 204 or not resp.content:
            if resp.status_code >= 400:
                raise ApiError(resp.status_code, "error", resp.reason_phrase)
            return None
        try:
            data = resp.json()
        except ValueError:
            data = None
        if resp.status_code >= 400:
            err = data.get("error") if isinstance(data, dict) else None
            if not isinstance(err, dict):
                raise ApiError(resp.status_code, "error", resp.reason_phrase)
            raise ApiError(
                resp.status_code,
                str(err.get("code", "error")),
                str(err.get("message", "")),
                err.get("details"),
            )
        return data

    async def healthy(self) -> bool:
        try:
            resp = await self._http.get("/healthz", timeout=3.0)
        except httpx.HTTPError:
            return False
        return resp.status_code == 200


@functools.cache
def _adapter(model: Any) -> TypeAdapter[Any]:
    return TypeAdapter(model)


def _parse(model: Any, data: Any) -> Any:
    if model is None:
        return data
    try:
        return _adapter(model).validate_python(data)
    except ValidationError as exc:
        # The server and terminal disagree on the contract: say so rather than crash.
        raise ApiError(0, "bad_response", f"the server's answer was not understood: {exc}") from exc


def _reason(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if "refused" in text.lower() or "connect" in type(exc).__name__.lower():
        return "connection refused"
    return text
