"""Notification use cases: residents' subscribe-message consent and inbox, and the
operations view of the relay's queue for secretaries and admins."""

from __future__ import annotations

from datetime import timedelta

from tortoise.expressions import F, Q
from tortoise.functions import Count, Min
from tortoise.transactions import in_transaction

from schemas.notify import (
    ChannelDepth,
    DeliveryPage,
    DeliveryPublic,
    InboxItem,
    InboxPage,
    QueueStats,
    SubscriptionCredits,
)
from schemas.notify import (
    SubscriptionCredit as CreditOut,
)
from server.auth.principal import Principal
from server.auth.scope import ScopeRules, get_scoped, scoped
from server.domain.errors import Conflict, Invalid
from server.models.notify import Channel, Delivery, DeliveryStatus, InboxMessage, SubscriptionCredit
from server.models.records import OutboxEvent
from server.notify.claims import db_now
from server.services.audit import audit
from server.services.filters import given

DELIVERY_SCOPE = ScopeRules(community="community_id")


# -- residents ------------------------------------------------------------
async def grant_credits(
    resident_id: int, results: dict[str, str], known_templates: set[str]
) -> SubscriptionCredits:
    """Each "accept" is one more send for that template (one-time subscriptions)."""
    unknown = sorted(t for t in results if t not in known_templates)
    if unknown:
        raise Invalid(
            "these templates are not used by this service",
            code="unknown_template",
            details={"template_ids": unknown},
        )
    async with in_transaction() as conn:
        for template_id, answer in sorted(results.items()):
            if answer != "accept":
                continue
            row, _ = await SubscriptionCredit.get_or_create(
                resident_id=resident_id, template_id=template_id, using_db=conn
            )
            await (
                SubscriptionCredit.filter(id=row.id)
                .using_db(conn)
                .update(remaining=F("remaining") + 1, granted_total=F("granted_total") + 1)
            )
    return await credits_of(resident_id, known_templates)


async def credits_of(resident_id: int, known_templates: set[str]) -> SubscriptionCredits:
    rows = await SubscriptionCredit.filter(resident_id=resident_id).order_by("template_id")
    return SubscriptionCredits(
        credits=[
            CreditOut(
                template_id=r.template_id, remaining=r.remaining, granted_total=r.granted_total
            )
            for r in rows
        ],
        templates=sorted(known_templates),
    )


async def inbox(resident_id: int, before_id: int | None, limit: int, unread: bool) -> InboxPage:
    qs = InboxMessage.filter(resident_id=resident_id)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    qs = given(qs, id__lt=before_id)
    rows = await qs.order_by("-id").limit(limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    unread_count = await InboxMessage.filter(resident_id=resident_id, read_at__isnull=True).count()
    return InboxPage(
        items=[InboxItem.model_validate(r, from_attributes=True) for r in rows],
        unread=unread_count,
        next_before_id=rows[-1].id if more and rows else None,
    )


async def mark_read(resident_id: int, up_to_id: int | None) -> int:
    """Mark the resident's messages read (all, or those up to an id)."""
    qs = InboxMessage.filter(resident_id=resident_id, read_at__isnull=True)
    qs = given(qs, id__lte=up_to_id)
    return int(await qs.update(read_at=db_now()))


# -- operations -----------------------------------------------------------
async def queue_stats(p: Principal) -> QueueStats:
    now = db_now()
    base = scoped(Delivery.all(), p, DELIVERY_SCOPE)
    channels = []
    for channel in Channel:
        qs = base.filter(channel=channel)
        counts = dict(
            await qs.annotate(n=Count("id")).group_by("status").values_list("status", "n")
        )
        pending = qs.filter(status=DeliveryStatus.pending)
        oldest = await pending.annotate(m=Min("created_at")).values_list("m", flat=True)
        channels.append(
            ChannelDepth(
                channel=channel.value,
                pending=counts.get(DeliveryStatus.pending, 0),
                due_now=await pending.filter(next_attempt_at__lte=now).count(),
                retrying=await pending.filter(attempts__gt=0).count(),
                in_flight=await pending.filter(claimed_until__gt=now).count(),
                sent=counts.get(DeliveryStatus.sent, 0),
                skipped=counts.get(DeliveryStatus.skipped, 0),
                dead=counts.get(DeliveryStatus.dead, 0),
                oldest_pending_at=oldest[0] if oldest else None,
            )
        )
    outbox = scoped(OutboxEvent.filter(processed_at__isnull=True), p, DELIVERY_SCOPE)
    first = await outbox.order_by("id").first()
    failures = await base.filter(
        Q(status=DeliveryStatus.dead) | Q(attempts__gt=0, status=DeliveryStatus.pending),
        updated_at__gte=now - timedelta(hours=1),
    ).count()
    return QueueStats(
        outbox_unprocessed=await outbox.count(),
        outbox_oldest_at=first.created_at if first else None,
        channels=channels,
        failures_last_hour=failures,
    )


async def deliveries(
    p: Principal, state: str, channel: str | None, before_id: int | None, limit: int
) -> DeliveryPage:
    qs = scoped(Delivery.all(), p, DELIVERY_SCOPE)
    if state == "dead":
        qs = qs.filter(status=DeliveryStatus.dead)
    else:
        qs = qs.filter(status=DeliveryStatus.pending, attempts__gt=0)
    qs = given(qs, channel=channel, id__lt=before_id)
    rows = await qs.order_by("-id").limit(limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return DeliveryPage(
        items=[DeliveryPublic.model_validate(r, from_attributes=True) for r in rows],
        next_before_id=rows[-1].id if more and rows else None,
    )


async def retry_dead(p: Principal, delivery_id: int) -> DeliveryPublic:
    """Put a dead letter back in the queue with a fresh set of attempts."""
    async with in_transaction() as conn:
        d = await get_scoped(
            Delivery.all().using_db(conn).select_for_update(), p, DELIVERY_SCOPE, id=delivery_id
        )
        if d.status != DeliveryStatus.dead:
            raise Conflict(
                "only a dead letter can be retried",
                code="not_dead",
                details={"status": d.status.value},
            )
        await (
            Delivery.filter(id=d.id)
            .using_db(conn)
            .update(
                status=DeliveryStatus.pending,
                attempts=0,
                next_attempt_at=db_now(),
                dead_reason="",
                claimed_by=None,
                claimed_until=None,
            )
        )
        await audit(
            p,
            "notify.retry_dead_letter",
            "delivery",
            d.id,
            {"reason": d.dead_reason, "attempts": d.attempts},
            using_db=conn,
        )
        await d.refresh_from_db(using_db=conn)
    return DeliveryPublic.model_validate(d, from_attributes=True)
