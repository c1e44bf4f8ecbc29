"""``linli-server serve`` as a real process tree (main process, workers, relay) for
end-to-end tests: started in its own process group, stopped or killed as a whole."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from server.config import Settings
from tests.support.factories import PASSWORD
from tests.support.processes import ROOT

SERVER = [sys.executable, "-c", "from server.cli import main; main()", "serve"]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def served_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment a served process needs to share the test's database and broker."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RELAY_", "WECHAT_", "DATABASE_", "REDIS_", "LINLI_"))
    }
    env.update(
        {
            "LINLI_ENV": "test",
            "DATABASE_URL": settings.database_url,
            "REDIS_PREFIX": settings.redis_prefix,
            "WECHAT_API_BASE": settings.wechat_api_base,
            "WECHAT_APPID": settings.wechat_appid,
            "WECHAT_SECRET": settings.wechat_secret,
            "JWT_SECRET": settings.jwt_secret,
            "MEDIA_DIR": str(settings.media_dir),
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
        }
    )
    if settings.redis_url:
        env["REDIS_URL"] = settings.redis_url
    env.update(extra)
    return env


class Served:
    """One served process tree; ``base`` is its HTTP address, ``log`` holds its output."""

    def __init__(self, env: dict[str, str], log: Path, *, workers: int = 1) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {**env, "PORT": str(self.port), "HOST": "127.0.0.1", "WORKERS": str(workers)}
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(
                SERVER,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: workers stop with it
            )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.output()}")
            try:
                status, _ = self.request("GET", "/healthz", timeout=1)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"server not ready in {timeout}s:\n{self.output()}")

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = None,
        timeout: float = 60.0,
    ) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                raw = r.read()
                return r.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                return e.code, json.loads(raw)
            except ValueError:
                return e.code, raw.decode(errors="replace")

    def login(self, username: str, password: str = PASSWORD) -> str:
        status, body = self.request(
            "POST", "/api/v1/auth/staff", {"username": username, "password": password}
        )
        assert status == 200, body
        return str(body["access_token"])

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def signal(self, sig: int) -> None:
        """Signal the main process only, as a supervisor or ``docker stop`` does."""
        self.proc.send_signal(sig)

    def wait(self, timeout: float) -> int | None:
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def close(self) -> None:
        """Stop the whole group: SIGTERM, then SIGKILL for whatever lingers."""
        if self.proc.poll() is None:
            self.signal(signal.SIGTERM)
            if self.wait(20) is None:
                self._kill_group()
                self.proc.wait(10)
        # Workers or a relay left behind by a main process that died first.
        self._kill_group()

    def _kill_group(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
