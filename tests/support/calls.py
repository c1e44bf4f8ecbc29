"""Counting how often a coroutine function really runs, for tests of what is reused."""

from __future__ import annotations

from typing import Any

import pytest


def count_calls(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    """Wrap ``owner.name`` (an async function) so each call appends to the returned list."""
    runs: list[int] = []
    real = getattr(owner, name)

    async def counting(*args: Any) -> Any:
        runs.append(1)
        return await real(*args)

    monkeypatch.setattr(owner, name, counting)
    return runs
