"""Residents' reports at every stage, each moved through the real use cases at times
counted back from now: new, accepted, in hand, dispatched (one leg waiting, one reported
back), waiting for the resident, resolved awaiting 回访, closed and rated, merged, reopened.

Open matters were moved within the last few hours, so every running deadline lies ahead
of the moment the demo was seeded (a working-time budget is never shorter than the real
time since the move); matters that are done may be days old."""

from __future__ import annotations

from datetime import datetime, timedelta

from schemas.reports import Location, ReportCreate
from server.auth.principal import Principal
from server.demo.street import DemoCommunity, DemoStreet
from server.domain.lifecycle import Move
from server.models.people import Resident, ResidentHousehold
from server.models.reports import Report
from server.services.auth import resident_principal, staff_principal
from server.services.reports import (
    NewLeg,
    accept_leg,
    comment,
    confirm,
    create_report,
    dispatch,
    rate,
    reassign,
    report_back,
    transition,
)

STORIES = [
    # (key, category, what the resident wrote)
    ("new", "sanitation", "3号楼门口垃圾桶满了两天没人清运，味道很大。"),
    ("new_second", "facilities", "5号楼楼道灯坏了，晚上老人上下楼很危险。"),
    ("accepted", "leak", "楼上卫生间漏水，我家天花板已经发霉，请帮忙协调。"),
    ("in_hand", "elderly", "隔壁独居的张阿姨三天没出门了，有点担心。"),
    ("dispatched", "illegal_building", "顶楼有人在露台上搭了一间铁皮房。"),
    ("reported_back", "greening", "小区中心绿地的树枝压到电线了。"),
    ("waiting", "noise", "晚上十一点以后楼下商铺还在装修，噪音很大。"),
    ("resolved", "parking", "消防通道长期被私家车占用，救护车进不来。"),
    ("closed", "facilities", "小区门口的路面塌了一个坑，电瓶车经过很危险。"),
    ("duplicate", "illegal_building", "我家楼顶多了一间铁皮房，是不是违章搭建？"),
    ("reopened", "sanitation", "垃圾房周围的污水一直没人清理。"),
]

FILED_AGO = {"new": 12, "new_second": 3, "closed": 3 * 24 * 60, "reopened": 2 * 24 * 60}


class _Story:
    """One community's reports, and the people who move them."""

    def __init__(self, street: DemoStreet, c: DemoCommunity, now: datetime) -> None:
        self.street, self.c, self.now = street, c, now
        self.ids: dict[str, int] = {}
        self.reporters: dict[int, Principal] = {}

    def ago(self, minutes: float) -> datetime:
        return self.now - timedelta(minutes=minutes)

    async def file(self, i: int, category: str, text: str, minutes_ago: float) -> int:
        household = self.c.households[(i * 17 + 3) % len(self.c.households)]
        resident = await Resident.create(
            openid=f"demo-{self.c.community.code}-{i + 1:03d}", nickname=f"居民{i + 1}"
        )
        await ResidentHousehold.create(
            resident=resident, household=household, verified_at=self.ago(60 * 24 * 30)
        )
        body = ReportCreate(
            category=category,
            description=text,
            location=Location(lat=31.2085 + i * 0.0007, lng=121.4225 + i * 0.0005),
        )
        made = await create_report(body, resident_principal(resident), now=self.ago(minutes_ago))
        self.reporters[made.report.id] = resident_principal(resident)
        return made.report.id

    async def owner(self, report_id: int, i: int, minutes_ago: float) -> Principal:
        """The grid's worker takes the matter up: the secretary hands it over when the
        desk on duty got it (a weekend has one desk for the whole community), a report
        nobody was on duty for is claimed, and the owner accepts."""
        worker = self.c.workers[i % len(self.c.workers)]
        p = staff_principal(worker)
        report = await Report.get(id=report_id)
        if report.owner_id is None:
            await transition(report_id, p, Move.claim, now=self.ago(minutes_ago))
        elif report.owner_id != worker.id:
            await reassign(
                report_id,
                worker.id,
                staff_principal(self.c.secretary),
                note="按网格转交责任社工",
                now=self.ago(minutes_ago + 5),
            )
        if report.owner_id is not None:
            await transition(report_id, p, Move.accept, now=self.ago(minutes_ago))
        # The first answer the resident gets, which stops the first-response clock.
        answer = f"您好，我是责任社工{worker.display_name}，已受理，会尽快跟进。"
        await comment(report_id, p, answer, now=self.ago(minutes_ago - 2))
        return p

    async def run(self) -> None:
        for i, (key, category, text) in enumerate(STORIES):
            await self.step(i, key, category, text)

    async def step(self, i: int, key: str, category: str, text: str) -> None:
        # Minutes ago each was filed: open matters within hours, done ones days ago.
        filed = FILED_AGO.get(key, 240 - i * 10)
        rid = await self.file(i, category, text, filed)
        self.ids[key] = rid
        if key.startswith("new"):
            return
        worker = await self.owner(rid, i, filed - 20)
        if key == "duplicate":
            await transition(
                rid,
                worker,
                Move.merge,
                survivor_id=self.ids["dispatched"],
                note="同一处铁皮房，并入先报的工单",
                now=self.ago(filed - 30),
            )
        elif key == "in_hand":
            await transition(rid, worker, Move.start, now=self.ago(filed - 40))
        elif key in ("dispatched", "reported_back"):
            await self.dispatched(rid, worker, key, filed - 30)
        elif key == "waiting":
            note = "请告知商铺门牌号，以便执法队上门。"
            await transition(rid, worker, Move.wait, note=note, now=self.ago(90))
        elif key == "resolved":
            note = "已联系车主挪车，并加装禁停标识。"
            await transition(rid, worker, Move.resolve, note=note, now=self.ago(45))
        elif key in ("closed", "reopened"):
            await self.done(rid, worker, key)

    async def dispatched(self, rid: int, worker: Principal, key: str, minutes_ago: float) -> None:
        dept = self.street.departments["chengguan" if key == "dispatched" else "fangban"]
        legs = [NewLeg(dept.id, 24.0, "请核实现场情况并依法处置，处置后反馈结果。")]
        [leg] = await dispatch(rid, worker, legs, "派单处置", now=self.ago(minutes_ago))
        if key == "reported_back":
            officer = staff_principal(self.street.staff["officer_fangban"])
            await accept_leg(rid, leg.id, officer, now=self.ago(120))
            result = "已派维修队修剪压线树枝，现场已恢复。"
            await report_back(rid, leg.id, officer, result, [], now=self.ago(60))

    async def done(self, rid: int, worker: Principal, key: str) -> None:
        note = "已安排清理维修完毕。"
        await transition(rid, worker, Move.resolve, note=note, now=self.ago(24 * 60))
        resident = self.reporters[rid]
        if key == "closed":
            await confirm(rid, resident, True, None, now=self.ago(20 * 60))
            await rate(rid, resident, 5, "修得很快，谢谢社区！", now=self.ago(20 * 60 - 5))
        else:
            still = "污水还在，下雨后更严重了。"
            await confirm(rid, resident, False, still, now=self.ago(30))


async def seed_reports(street: DemoStreet, now: datetime) -> None:
    """Every stage in every community. Inside the caller's transaction."""
    for c in street.communities:
        await _Story(street, c, now).run()
