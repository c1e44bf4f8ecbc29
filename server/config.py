"""Settings read from the environment, with guards against unsafe production secrets."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JWT_SECRET = "linli-development-secret-not-for-production"  # noqa: S105 - refused in production


class ConfigError(RuntimeError):
    """The configuration cannot be used to start the server."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    linli_env: Literal["development", "test", "production"] = "development"
    database_url: str = f"sqlite://{ROOT / 'var' / 'linli.sqlite3'}"
    redis_url: str | None = None
    redis_max_connections: int = 512
    redis_prefix: str = "linli:"

    wechat_appid: str = "wx-demo-appid"
    wechat_secret: str = "demo-secret"  # noqa: S105
    wechat_api_base: str = "https://api.weixin.qq.com/"
    wechat_timeout: float = 5.0

    jwt_secret: str = DEFAULT_JWT_SECRET
    access_token_ttl: int = Field(default=15 * 60, ge=30)
    refresh_token_ttl: int = Field(default=14 * 24 * 3600, ge=60)

    media_dir: Path = ROOT / "var" / "media"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    time_zone: str = "Asia/Shanghai"
    # Seconds between passes of the periodic jobs (assignment, overdue escalation); 0 = off.
    job_interval: float = 30.0

    # Staff login throttling: delay grows per failure, lockout after the limit.
    login_max_failures: int = 5
    login_lockout_seconds: int = 15 * 60
    login_ip_max_failures: int = 30

    # Rota solving: processes in the solver pool (0 = one per core).
    rota_processes: int = Field(default=0, ge=0, le=64)

    # Visits: how many households a worker can visit in a day (the day plan's default),
    # and the largest registry file an import accepts.
    visit_day_capacity: int = Field(default=12, ge=1, le=100)
    registry_import_max_bytes: int = 5 * 1024 * 1024
    # Open311 GeoReport v2 discovery. The changeset moves when the service list or the
    # endpoint changes; the base URL is the public one when behind a proxy.
    open311_base_url: str | None = None
    open311_changeset: datetime = datetime.fromisoformat("2026-11-27T00:00:00+08:00")
    open311_contact: str = "街道城运中心 Street operations centre: open311@linli.example"
    open311_key_service: str = "API keys are issued by the street's administrator on request"

    @model_validator(mode="after")
    def _guard_production(self) -> Settings:
        if self.linli_env == "production":
            if self.jwt_secret == DEFAULT_JWT_SECRET or len(self.jwt_secret) < 32:
                raise ConfigError(
                    "JWT_SECRET must be set to a random value of at least 32 characters "
                    "when LINLI_ENV=production"
                )
            if self.wechat_secret == "demo-secret":  # noqa: S105
                raise ConfigError("WECHAT_SECRET must be set when LINLI_ENV=production")
        if not self.wechat_api_base.endswith("/"):
            self.wechat_api_base += "/"
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
