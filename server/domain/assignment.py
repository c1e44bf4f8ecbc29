"""Choosing a first responder: least open load weighted by priority, round robin on ties."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

# An urgent matter weighs as much as four routine ones in a worker's load.
PRIORITY_WEIGHT = {"low": 1, "normal": 2, "high": 3, "urgent": 4}
_NEVER = datetime.min


@dataclass(frozen=True, slots=True)
class Candidate:
    staff_id: int
    load: int
    last_assigned_at: datetime | None


def pick_owner(candidates: Sequence[Candidate], exclude: int | None = None) -> int | None:
    """The least loaded candidate; among equals, the one who waited longest for work."""
    pool = [c for c in candidates if c.staff_id != exclude]
    if not pool:
        return None

    def key(c: Candidate) -> tuple[int, datetime, int]:
        last = c.last_assigned_at.replace(tzinfo=None) if c.last_assigned_at else _NEVER
        return (c.load, last, c.staff_id)

    return min(pool, key=key).staff_id
