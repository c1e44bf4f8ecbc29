"""The compose file parses and names the services the scaled setup needs."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_names_the_services() -> None:
    compose = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "api", "relay"} <= set(services)
    assert services["migrate"]["command"][-1] == "migrate"
    assert services["api"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert int(services["api"]["environment"]["WORKERS"]) > 1
    env = services["api"]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://") and env["REDIS_URL"].startswith("redis://")


def test_dockerfile_installs_pinned_versions() -> None:
    text = (ROOT / "docker" / "Dockerfile").read_text()
    assert "-c constraints.txt" in text and "linli-server" in text


def test_env_example_documents_every_setting() -> None:
    from server.config import Settings

    text = (ROOT / ".env.example").read_text()
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "WECHAT_APPID",
        "WECHAT_SECRET",
        "WECHAT_API_BASE",
        "JWT_SECRET",
        "MEDIA_DIR",
        "LINLI_ENV",
    ):
        assert name in text, name
        assert name.lower() in Settings.model_fields
