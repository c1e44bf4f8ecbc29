"""A circuit breaker for the broker: once Redis stops answering, requests stop waiting on it.

After a failure the circuit opens for a cool-down (doubling with each failure in a row, up
to a cap); while open, every call fails at once without touching the network. When the
cool-down has passed, one call probes: success closes the circuit, failure opens it again.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Breaker:
    def __init__(
        self,
        cooldown: float = 0.5,
        max_cooldown: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.cooldown = cooldown
        self.max_cooldown = max_cooldown
        self._clock = clock
        self.failures = 0
        self._open_until = 0.0
        self._probing = False

    @property
    def is_open(self) -> bool:
        return self.failures > 0

    def allow(self) -> bool:
        """Whether a call may go to the network now."""
        if self.failures == 0:
            return True
        if self._probing or self._clock() < self._open_until:
            return False
        self._probing = True
        return True

    def failed(self) -> None:
        self.failures += 1
        self._probing = False
        wait = min(self.max_cooldown, self.cooldown * 2 ** min(self.failures - 1, 16))
        self._open_until = self._clock() + wait

    def succeeded(self) -> bool:
        """Record a success; True when it closed an open circuit."""
        was_open = self.failures > 0
        self.failures = 0
        self._probing = False
        return was_open
