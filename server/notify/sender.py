"""Sending WeChat deliveries: reserve credits, send, record each outcome.

A send's slot is freed only once its outcome is committed (retried while the database
refuses), so a relay killed at any instant repeats at most its in-flight limit. Outcomes
of concurrent sends share one commit (:class:`Recorder`), which is what lets one relay
push hundreds a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tortoise.expressions import F
from tortoise.models import Model
from tortoise.transactions import in_transaction

from server.domain.delivery import Action, RetryPolicy, classify
from server.models.notify import Delivery, DeliveryStatus, SubscriptionCredit
from server.notify.claims import db_now
from server.notify.token import AccessTokens
from server.notify.wechat import Answer, WeChatGateway

log = logging.getLogger("linli.relay")
NO_CREDIT = "no subscription credit"


@dataclass(frozen=True, slots=True)
class Write:
    model: type[Model]
    where: dict[str, Any]
    values: dict[str, Any]


NOW = object()  # stands for the commit time in a write's values


async def apply(writes: list[Write]) -> None:
    """Run the writes in one transaction, one UPDATE per group of writes that differ
    only in their row id (a batch of sends mostly ends the same way)."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    shapes: dict[tuple[Any, ...], Write] = {}
    for w in writes:
        key = (
            w.model,
            tuple(sorted((k, v) for k, v in w.where.items() if k != "id")),
            tuple(sorted(w.values.items(), key=lambda kv: kv[0])),
            "id" in w.where,
        )
        shapes.setdefault(key, w)
        groups.setdefault(key, []).append(w.where.get("id", 0))
    now = db_now()
    async with in_transaction() as conn:
        for key, ids in groups.items():
            w = shapes[key]
            where: dict[str, Any] = {k: v for k, v in w.where.items() if k != "id"}
            if key[3]:
                where["id__in"] = ids
            values = {k: (now if v is NOW else v) for k, v in w.values.items()}
            await w.model.filter(**where).using_db(conn).update(**values)


class Recorder:
    """Group commit: writes that arrive while a commit runs go together in the next."""

    def __init__(self) -> None:
        self._pending: list[tuple[list[Write], asyncio.Future[None]]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def __call__(self, writes: list[Write]) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run())
        done = asyncio.get_running_loop().create_future()
        self._pending.append((writes, done))
        self._wake.set()
        await done

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._pending = self._pending, []
            if not batch:
                continue
            try:
                await apply([w for writes, _ in batch for w in writes])
            except Exception as exc:
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


