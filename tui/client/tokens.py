"""Where the terminal keeps its tokens: one JSON file per user, readable only by them."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path


def config_dir() -> Path:
    """The XDG config directory for Linli (``$XDG_CONFIG_HOME/linli`` or ``~/.config/linli``)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "linli"


@dataclass(frozen=True, slots=True)
class StoredTokens:
    access_token: str
    refresh_token: str


class TokenStore:
    """Tokens per server URL, so one terminal can talk to a test and a live server."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "tokens.json"

    def _read_all(self) -> dict[str, dict[str, str]]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def load(self, server: str) -> StoredTokens | None:
        entry = self._read_all().get(server)
        if not isinstance(entry, dict):
            return None
        access, refresh = entry.get("access_token"), entry.get("refresh_token")
        if not isinstance(access, str) or not isinstance(refresh, str):
            return None
        return StoredTokens(access, refresh)

    def save(self, server: str, tokens: StoredTokens | None) -> None:
        data = self._read_all()
        if tokens is None:
            data.pop(server, None)
        else:
            data[server] = {
                "access_token": tokens.access_token,
                "refresh_token": tokens.refresh_token,
            }
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Create with 0600 from the start and replace atomically: the refresh token is a
        # password-equivalent and must never be readable by others, not even briefly.
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)

    def clear(self, server: str) -> None:
        self.save(server, None)
