"""What to do with a WeChat answer, and when to try again.

Each errcode of ``subscribe/send`` maps to one action; retries back off exponentially
with jitter so many relays that failed together do not return together.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    done = "done"
    drop_credit = "drop_credit"  # the resident refused: no credit, no retry
    reauth = "reauth"  # token invalid or expired: refresh once, retry now
    backoff = "backoff"  # quota or frequency limit: wait longer than usual
    dead = "dead"  # the message itself is wrong: retrying cannot help
    retry = "retry"  # transient: WeChat busy, network trouble


OK = 0
BUSY = -1
TOKEN_INVALID = (40001, 40014, 42001)
REFUSED = 43101
DAILY_QUOTA = 45009
FREQUENCY = 45011
BAD_DATA = 47003
BAD_TEMPLATE = 40037


def classify(errcode: int | None) -> Action:
    """``None`` stands for no answer at all (timeout, connection reset, HTTP error)."""
    if errcode == OK:
        return Action.done
    if errcode == REFUSED:
        return Action.drop_credit
    if errcode in TOKEN_INVALID:
        return Action.reauth
    if errcode in (DAILY_QUOTA, FREQUENCY):
        return Action.backoff
    if errcode in (BAD_DATA, BAD_TEMPLATE):
        return Action.dead
    return Action.retry


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 8
    base: float = 2.0  # seconds before the second attempt, on average
    cap: float = 600.0
    quota_wait: float = 60.0  # at least this long after a quota or frequency refusal

    def delay(self, attempts: int, action: Action, rng: random.Random | None = None) -> float:
        """Seconds to wait after ``attempts`` failed tries (full jitter in [0.5, 1.5))."""
        r = (rng or random).random()
        raw = min(self.cap, self.base * 2 ** max(0, attempts - 1))
        if action == Action.backoff:
            raw = max(raw, self.quota_wait)
        return raw * (0.5 + r)

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.max_attempts
