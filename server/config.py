"""Settings read from the environment, with guards against unsafe production secrets."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JWT_SECRET = "linli-development-secret-not-for-production"  # noqa: S105 - refused in production


def default_templates() -> dict[str, dict[str, Any]]:
    """One progress template (工单进度提醒) for every step a resident is told about.

    Keys follow the template's own field names; a source names a value the relay
    provides (report_no, title, status_label, category, at) or is a literal after "=".
    """
    progress = "linli-report-progress"

    def entry(note: str) -> dict[str, Any]:
        return {
            "template_id": progress,
            "page": "pages/report/detail?id={report_id}",
            "fields": {
                "character_string1": "report_no",
                "thing2": "title",
                "phrase3": "status_label",
                "time4": "at",
                "thing5": "=" + note,
            },
        }

    return {
        "report.accepted": entry("工作人员已受理您的反映"),
        "report.dispatched": entry("已转交职能部门处理"),
        "report.status_changed": entry("您反映的事项有新进展"),
        "report.commented": entry("工作人员回复了您的反映"),
        "report.merged": entry("已与相同问题合并处理"),
        **governance_templates(),
    }


def governance_templates() -> dict[str, dict[str, Any]]:
    """Meeting and vote notices to the households of a building project."""
    notice = {
        "template_id": "linli-governance-notice",
        "page": "pages/governance/project?id={project_id}",
        "fields": {"thing1": "title", "time2": "starts_at", "thing3": "place", "thing4": "note"},
    }
    return {"meeting.called": notice, "vote.opened": notice, "vote.closed": notice}


class ConfigError(RuntimeError):
    """The configuration cannot be used to start the server."""


def _check_templates(templates: dict[str, dict[str, Any]]) -> None:
    """A bad template map would stop every event of its topic, so refuse it at start."""
    from server.domain.templates import kind_of

    for topic, spec in templates.items():
        fields = spec.get("fields")
        if not isinstance(spec.get("template_id"), str) or not spec["template_id"]:
            raise ConfigError(f"NOTIFY_TEMPLATES[{topic!r}] needs a template_id")
        if not isinstance(fields, dict) or not fields:
            raise ConfigError(f"NOTIFY_TEMPLATES[{topic!r}] needs a fields map")
        for key, source in fields.items():
            try:
                kind_of(key)
            except ValueError as exc:
                raise ConfigError(f"NOTIFY_TEMPLATES[{topic!r}]: {exc}") from None
            if not isinstance(source, str) or not source:
                raise ConfigError(f"NOTIFY_TEMPLATES[{topic!r}].fields[{key!r}] is empty")


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

    # Outbox relay: runs beside the API in a Sanic-managed process unless turned off
    # (then run `linli-server relay` on its own, as many as the database allows).
    relay_in_server: bool = True
    relay_batch: int = Field(default=200, ge=1, le=5000)
    relay_inflight: int = Field(default=32, ge=1, le=512)
    relay_lease_seconds: float = Field(default=30.0, gt=0)
    relay_poll_seconds: float = Field(default=0.5, gt=0)
    relay_max_attempts: int = Field(default=8, ge=1)
    relay_retry_base: float = Field(default=2.0, gt=0)
    # Refresh the shared WeChat access token this long before WeChat expires it.
    wechat_token_margin: int = Field(default=300, ge=0)
    # Subscribe-message templates per outbox topic: template id, page and field map.
    notify_templates: dict[str, dict[str, Any]] = Field(default_factory=default_templates)
    live_backlog_limit: int = Field(default=1000, ge=1)

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

    # Rota solving: solves at once per server process, each in a thread (0 = one per core).
    rota_solvers: int = Field(default=0, ge=0, le=64)

    # Visits: how many households a worker can visit in a day (the day plan's default),
    # and the largest registry file an import accepts.
    visit_day_capacity: int = Field(default=12, ge=1, le=100)
    # Triage queue pages each server process keeps while their scope is unchanged (0: none).
    queue_kept_pages: int = Field(default=1024, ge=0, le=1_000_000)
    # Due lists each server process keeps while their rows are unchanged (0: none).
    visit_kept_lists: int = Field(default=256, ge=0, le=100_000)
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
        _check_templates(self.notify_templates)
        if self.relay_lease_seconds < self.wechat_timeout + 3:
            # A relay only starts a send that can end before its lease does.
            raise ConfigError("RELAY_LEASE_SECONDS must exceed WECHAT_TIMEOUT by 3 seconds or more")
        if not self.wechat_api_base.endswith("/"):
            self.wechat_api_base += "/"
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
