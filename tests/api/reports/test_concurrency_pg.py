"""Never two owners: concurrent creates and claims on PostgreSQL, through separate pooled
connections. Each test also runs with the row locks switched off and shows the failure
the locks prevent, so the tests cannot pass by luck of scheduling."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator

import pytest
from tortoise import connections, timezone

from schemas.reports import ReportCreate
from server.broker import Broker
from server.domain.errors import Conflict
from server.domain.lifecycle import Move
from server.models.people import Role, Staff
from server.models.reports import Report, ReportEvent, WorkerLoad
from server.services import reports as svc
from server.services.auth import resident_principal, staff_principal
from server.services.reports import ownership
from server.services.reports.catalogue import seed_catalogue
from server.services.rota.duty import use_broker
from tests.support.factories import make_resident, make_staff, make_world

pytestmark = pytest.mark.postgres
ROUNDS = 6  # without the lock, the race has this many chances to show itself


@pytest.fixture(autouse=True)
def duty_cache(broker: Broker) -> Iterator[None]:
    # The on-duty cache lives in the broker the app installs; these tests have no app,
    # so give it this test's broker rather than one left behind by an earlier test.
    use_broker(broker)
    yield
    use_broker(None)


@pytest.fixture
def locking(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    monkeypatch.setattr(ownership, "LOCKING", request.param)
    return bool(request.param)


async def _setup(n_workers: int):
    await seed_catalogue()
    world = await make_world(tag="cc")
    c = world.communities[0]
    for i in range(n_workers - 2):
        await make_staff(Role.worker, community=c, username=f"cc-extra-{i}")
    return world, c


async def _open_counts(community_id: int) -> Counter[int]:
    from server.services.rota.duty import on_duty_worker_ids

    counts: Counter[int] = Counter(
        {w: 0 for w in await on_duty_worker_ids(community_id, timezone.localtime())}
    )
    counts.update(await Report.filter(community_id=community_id).values_list("owner_id", flat=True))
    return counts


@pytest.mark.parametrize("locking", [True, False], indirect=True, ids=["locked", "unlocked"])
async def test_concurrent_creates_keep_loads_within_one(db: None, locking: bool) -> None:
    world, c = await _setup(n_workers=4)
    residents = [resident_principal(await make_resident()) for _ in range(6)]
    body = ReportCreate(category="noise", description="并发", community_id=c.id)
    spread_ok = []
    for _ in range(ROUNDS):
        await asyncio.gather(*[svc.create_report(body, residents[i % 6]) for i in range(24)])
        counts = await _open_counts(c.id)
        spread_ok.append(max(counts.values()) - min(counts.values()) <= 1)
        loads = {w.staff_id: w.open_count for w in await WorkerLoad.all()}
        assert loads == dict(counts)  # the counters never drift from the reports
        if not locking and not all(spread_ok):
            break
    owners = await Report.filter(owner_id__isnull=True).count()
    assert owners == 0
    if locking:
        assert all(spread_ok)
    else:
        assert not all(spread_ok), "without the lock the race should have unbalanced loads"


@pytest.mark.parametrize("locking", [True, False], indirect=True, ids=["locked", "unlocked"])
async def test_concurrent_claims_give_one_owner(db: None, locking: bool) -> None:
    world, c = await _setup(n_workers=6)
    workers = [staff_principal(s) for s in await Staff.filter(community_id=c.id, role=Role.worker)]
    resident = resident_principal(await make_resident())
    body = ReportCreate(category="noise", description="抢单", community_id=c.id)
    doubled = 0
    for _ in range(ROUNDS):
        made = await svc.create_report(body, resident)
        rid = made.report.id
        # Put it back in the unowned pool, as when it waited for the next shift.
        await ownership.add_load(connections.get("default"), made.report.owner_id, "normal", -1)
        await Report.filter(id=rid).update(owner_id=None)

        async def claim(p):  # type: ignore[no-untyped-def]
            try:
                await svc.transition(rid, p, Move.claim)
                return True
            except Conflict:
                return False

        wins = sum(await asyncio.gather(*[claim(p) for p in workers]))
        events = await ReportEvent.filter(report_id=rid, kind="assigned")
        claimed = sum(1 for e in events if e.data.get("reason") == "claimed")
        if locking:
            assert wins == 1 and claimed == 1
        elif wins > 1:
            doubled += 1
            break
    loads = sum(w.open_count for w in await WorkerLoad.all())
    if locking:
        assert loads == ROUNDS  # one open report per round, counted once
    else:
        assert doubled, "without the lock two workers should have claimed the same report"
