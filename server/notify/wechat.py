"""WeChat through wechatpy, which is synchronous: every call runs in a thread pool.

The API base comes from settings (tests point it at a local fake that speaks WeChat's
wire format). WeChat's error codes are turned into domain errors here.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import requests
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from server.domain.errors import RateLimited, Unauthenticated, Unavailable

log = logging.getLogger("linli.wechat")
T = TypeVar("T")

# errcodes documented for sns/jscode2session
INVALID_CODE = 40029
CODE_USED = 40163
CODE_BLOCKED = 40226
RATE_LIMITED = 45011
BUSY = -1


@dataclass(frozen=True, slots=True)
class Answer:
    """WeChat's answer to a send: errcode 0 is success, None means no answer at all."""

    errcode: int | None
    errmsg: str


@dataclass(frozen=True, slots=True)
class Session:
    openid: str
    session_key: str
    unionid: str | None


class _Client(WeChatClient):
    """A WeChatClient whose base URL is ours and whose token comes from the caller.

    ``token_source`` returns the current access token. Calls that need none (login)
    leave it unset, and wechatpy then sends no access_token parameter at all.
    """

    def __init__(self, appid: str, secret: str, api_base: str, timeout: float) -> None:
        super().__init__(appid, secret, timeout=timeout, auto_retry=False)
        self.API_BASE_URL = api_base + "cgi-bin/"
        self.wxa.API_BASE_URL = api_base
        self.token_source: Any = None

    @property
    def access_token(self) -> str | None:  # type: ignore[override]
        return self.token_source() if self.token_source else None


class WeChatGateway:
    def __init__(
        self, appid: str, secret: str, api_base: str, *, timeout: float = 5.0, threads: int = 16
    ) -> None:
        self.appid = appid
        self.secret = secret
        self.api_base = api_base if api_base.endswith("/") else api_base + "/"
        self.timeout = timeout
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="wechat")
        self._local = threading.local()

    def client(self) -> _Client:
        return _Client(self.appid, self.secret, self.api_base, self.timeout)

    def _thread_client(self) -> _Client:
        # One client per pool thread keeps its HTTP connection alive between sends.
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = self.client()
        return client  # type: ignore[no-any-return]

    async def run(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, partial(fn, *args, **kwargs))

    async def code_to_session(self, code: str) -> Session:
        """Exchange a wx.login() code. The session_key must never leave the server."""
        client = self.client()
        try:
            data = await self.run(client.wxa.code_to_session, code)
        except WeChatClientException as exc:
            raise _login_error(exc) from None
        except (requests.RequestException, OSError) as exc:
            log.warning("jscode2session failed: %s", type(exc).__name__)
            raise Unavailable("WeChat did not answer; try again shortly") from None
        finally:
            client._http.close()
        openid = data.get("openid")
        if not openid or not data.get("session_key"):
            raise Unavailable("WeChat answered without an openid")
        return Session(openid=openid, session_key=data["session_key"], unionid=data.get("unionid"))

    async def stable_token(self, *, force_refresh: bool = False) -> tuple[str, int]:
        """A token from ``cgi-bin/stable_token``: the same one until near its expiry,
        unless forced (which invalidates the previous token for every process)."""
        payload = {
            "grant_type": "client_credential",
            "appid": self.appid,
            "secret": self.secret,
            "force_refresh": force_refresh,
        }

        def fetch() -> dict[str, Any]:
            client = self._thread_client()
            client.token_source = None
            return client.post("stable_token", data=payload)  # type: ignore[no-any-return]

        try:
            data = await self.run(fetch)
        except WeChatClientException as exc:
            raise Unavailable(f"WeChat refused the token request (errcode {exc.errcode})") from None
        except (requests.RequestException, OSError) as exc:
            raise Unavailable(f"WeChat did not answer the token request: {exc}") from None
        token, expires_in = data.get("access_token"), data.get("expires_in")
        if not token or not isinstance(expires_in, int):
            raise Unavailable("WeChat answered the token request without a token")
        return token, expires_in

    async def send_subscribe(
        self, token: str, touser: str, template_id: str, data: dict[str, Any], page: str | None
    ) -> Answer:
        """Send one subscribe message; every outcome comes back as an :class:`Answer`."""

        def send() -> Answer:
            client = self._thread_client()
            client.token_source = lambda: token
            try:
                client.wxa.send_subscribe_message(touser, template_id, data, page=page)
            except WeChatClientException as exc:
                return Answer(exc.errcode, str(exc.errmsg or "no answer"))
            except (requests.RequestException, OSError) as exc:
                # The connection may be half dead; the next send opens a fresh one.
                client._http.close()
                self._local.client = None
                return Answer(None, f"{type(exc).__name__}: {exc}"[:200])
            return Answer(0, "ok")

        return await self.run(send)  # type: ignore[no-any-return]

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _login_error(exc: WeChatClientException) -> Exception:
    code = exc.errcode
    if code in (INVALID_CODE, CODE_USED):
        return Unauthenticated(
            "the WeChat login code is invalid or used", code="wechat_invalid_code"
        )
    if code == CODE_BLOCKED:
        return Unauthenticated("this WeChat user is blocked", code="wechat_user_blocked")
    if code == RATE_LIMITED:
        return RateLimited("WeChat is limiting login requests; try again", retry_after=5)
    if code == BUSY or code is None:
        return Unavailable("WeChat is busy; try again shortly")
    log.warning("jscode2session errcode %s", code)
    return Unavailable(f"WeChat refused the login (errcode {code})")
