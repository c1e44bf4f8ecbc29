"""The relay end to end against the fake WeChat server: fan-out, credits, errcodes,
retries, dead letters and leases."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from server.broker import Broker
from server.config import Settings
from server.models.notify import Delivery, DeliveryStatus, InboxMessage, LiveEvent
from server.models.records import OutboxEvent
from server.notify.claims import db_now
from server.services.notify import grant_credits
from tests.support.factories import make_resident, make_world
from tests.support.fake_wechat import FakeWeChat
from tests.support.notify import PROGRESS, make_relay, report_event

SEND = "/cgi-bin/message/subscribe/send"


async def _setup(credits: int = 1):
    world = await make_world()
    resident = await make_resident()
    for _ in range(credits):
        await grant_credits(resident.id, {PROGRESS: "accept"}, {PROGRESS})
    return world, resident


async def _accepted(world, resident) -> None:  # type: ignore[no-untyped-def]
    """Report 1 of the first community was accepted: the resident is to be told."""
    await report_event(
        "report.accepted",
        report_id=1,
        community_id=world.communities[0].id,
        resident_id=resident.id,
    )


async def test_accepted_report_reaches_wechat_and_inbox(
    db: None, settings: Settings, broker: Broker, fake_wechat: FakeWeChat
) -> None:
    world, resident = await _setup()
    c = world.communities[0]
    await report_event("report.accepted", report_id=7, community_id=c.id, resident_id=resident.id)
    await make_relay(settings, broker).drain()

    [sent] = fake_wechat.state.sent
    assert sent["touser"] == resident.openid
    assert sent["template_id"] == PROGRESS
    assert sent["page"] == "pages/report/detail?id=7"
    assert sent["data"]["character_string1"] == {"value": "R7"}
    assert sent["data"]["phrase3"] == {"value": "已受理"}
    d = await Delivery.get()
    assert d.status == DeliveryStatus.sent and d.attempts == 1 and d.claimed_by is None
    [msg] = await InboxMessage.filter(resident_id=resident.id)
    assert msg.report_id == 7 and "已受理" in msg.body
    assert (await OutboxEvent.get()).processed_at is not None


async def test_without_credit_only_the_inbox_gets_it(
    db: None, settings: Settings, broker: Broker, fake_wechat: FakeWeChat
) -> None:
    world, resident = await _setup(credits=1)
    c = world.communities[0]
    for i in (1, 2):
        await report_event(
            "report.status_changed", report_id=i, community_id=c.id, resident_id=resident.id
        )
    await make_relay(settings, broker).drain()

    assert len(fake_wechat.state.sent) == 1
    statuses = sorted(d.status for d in await Delivery.all())
    assert statuses == [DeliveryStatus.sent, DeliveryStatus.skipped]
    skipped = await Delivery.get(status=DeliveryStatus.skipped)
    assert skipped.last_error == "no subscription credit"
    assert await InboxMessage.filter(resident_id=resident.id).count() == 2


async def test_events_not_for_residents_make_no_delivery(
    db: None, settings: Settings, broker: Broker, fake_wechat: FakeWeChat
) -> None:
    world, resident = await _setup()
    c = world.communities[0]
    worker = world.staff["worker"]
    await report_event(
        "report.assigned",
        report_id=3,
        community_id=c.id,
        resident_id=resident.id,
        owner_id=worker.id,
    )
    await report_event(
        "report.commented", report_id=3, community_id=c.id, resident_id=resident.id, internal=True
    )
    await make_relay(settings, broker).drain()
    assert await Delivery.all().count() == 0
    assert await InboxMessage.all().count() == 0
    live = await LiveEvent.get()
    assert live.topic == "report.assigned" and live.staff_ids == [worker.id]
    assert live.street_id == world.street.id


async def test_refused_drops_the_credit_without_retry(
    db: None, settings: Settings, broker: Broker, fake_wechat: FakeWeChat
) -> None:
    world, resident = await _setup(credits=3)
    fake_wechat.state.script(SEND, 43101)
    await _accepted(world, resident)
    await make_relay(settings, broker).drain()
    d = await Delivery.get()
    assert d.status == DeliveryStatus.skipped and d.last_error.startswith("43101")
    assert fake_wechat.state.requests[SEND] == 1
    from server.models.notify import SubscriptionCredit

    assert (await SubscriptionCredit.get(resident_id=resident.id)).remaining == 0


async def test_invalid_token_is_refreshed_once_and_the_send_retried(
    db: None, settings: Settings, broker: Broker, fake_wechat: FakeWeChat
) -> None:
    world, resident = await _setup()
    fake_wechat.state.script(SEND, 40001)
    await _accepted(world, resident)
    await make_relay(settings, broker).drain()
    assert (await Delivery.get()).status == DeliveryStatus.sent
    assert fake_wechat.state.requests[SEND] == 2
    assert fake_wechat.state.token_fetches == 2  # the first token, then a forced one


async def test_token_refused_twice_is_retried_later(
    db: None, settings: Settings, broker: Broker, fake_wechat: FakeWeChat
) -> None:
    world, resident = await _setup()
    fake_wechat.state.script(SEND, 42001, 40014)
    await _accepted(world, resident)
    await make_relay(settings, broker).drain()
    d = await Delivery.get()
    assert d.status == DeliveryStatus.pending and d.attempts == 1
    assert fake_wechat.state.requests[SEND] == 2  # refreshed once, not in a loop


async def test_busy_retries_with_backoff_then_sends_once(
    db: None, settings: Settings, broker: Broker, fake_wechat: FakeWeChat
) -> None:
    world, resident = await _setup()
    fake_wechat.state.script(SEND, -1, -1)
    await _accepted(world, resident)
    relay = make_relay(settings, broker)
    waits = []
    for attempt in (1, 2):
        before = db_now()
        await relay.drain()
        d = await Delivery.get()
        assert d.status == DeliveryStatus.pending and d.attempts == attempt
        assert d.last_error.startswith("-1")
        waits.append((d.next_attempt_at - before).total_seconds())
        await Delivery.filter(id=d.id).update(next_attempt_at=db_now())
    # Full jitter around base * 2**(n-1): [1, 3) then [2, 6) seconds with base 2.
    assert 1 <= waits[0] < 3.5 and 2 <= waits[1] < 6.5
    await relay.drain()
    d = await Delivery.get()
    assert d.status == DeliveryStatus.sent and d.attempts == 3
    assert len(fake_wechat.state.sent) == 1
    # The credit was spent once, on the first try, not on each retry.
    from server.models.notify import SubscriptionCredit

    assert (await SubscriptionCredit.get(resident_id=resident.id)).remaining == 0


async def test_quota_refusal_backs_off_at_least_the_quota_wait(
    db: None, settings: Settings, broker: Broker, fake_wechat: FakeWeChat
) -> None:
    world, resident = await _setup()
    fake_wechat.state.script(SEND, 45011)
    await _accepted(world, resident)
    before = db_now()
    await make_relay(settings, broker).drain()
    d = await Delivery.get()
    assert d.status == DeliveryStatus.pending
    assert d.next_attempt_at - before >= timedelta(seconds=30)


async def test_bad_data_is_a_dead_letter_with_the_reason(
    db: None, settings: Settings, broker: Broker, fake_wechat: FakeWeChat
) -> None:
    world, resident = await _setup()
    fake_wechat.state.script(SEND, 47003)
    await _accepted(world, resident)
    await make_relay(settings, broker).drain()
    d = await Delivery.get()
    assert d.status == DeliveryStatus.dead
    assert d.dead_reason.startswith("47003") and "invalid" in d.dead_reason


async def test_dead_letter_after_max_attempts(
    db: None, settings: Settings, broker: Broker, fake_wechat: FakeWeChat
) -> None:
    world, resident = await _setup()
    fake_wechat.state.script(SEND, "drop", "drop", "drop")
    await _accepted(world, resident)
    relay = make_relay(settings, broker, relay_max_attempts=3)
    for _ in range(3):
        await relay.drain()
        await Delivery.filter(status=DeliveryStatus.pending).update(next_attempt_at=db_now())
    d = await Delivery.get()
    assert d.status == DeliveryStatus.dead and d.attempts == 3
    assert d.dead_reason.startswith("gave up after 3 attempts")
    assert fake_wechat.state.requests[SEND] == 3


async def test_expired_lease_is_taken_by_another_relay(
    db: None, settings: Settings, broker: Broker, fake_wechat: FakeWeChat
) -> None:
    world, resident = await _setup()
    await _accepted(world, resident)
    relay = make_relay(settings, broker)
    await relay.fan_out_once()
    # A relay that died holding the lease: nobody may take it until it runs out.
    await Delivery.all().update(claimed_by="dead:1", claimed_until=db_now() + timedelta(hours=1))
    await relay.drain()
    assert fake_wechat.state.sent == []
    await Delivery.all().update(claimed_until=db_now() - timedelta(seconds=1))
    await relay.drain()
    assert len(fake_wechat.state.sent) == 1


async def test_concurrent_relays_send_each_message_once(
    db: None, settings: Settings, broker: Broker, fake_wechat: FakeWeChat
) -> None:
    world, resident = await _setup(credits=60)
    for i in range(60):
        await report_event(
            "report.accepted",
            report_id=i + 1,
            community_id=world.communities[0].id,
            resident_id=resident.id,
            title=f"事项{i}",
        )
    fake_wechat.state.latency = 0.002
    relays = [make_relay(settings, broker, relay_batch=7, relay_inflight=4) for _ in range(3)]
    await asyncio.gather(*(r.drain() for r in relays))
    assert await Delivery.filter(status=DeliveryStatus.sent).count() == 60
    assert sorted(fake_wechat.state.received.values()) == [1] * 60


async def test_concurrent_claims_never_share_a_row(
    db: None, settings: Settings, broker: Broker, fake_wechat: FakeWeChat
) -> None:
    """Many claimers at once (on PostgreSQL: separate connections, SKIP LOCKED) each get
    a disjoint set of rows, and together all of them."""
    from tortoise.expressions import Q

    from server.notify.claims import claim

    world, resident = await _setup(credits=0)
    for i in range(120):
        await report_event(
            "report.accepted",
            report_id=i + 1,
            community_id=world.communities[0].id,
            resident_id=resident.id,
        )
    await make_relay(settings, broker).fan_out_once()
    due = Q(status=DeliveryStatus.pending)

    async def claimer(n: int) -> list[int]:
        got: list[int] = []
        while True:
            _, rows = await claim(Delivery, due, owner=f"c{n}", limit=7, lease=60, broker=broker)
            if not rows:
                return got
            got += [r.id for r in rows]

    claimed = await asyncio.gather(*(claimer(n) for n in range(6)))
    flat = [i for ids in claimed for i in ids]
    assert len(flat) == len(set(flat)) == 120


async def test_every_follower_is_told_once_and_not_of_their_own_action(
    db: None, settings: Settings, broker: Broker, fake_wechat: FakeWeChat
) -> None:
    world, reporter = await _setup()
    follower = await make_resident()
    await grant_credits(follower.id, {PROGRESS: "accept"}, {PROGRESS})
    c = world.communities[0].id
    common = {"community_id": c, "resident_id": reporter.id}
    both = [reporter.id, follower.id]
    # One claim: its own topic tells them; the status_changed twin must not repeat it.
    await report_event("report.accepted", report_id=1, resident_ids=both, kind="claim", **common)
    await report_event(
        "report.status_changed", report_id=1, resident_ids=both, kind="claim", **common
    )
    # An internal note, and the reporter confirming the fix themself.
    await report_event("report.commented", report_id=1, resident_ids=both, public=False, **common)
    await report_event(
        "report.status_changed",
        report_id=1,
        resident_ids=both,
        kind="confirm",
        status="closed",
        actor_type="resident",
        actor_id=reporter.id,
        note="谢谢，灯已经亮了",
        **common,
    )
    await make_relay(settings, broker).drain()

    inbox = {(m.resident_id, m.topic) for m in await InboxMessage.all()}
    assert inbox == {
        (reporter.id, "report.accepted"),
        (follower.id, "report.accepted"),
        (follower.id, "report.status_changed"),
    }
    closed = await InboxMessage.get(resident_id=follower.id, topic="report.status_changed")
    assert "已办结" in closed.body and "灯已经亮了" in closed.body
    assert sorted(s["touser"] for s in fake_wechat.state.sent) == sorted(
        [reporter.openid, follower.openid]
    )
