"""What workers share: pub/sub, short locks, rate-limit counters, a cache with expiry.

Two implementations behind one interface: in-process (embedded default, one worker)
and Redis (scaled). Pick one with :func:`create_broker`.
"""

from __future__ import annotations

from server.broker.base import Broker, BrokerUnavailable, LockTimeout, Message, Subscription
from server.broker.memory import MemoryBroker


def create_broker(
    redis_url: str | None, *, prefix: str = "linli:", max_connections: int = 512
) -> Broker:
    if not redis_url:
        return MemoryBroker()
    from server.broker.redis import RedisBroker

    return RedisBroker(redis_url, prefix=prefix, max_connections=max_connections)


__all__ = [
    "Broker",
    "BrokerUnavailable",
    "LockTimeout",
    "MemoryBroker",
    "Message",
    "Subscription",
    "create_broker",
]
