"""The outbox relay: fans out outbox events, then sends deliveries with leases.

Runs beside the API (a Sanic-managed process) or alone (``linli-server relay``); any
number may run on PostgreSQL. At most ``relay_inflight`` sends are in flight at once,
which bounds what a relay killed at any instant can repeat.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
from datetime import timedelta
from typing import Any

from tortoise.expressions import Q

from server.broker import Broker, BrokerUnavailable, create_broker
from server.config import Settings
from server.db import close_db, init_db
from server.domain.delivery import Action, RetryPolicy
from server.models.notify import Channel, Delivery, DeliveryStatus
from server.models.records import OutboxEvent
from server.notify.claims import claim, db_now
from server.notify.fanout import FanOut
from server.notify.live import LIVE_CHANNEL
from server.notify.sender import Recorder, Sender, Write
from server.notify.token import AccessTokens
from server.notify.wechat import WeChatGateway

log = logging.getLogger("linli.relay")


class Relay:
    def __init__(
        self, settings: Settings, broker: Broker, gateway: WeChatGateway, tokens: AccessTokens
    ) -> None:
        self.s = settings
        self.broker = broker
        self.owner = f"{socket.gethostname()[:24]}:{os.getpid()}"
        self.fanout = FanOut(settings.notify_templates, settings.time_zone)
        policy = RetryPolicy(
            max_attempts=settings.relay_max_attempts, base=settings.relay_retry_base
        )
        self.policy = policy
        self.recorder = Recorder()
        self.sender = Sender(gateway, tokens, policy, record=self.recorder)
        self.queue: asyncio.Queue[tuple[Delivery, str]] = asyncio.Queue(2 * settings.relay_inflight)
        self.sent = 0
        self._freed = asyncio.Event()

    # -- outbox events -----------------------------------------------------
    async def fan_out_once(self) -> int:
        now = db_now()
        due = Q(processed_at__isnull=True) & Q(available_at__lte=now)
        token, events = await claim(
            OutboxEvent,
            due,
            owner=self.owner,
            limit=self.s.relay_batch,
            lease=self.s.relay_lease_seconds,
            broker=self.broker,
        )
        if not events:
            return 0
        live = await self.fanout.batch(events, token)
        # Events that failed stay unprocessed: back off before trying them again.
        failed = await OutboxEvent.filter(claimed_by=token, processed_at__isnull=True)
        for e in failed:
            delay = self.policy.delay(e.attempts + 1, Action.retry)
            await OutboxEvent.filter(id=e.id, claimed_by=token).update(
                attempts=e.attempts + 1,
                available_at=db_now() + timedelta(seconds=delay),
                claimed_by=None,
                claimed_until=None,
            )
        if live:
            # Only a wake-up: readers take the rows from the log, in id order (and also
            # read it on a timer, so a wake-up lost while the broker is away costs a poll).
            with contextlib.suppress(BrokerUnavailable):
                await self.broker.publish(LIVE_CHANNEL, str(live))
        return len(events)

    # -- deliveries --------------------------------------------------------
    async def claim_deliveries(self, limit: int) -> int:
        now = db_now()
        due = Q(status=DeliveryStatus.pending, channel=Channel.wechat, next_attempt_at__lte=now)
        token, rows = await claim(
            Delivery,
            due,
            owner=self.owner,
            limit=limit,
            lease=self.s.relay_lease_seconds,
            broker=self.broker,
        )
        for row in await self.sender.reserve(rows, token):
            await self.queue.put((row, token))
        return len(rows)

    def _lease_left(self, d: Delivery) -> bool:
        """Whether a send started now ends (answer or timeout) before our lease does.
        Past that point another relay may take the row, and sending would duplicate."""
        assert d.claimed_until is not None
        margin = timedelta(seconds=self.s.wechat_timeout + 1.0)
        return db_now() + margin < d.claimed_until

    async def _worker(self) -> None:
        while True:
            d, token = await self.queue.get()
            try:
                if not self._lease_left(d):
                    log.warning("lease of delivery %s ran short; giving it back", d.id)
                    await self.recorder(
                        [
                            Write(
                                Delivery,
                                {"id": d.id, "claimed_by": token},
                                {"claimed_by": None, "claimed_until": None},
                            )
                        ]
                    )
                    continue
                await self.sender.deliver(d, token)
                self.sent += 1
            except Exception:
                # The lease runs out and the delivery is tried again by someone.
                log.exception("delivery %s failed unexpectedly", d.id)
            finally:
                self.queue.task_done()
                self._freed.set()

    # -- running -----------------------------------------------------------
    async def drain(self) -> None:
        """Work until nothing is due (tests and one-off runs)."""
        workers = [asyncio.create_task(self._worker()) for _ in range(self.s.relay_inflight)]
        try:
            while True:
                n = await self.fan_out_once()
                m = await self.claim_deliveries(self.s.relay_inflight)
                await self.queue.join()
                if n == 0 and m == 0:
                    return
        finally:
            for w in workers:
                w.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            await self.recorder.close()

    async def _fan_out_loop(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                busy = await self.fan_out_once() > 0
            except BrokerUnavailable:  # the broker logs the outage; the rows wait
                busy = False
            except Exception:
                log.exception("fan-out round failed")
                busy = False
            if not busy:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.s.relay_poll_seconds)

    async def _claim_loop(self, stop: asyncio.Event) -> None:
        poll = self.s.relay_poll_seconds
        while not stop.is_set():
            busy = False
            try:
                # Claim ahead (up to twice the in-flight limit waiting) so workers never
                # wait on a claim; only sends in flight can be repeated after a crash.
                room = self.queue.maxsize - self.queue.qsize()
                if room > 0:
                    busy = await self.claim_deliveries(room) > 0
            except BrokerUnavailable:  # the broker logs the outage; the rows wait
                pass
            except Exception:
                log.exception("delivery claim failed")
            if not busy:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), poll)
            elif self.queue.full():
                # Wait for a free slot rather than claiming rows nobody can work on.
                self._freed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._freed.wait(), poll)

    async def run(self, stop: asyncio.Event) -> None:
        """Fan out and send until ``stop`` is set, then finish the sends in flight."""
        log.info("relay %s running (in flight ≤ %s)", self.owner, self.s.relay_inflight)
        workers = [asyncio.create_task(self._worker()) for _ in range(self.s.relay_inflight)]
        loops = [
            asyncio.create_task(self._fan_out_loop(stop)),
            asyncio.create_task(self._claim_loop(stop)),
        ]
        try:
            await stop.wait()
        finally:
            await asyncio.gather(*loops, return_exceptions=True)
            # Give back what was claimed but not started; finish what is in flight.
            tokens = set()
            while not self.queue.empty():
                _, token = self.queue.get_nowait()
                self.queue.task_done()
                tokens.add(token)
            await self.queue.join()
            for w in workers:
                w.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            await self.recorder.close()
            for token in tokens:
                await Delivery.filter(claimed_by=token, status=DeliveryStatus.pending).update(
                    claimed_by=None, claimed_until=None
                )
            log.info("relay %s stopped after %s deliveries", self.owner, self.sent)


def build(settings: Settings, broker: Broker) -> tuple[Relay, WeChatGateway]:
    gateway = WeChatGateway(
        settings.wechat_appid,
        settings.wechat_secret,
        settings.wechat_api_base,
        timeout=settings.wechat_timeout,
        threads=settings.relay_inflight,
    )
    tokens = AccessTokens(broker, gateway, margin=settings.wechat_token_margin)
    return Relay(settings, broker, gateway, tokens), gateway


async def run_relay(settings: Settings, stop_event: asyncio.Event) -> None:
    """Run a relay until ``stop_event`` is set: opens and closes its own connections."""
    await init_db(settings.database_url, time_zone=settings.time_zone)
    broker = create_broker(settings.redis_url, prefix=settings.redis_prefix, max_connections=64)
    relay, gateway = build(settings, broker)
    try:
        await relay.run(stop_event)
    finally:
        gateway.close()
        await broker.close()
        await close_db()


def main_relay(settings: Settings) -> None:
    """Entry point for ``linli-server relay``: runs until SIGTERM or SIGINT."""
    from server.context import configure_logging

    configure_logging()

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await run_relay(settings, stop)

    asyncio.run(main())


def serve_relay(settings: dict[str, Any]) -> None:
    """Target of the Sanic-managed relay process (it receives plain, picklable data)."""
    main_relay(Settings.model_validate(settings))


if __name__ == "__main__":
    main_relay(Settings())
