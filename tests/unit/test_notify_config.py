"""Template configuration is checked when the settings load."""

from __future__ import annotations

import json

import pytest

from server.config import ConfigError, Settings


def test_default_templates_are_valid() -> None:
    s = Settings(linli_env="test")
    assert s.notify_templates["report.accepted"]["fields"]["phrase3"] == "status_label"


def test_templates_come_from_json_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = {"report.accepted": {"template_id": "T1", "fields": {"thing1": "title"}}}
    monkeypatch.setenv("NOTIFY_TEMPLATES", json.dumps(spec))
    assert Settings(linli_env="test").notify_templates == spec


@pytest.mark.parametrize(
    "spec",
    [
        {"template_id": "", "fields": {"thing1": "title"}},
        {"template_id": "T", "fields": {}},
        {"template_id": "T", "fields": {"title": "title"}},
        {"template_id": "T", "fields": {"thing1": ""}},
    ],
)
def test_bad_templates_are_refused(spec: dict) -> None:
    with pytest.raises(ConfigError):
        Settings(linli_env="test", notify_templates={"report.accepted": spec})


def test_a_lease_shorter_than_a_send_is_refused() -> None:
    with pytest.raises(ConfigError):
        Settings(linli_env="test", relay_lease_seconds=5, wechat_timeout=5)