class Sender:
    def __init__(
        self,
        gateway: WeChatGateway,
        tokens: AccessTokens,
        policy: RetryPolicy,
        record: Any = apply,
    ) -> None:
        self.gateway = gateway
        self.tokens = tokens
        self.policy = policy
        self.record = record
        self.rng = random.Random()

    async def reserve(self, rows: list[Delivery], token: str) -> list[Delivery]:
        """Spend one credit per newly leased delivery, all in one transaction. Those
        without a credit are finished here (the inbox has them); the rest are returned."""
        wanted: dict[tuple[int, str], list[Delivery]] = {}
        for d in rows:
            if not d.credit_taken:
                wanted.setdefault((d.recipient_id, d.template_id), []).append(d)
        granted: list[Delivery] = []
        denied: list[Delivery] = []
        async with in_transaction() as conn:
            for (resident_id, template_id), group in wanted.items():
                credit = SubscriptionCredit.filter(
                    resident_id=resident_id, template_id=template_id
                ).using_db(conn)
                # All at once when enough are left (the usual case), else one by one.
                if await credit.filter(remaining__gte=len(group)).update(
                    remaining=F("remaining") - len(group)
                ):
                    granted += group
                    continue
                for d in group:
                    if await credit.filter(remaining__gt=0).update(remaining=F("remaining") - 1):
                        granted.append(d)
                    else:
                        denied.append(d)
            mine = Delivery.filter(claimed_by=token).using_db(conn)
            if granted:
                await mine.filter(id__in=[d.id for d in granted]).update(credit_taken=True)
            if denied:
                await mine.filter(id__in=[d.id for d in denied]).update(
                    status=DeliveryStatus.skipped,
                    last_error=NO_CREDIT,
                    claimed_by=None,
                    claimed_until=None,
                )
        for d in granted:
            d.credit_taken = True
        lost = {d.id for d in denied}
        return [d for d in rows if d.id not in lost]

    async def deliver(self, d: Delivery, token: str) -> Action:
        """Send a leased delivery that holds a credit, and record the outcome."""
        answer, used = await self._send(d)
        action = classify(answer.errcode)
        if action == Action.reauth:
            await self.tokens.invalidate(used)
            answer, _ = await self._send(d)
            action = classify(answer.errcode)
        await self._record(d, self._outcome(d, token, action, answer))
        if action == Action.dead or (
            action not in (Action.done, Action.drop_credit)
            and (self.policy.exhausted(d.attempts + 1))
        ):
            log.warning("delivery %s is a dead letter: %s %s", d.id, answer.errcode, answer.errmsg)
        return action

    async def _record(self, d: Delivery, writes: list[Write]) -> None:
        """Record a finished send, retrying while the database refuses: the send's slot
        stays taken until its outcome is committed, so a relay whose writes fail stops
        sending instead of piling up sends it cannot record (each would be repeated by
        whoever takes the row over). Past the lease the row may be someone else's: give up."""
        delay = 0.05
        while True:
            try:
                await self.record(writes)
                return
            except Exception:
                assert d.claimed_until is not None
                if db_now() + timedelta(seconds=delay) >= d.claimed_until:
                    log.error("outcome of delivery %s not recorded before its lease ran out", d.id)
                    raise
                log.warning("recording delivery %s failed; retrying", d.id, exc_info=True)
            await asyncio.sleep(delay)
            delay = min(2 * delay, 1.0)

    async def _send(self, d: Delivery) -> tuple[Answer, str]:
        m = d.message
        try:
            access = await self.tokens.get()
        except Exception as exc:  # WeChat's token endpoint is down: a retryable failure
            return Answer(None, f"no access token: {exc}"[:200]), ""
        answer = await self.gateway.send_subscribe(
            access, m["touser"], d.template_id, m["data"], m.get("page")
        )
        return answer, access

    def _outcome(self, d: Delivery, token: str, action: Action, answer: Answer) -> list[Write]:
        error = f"{answer.errcode}: {answer.errmsg}"[:255]
        mine = {"id": d.id, "claimed_by": token}
        tried = d.attempts + 1
        release: dict[str, Any] = {"claimed_by": None, "claimed_until": None, "attempts": tried}
        if action == Action.done:
            return [
                Write(Delivery, mine, {**release, "status": DeliveryStatus.sent, "sent_at": NOW})
            ]
        if action == Action.drop_credit:
            # WeChat holds no consent for this template any more: ours is stale too.
            credit = {"resident_id": d.recipient_id, "template_id": d.template_id}
            return [
                Write(SubscriptionCredit, credit, {"remaining": 0}),
                Write(
                    Delivery,
                    mine,
                    {**release, "status": DeliveryStatus.skipped, "last_error": error},
                ),
            ]
        if action == Action.dead or self.policy.exhausted(tried):
            reason = (
                error if action == Action.dead else f"gave up after {tried} attempts; last {error}"
            )
            return [
                Write(
                    Delivery,
                    mine,
                    {
                        **release,
                        "status": DeliveryStatus.dead,
                        "last_error": error,
                        "dead_reason": reason[:255],
                    },
                )
            ]
        delay = self.policy.delay(tried, action, self.rng)
        log.info("delivery %s failed (%s), retry in %.1fs", d.id, error, delay)
        return [
            Write(
                Delivery,
                mine,
                {
                    **release,
                    "last_error": error,
                    "next_attempt_at": db_now() + timedelta(seconds=delay),
                },
            )
        ]
