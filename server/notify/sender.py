"""Sending one WeChat delivery: spend a credit, send, record the outcome.

Each outcome is written the moment WeChat answers, so a relay killed at any instant
repeats at most the sends it had in flight.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from server.domain.delivery import Action, RetryPolicy, classify
from server.models.notify import Delivery, DeliveryStatus, SubscriptionCredit
from server.notify.claims import db_now
from server.notify.token import AccessTokens
from server.notify.wechat import Answer, WeChatGateway

log = logging.getLogger("linli.relay")


class Sender:
    def __init__(self, gateway: WeChatGateway, tokens: AccessTokens, policy: RetryPolicy) -> None:
        self.gateway = gateway
        self.tokens = tokens
        self.policy = policy
        self.rng = random.Random()

    async def deliver(self, d: Delivery, token: str) -> Action | None:
        """Handle a leased delivery; None when there was nothing to send (no credit)."""
        if not d.credit_taken and not await self._take_credit(d, token):
            await self._finish(d, token, DeliveryStatus.skipped, reason="no subscription credit")
            return None
        answer, used = await self._send(d)
        action = classify(answer.errcode)
        if action == Action.reauth:
            await self.tokens.invalidate(used)
            answer, _ = await self._send(d)
            action = classify(answer.errcode)
        await self._record(d, token, action, answer)
        return action

    async def _take_credit(self, d: Delivery, token: str) -> bool:
        async with in_transaction() as conn:
            taken = await (
                SubscriptionCredit.filter(
                    resident_id=d.recipient_id, template_id=d.template_id, remaining__gt=0
                )
                .using_db(conn)
                .update(remaining=F("remaining") - 1)
            )
            if taken:
                await (
                    Delivery.filter(id=d.id, claimed_by=token)
                    .using_db(conn)
                    .update(credit_taken=True)
                )
        return bool(taken)

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

    async def _record(self, d: Delivery, token: str, action: Action, answer: Answer) -> None:
        error = f"{answer.errcode}: {answer.errmsg}"[:255]
        if action == Action.done:
            await Delivery.filter(id=d.id, claimed_by=token).update(
                status=DeliveryStatus.sent,
                attempts=d.attempts + 1,
                sent_at=db_now(),
                claimed_by=None,
                claimed_until=None,
            )
        elif action == Action.drop_credit:
            # WeChat holds no consent for this template any more: ours is stale too.
            await SubscriptionCredit.filter(
                resident_id=d.recipient_id, template_id=d.template_id
            ).update(remaining=0)
            await self._finish(d, token, DeliveryStatus.skipped, reason=error, tried=True)
        elif action == Action.dead:
            await self._finish(d, token, DeliveryStatus.dead, reason=error, tried=True)
        elif self.policy.exhausted(d.attempts + 1):
            reason = f"gave up after {d.attempts + 1} attempts; last {error}"[:255]
            await self._finish(d, token, DeliveryStatus.dead, reason=reason, tried=True)
        else:
            delay = self.policy.delay(d.attempts + 1, action, self.rng)
            await Delivery.filter(id=d.id, claimed_by=token).update(
                attempts=d.attempts + 1,
                last_error=error,
                next_attempt_at=db_now() + timedelta(seconds=delay),
                claimed_by=None,
                claimed_until=None,
            )
            log.info("delivery %s failed (%s), retry in %.1fs", d.id, error, delay)

    async def _finish(
        self,
        d: Delivery,
        token: str,
        status: DeliveryStatus,
        *,
        reason: str,
        tried: bool = False,
    ) -> None:
        await Delivery.filter(id=d.id, claimed_by=token).update(
            status=status,
            attempts=d.attempts + (1 if tried else 0),
            last_error=reason,
            dead_reason=reason if status == DeliveryStatus.dead else "",
            claimed_by=None,
            claimed_until=None,
        )
        if status == DeliveryStatus.dead:
            log.warning("delivery %s dead: %s", d.id, reason)
