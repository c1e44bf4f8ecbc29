"""A local fake of WeChat's server API, speaking its documented wire format.

Paths, query parameters, JSON fields and errcodes follow WeChat's documentation for
sns/jscode2session, cgi-bin/token, cgi-bin/stable_token and
cgi-bin/message/subscribe/send. It runs in its own thread (so synchronous wechatpy calls
and other processes can reach it) or as a process: ``python -m tests.support.fake_wechat``.

Tests script it: register login codes, queue errcodes for a path, add latency, or make
it drop connections without answering. Run as a process, it is scripted over HTTP under
``/__fake__/`` (never a WeChat path): GET ``/__fake__/stats`` counts what it received per
(touser, template, message), POST ``/__fake__/config`` sets templates, credits, latency
and scripted answers.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import secrets
import threading
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

ERRMSG = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40013: "invalid appid",
    40029: "invalid code",
    40125: "invalid appsecret",
    40163: "code been used",
    42001: "access_token expired",
    43101: "user refuse to accept the msg",
    45009: "reach max api daily quota limit",
    45011: "api minute-quota reach limit  mustslower  retry next minute",
    47003: "argument invalid! data.thing1.value invalid",
    40037: "invalid template_id",
}


@dataclass
class FakeState:
    appid: str = "wx-test-appid"
    secret: str = "test-secret"
    # login code -> (openid, unionid)
    codes: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    used_codes: set[str] = field(default_factory=set)
    # path -> queue of errcodes (or "drop") to answer next
    scripted: dict[str, deque[Any]] = field(default_factory=lambda: defaultdict(deque))
    latency: float = 0.0
    tokens: dict[str, float] = field(default_factory=dict)  # token -> expires (epoch)
    token_ttl: int = 7200
    token_fetches: int = 0
    # template_id -> {key: kind}; unknown templates are refused with 40037 when non-empty
    templates: dict[str, dict[str, str]] = field(default_factory=dict)
    # openid -> template_id -> remaining one-time credits (None: don't track)
    credits: dict[str, dict[str, int]] | None = None
    sent: list[dict[str, Any]] = field(default_factory=list)
    requests: Counter[str] = field(default_factory=Counter)
    # accepted sends per "touser|template_id|message key" (duplicates show up as > 1)
    received: Counter[str] = field(default_factory=Counter)
    in_flight: int = 0  # requests read but not yet answered
    keep_sent: bool = True  # keep every body (off for long benchmark runs)
    # stable_token: one token shared by every caller until near expiry or forced
    stable: str | None = None
    stable_window: int = 300  # a normal call in the last 5 minutes gets the next token

    def add_code(self, code: str, openid: str | None = None, unionid: str | None = None) -> str:
        openid = openid or "o" + secrets.token_hex(13)
        self.codes[code] = (openid, unionid)
        return openid

    def script(self, path: str, *answers: Any) -> None:
        self.scripted[path].extend(answers)

    def new_token(self) -> str:
        token = "ACCESS_TOKEN_" + secrets.token_hex(16)
        self.tokens[token] = time.time() + self.token_ttl
        self.token_fetches += 1
        return token

    def stable_token(self, force: bool) -> tuple[str, int]:
        now = time.time()
        current = self.stable
        if current is not None and not force:
            left = self.tokens.get(current, 0) - now
            if left > self.stable_window:
                return current, int(left)
        if force and current is not None:
            # Forcing invalidates the previous token at once, for everyone.
            self.tokens.pop(current, None)
        self.stable = self.new_token()
        return self.stable, self.token_ttl

    def stats(self) -> dict[str, Any]:
        return {
            "received": dict(self.received),
            "accepted_total": sum(self.received.values()),
            "token_fetches": self.token_fetches,
            "in_flight": self.in_flight,
            "requests": dict(self.requests),
        }

    def configure(self, body: dict[str, Any]) -> None:
        if body.get("reset"):
            self.received.clear()
            self.sent.clear()
            self.requests.clear()
        if "templates" in body:
            self.templates = body["templates"]
        if "credits" in body:
            self.credits = body["credits"]
        if "latency" in body:
            self.latency = float(body["latency"])
        if "keep_sent" in body:
            self.keep_sent = bool(body["keep_sent"])
        for path, answers in (body.get("script") or {}).items():
            self.script(path, *answers)

    def expire_all_tokens(self) -> None:
        for t in self.tokens:
            self.tokens[t] = 0


def _err(code: int) -> dict[str, Any]:
    return {"errcode": code, "errmsg": ERRMSG.get(code, "error")}


class FakeWeChat:
    def __init__(self, state: FakeState | None = None, host: str = "127.0.0.1", port: int = 0):
        self.state = state or FakeState()
        self.host = host
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._conns: set[asyncio.Task[Any]] = set()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    # -- HTTP plumbing -----------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._conns.add(task)
            task.add_done_callback(self._conns.discard)
        try:
            while True:
                line = await reader.readline()
                if not line:
                    break
                method, target, _ = line.decode("latin-1").split(" ", 2)
                headers: dict[str, str] = {}
                while True:
                    h = await reader.readline()
                    if h in (b"\r\n", b"\n", b""):
                        break
                    k, _, v = h.decode("latin-1").partition(":")
                    headers[k.strip().lower()] = v.strip()
                length = int(headers.get("content-length", "0") or 0)
                raw = await reader.readexactly(length) if length else b""
                self.state.in_flight += 1
                try:
                    if self.state.latency and not target.startswith("/__fake__/"):
                        await asyncio.sleep(self.state.latency)
                    with self._lock:
                        answer = self.route(method, target, raw)
                finally:
                    self.state.in_flight -= 1
                if answer is None:  # scripted: drop the connection without answering
                    break
                status, payload = answer
                body = json.dumps(payload, ensure_ascii=False).encode()
                writer.write(
                    f"HTTP/1.1 {status} OK\r\nContent-Type: application/json; charset=utf-8\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ValueError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    def route(self, method: str, target: str, raw: bytes) -> tuple[int, Any] | None:
        s = self.state
        parts = urlsplit(target)
        path = parts.path.rstrip("/")
        q = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if path.startswith("/__fake__/"):
            return self._control(method, path, raw)
        s.requests[path] += 1
        if s.scripted.get(path):
            answer = s.scripted[path].popleft()
            if answer == "drop":
                return None
            if isinstance(answer, int):
                return 200, _err(answer)
        body: dict[str, Any] = {}
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                return 200, _err(47001)
        if path == "/sns/jscode2session" and method == "GET":
            return 200, self._jscode2session(q)
        if path == "/cgi-bin/token" and method == "GET":
            return 200, self._token(q.get("grant_type"), q.get("appid"), q.get("secret"))
        if path == "/cgi-bin/stable_token" and method == "POST":
            refused = self._credentials(
                body.get("grant_type"), body.get("appid"), body.get("secret")
            )
            if refused:
                return 200, refused
            token, expires_in = s.stable_token(bool(body.get("force_refresh")))
            return 200, {"access_token": token, "expires_in": expires_in}
        if path == "/cgi-bin/message/subscribe/send" and method == "POST":
            return 200, self._subscribe_send(q.get("access_token"), body)
        return 404, {"errcode": 404, "errmsg": "not found"}

    # -- endpoints --------------------------------------------------------
    def _jscode2session(self, q: dict[str, str]) -> dict[str, Any]:
        s = self.state
        if q.get("grant_type") != "authorization_code":
            return _err(40002)
        if q.get("appid") != s.appid:
            return _err(40013)
        if q.get("secret") != s.secret:
            return _err(40125)
        code = q.get("js_code", "")
        if code in s.used_codes:
            return _err(40163)
        if code not in s.codes:
            return _err(40029)
        s.used_codes.add(code)
        openid, unionid = s.codes[code]
        out: dict[str, Any] = {"openid": openid, "session_key": secrets.token_urlsafe(16)}
        if unionid:
            out["unionid"] = unionid
        return out

    def _control(self, method: str, path: str, raw: bytes) -> tuple[int, Any]:
        if path == "/__fake__/stats" and method == "GET":
            return 200, self.state.stats()
        if path == "/__fake__/config" and method == "POST":
            self.state.configure(json.loads(raw or b"{}"))
            return 200, {"ok": True}
        return 404, {"errcode": 404, "errmsg": "not found"}

    def _credentials(
        self, grant: str | None, appid: str | None, secret: str | None
    ) -> dict[str, Any] | None:
        s = self.state
        if grant != "client_credential":
            return _err(40002)
        if appid != s.appid:
            return _err(40013)
        if secret != s.secret:
            return _err(40125)
        return None

    def _token(self, grant: str | None, appid: str | None, secret: str | None) -> dict[str, Any]:
        refused = self._credentials(grant, appid, secret)
        if refused:
            return refused
        return {"access_token": self.state.new_token(), "expires_in": self.state.token_ttl}

    def _subscribe_send(self, token: str | None, body: dict[str, Any]) -> dict[str, Any]:
        s = self.state
        if not token or token not in s.tokens:
            return _err(40001)
        if s.tokens[token] <= time.time():
            return _err(42001)
        touser, template = body.get("touser"), body.get("template_id")
        if not touser or not template or not isinstance(body.get("data"), dict):
            return _err(47003)
        if s.templates:
            if template not in s.templates:
                return _err(40037)
            for key in s.templates[template]:
                value = body["data"].get(key, {}).get("value")
                if not isinstance(value, str) or not value:
                    return {"errcode": 47003, "errmsg": f"argument invalid! data.{key}.value empty"}
        if s.credits is not None:
            left = s.credits.get(touser, {}).get(template, 0)
            if left <= 0:
                return _err(43101)
            s.credits[touser][template] = left - 1
        key = hashlib.sha1(
            json.dumps(
                [body.get("page"), body["data"]], sort_keys=True, ensure_ascii=False
            ).encode()
        ).hexdigest()[:16]
        s.received[f"{touser}|{template}|{key}"] += 1
        if s.keep_sent:
            s.sent.append(body)
        return {"errcode": 0, "errmsg": "ok", "msgid": sum(s.received.values())}

    # -- running ----------------------------------------------------------
    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    def start_in_thread(self) -> FakeWeChat:
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            self._loop.run_until_complete(self.start())
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="fake-wechat", daemon=True)
        self._thread.start()
        ready.wait(5)
        return self

    def stop(self) -> None:
        if self._loop is None:
            return
        loop = self._loop

        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
            # Clients keep connections alive: end them before the loop goes away.
            for task in list(self._conns):
                task.cancel()
            await asyncio.gather(*self._conns, return_exceptions=True)
            loop.stop()

        asyncio.run_coroutine_threadsafe(shutdown(), loop)
        if self._thread is not None:
            self._thread.join(5)


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the fake WeChat API server.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--appid", default="wx-test-appid")
    parser.add_argument("--secret", default="test-secret")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per answer")
    args = parser.parse_args()
    state = FakeState(appid=args.appid, secret=args.secret, latency=args.latency, keep_sent=False)
    fake = FakeWeChat(state, args.host, args.port)

    async def serve() -> None:
        await fake.start()
        print(f"fake WeChat on {fake.url}", flush=True)  # the port, for --port 0
        await asyncio.Event().wait()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
