"""Settings guards: production refuses default or short secrets."""

from __future__ import annotations

import pytest

from server.config import DEFAULT_JWT_SECRET, ConfigError, Settings


def test_production_refuses_default_secret() -> None:
    with pytest.raises((ConfigError, ValueError), match="JWT_SECRET"):
        Settings(linli_env="production", jwt_secret=DEFAULT_JWT_SECRET, wechat_secret="s" * 32)


def test_production_refuses_short_secret() -> None:
    with pytest.raises((ConfigError, ValueError), match="JWT_SECRET"):
        Settings(linli_env="production", jwt_secret="short", wechat_secret="s" * 32)


def test_production_accepts_a_real_secret() -> None:
    s = Settings(linli_env="production", jwt_secret="k" * 40, wechat_secret="real")
    assert s.linli_env == "production"


def test_development_defaults_run_embedded() -> None:
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.database_url.startswith("sqlite://") or "DATABASE_URL" in __import__("os").environ
    assert s.wechat_api_base.endswith("/")


def test_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WECHAT_API_BASE", "http://127.0.0.1:9")
    monkeypatch.setenv("REDIS_URL", "redis://x:6379/0")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.wechat_api_base == "http://127.0.0.1:9/" and s.redis_url == "redis://x:6379/0"
