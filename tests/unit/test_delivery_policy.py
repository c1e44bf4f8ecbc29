"""WeChat errcodes to actions, and the retry schedule."""

from __future__ import annotations

import random

import pytest

from server.domain.delivery import Action, RetryPolicy, classify


@pytest.mark.parametrize(
    ("errcode", "action"),
    [
        (0, Action.done),
        (43101, Action.drop_credit),
        (40001, Action.reauth),
        (42001, Action.reauth),
        (40014, Action.reauth),
        (45009, Action.backoff),
        (45011, Action.backoff),
        (47003, Action.dead),
        (-1, Action.retry),
        (None, Action.retry),
        (40003, Action.retry),
    ],
)
def test_classify(errcode: int | None, action: Action) -> None:
    assert classify(errcode) == action


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    p = RetryPolicy(base=2.0, cap=60.0, quota_wait=30.0)
    rng = random.Random(1)
    for n, centre in [(1, 2.0), (2, 4.0), (3, 8.0), (10, 60.0)]:
        samples = [p.delay(n, Action.retry, rng) for _ in range(200)]
        assert all(0.5 * centre <= s < 1.5 * centre for s in samples)
        assert max(samples) - min(samples) > 0.3 * centre  # jitter spreads retries
    assert p.delay(1, Action.backoff, rng) >= 15.0


def test_exhausted_after_max_attempts() -> None:
    p = RetryPolicy(max_attempts=3)
    assert not p.exhausted(2) and p.exhausted(3)
