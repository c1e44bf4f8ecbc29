"""Stand-in SLA clocks for tests that are not about the calendar."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any


def fixed_clock(clock: Any) -> Callable[..., Awaitable[Any]]:
    """A replacement for ``sla.clock_for`` that always answers ``clock``."""

    async def clock_for(community_id: int, tz: str = "", *, using_db: Any = None) -> Any:
        return clock

    return clock_for
