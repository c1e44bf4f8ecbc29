"""Demo data for the 办事指南 and the 责任清单 of the demo street, written through the
same use cases admins use (so the guides carry their search terms)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from tortoise.transactions import in_transaction

from schemas.guides import GuideIn
from server.domain import responsibility as rules
from server.models.geo import Building, Community, Estate, Street
from server.models.guides import BodyKind, Guide, Responsibility, ResponsibleBody, StreetSegment
from server.models.people import Department
from server.services.guides import catalogue
from server.services.reports.catalogue import catalogue as categories

# Real-world-shaped Shanghai 办事指南 (居住证, 加装电梯, 老年综合津贴, 医保, 垃圾分类 …).
GUIDES: list[dict[str, str]] = json.loads(
    (Path(__file__).with_name("demo_guides.json")).read_text(encoding="utf-8")
)
SEGMENTS = [("新华路", 1, 400), ("番禺路", 1, 300), ("法华镇路", 1, 600)]
DEPARTMENT_BODIES = {
    "chengguan": "城管中队",
    "fangban": "房办（房管所）",
    "lvhua": "绿化市容所",
    "paichusuo": "派出所",
    "shichang": "市场监管所",
    "jiaojing": "交警",
}
# category -> (department code or "committee", reason residents read)
COMMUNITY_LINES = {
    "sanitation": ("lvhua", "公共区域环境卫生由街道绿化市容所负责"),
    "illegal_building": ("chengguan", "违法搭建由城管执法中队查处"),
    "greening": ("lvhua", "公共绿地养护由绿化市容所负责"),
    "noise": ("chengguan", "商铺和装修噪音由城管执法中队处理；夜间生活噪音可拨打110"),
    "public_security": ("paichusuo", "治安事项由辖区派出所处理，紧急情况请拨打110"),
    "dispute": ("committee", "邻里纠纷由居委会人民调解委员会调解"),
    "elderly": ("committee", "为老服务由居委会社工对接"),
    "other": ("committee", "由居委会受理并协调"),
}
ESTATE_LINES = {
    "leak": "共用部位渗漏由小区物业先行维修，户内渗漏由物业协调上下邻居",
    "elevator": "电梯故障由物业报修维保单位，困人请拨打96333",
    "facilities": "楼道灯、门禁等共用设施由物业维修",
    "sanitation": "小区内保洁和垃圾箱房由物业负责",
    "parking": "小区内停车秩序由物业管理",
}
SEGMENT_LINES = {
    "parking": ("jiaojing", "道路上违法停车由交警处理"),
    "sanitation": ("lvhua", "道路保洁由绿化市容所负责"),
}


def _guide_in(i: int, g: dict[str, str], today: date) -> GuideIn:
    return GuideIn(**g, last_reviewed=today - timedelta(days=(i * 23) % 300))


async def seed_guides() -> int:
    """The demo 办事指南 (when there are none yet). Returns how many were added."""
    if await Guide.exists():
        return 0
    today = datetime.now(UTC).date()
    for i, g in enumerate(GUIDES):
        await catalogue.create(_guide_in(i, g, today), None)
    return len(GUIDES)


async def seed_responsibility(street: Street) -> int:
    """The demo street's bodies, segments and list lines. Returns the number of lines."""
    infos = await categories()
    depts = {d.code: d for d in await Department.filter(street_id=street.id)}
    lines: list[dict[str, Any]] = []
    async with in_transaction() as conn:

        async def body(kind: BodyKind, name: str, **kw: Any) -> ResponsibleBody:
            return await ResponsibleBody.create(
                street_id=street.id, kind=kind, name=name, using_db=conn, **kw
            )

        forces = {
            code: await body(BodyKind.department, name, department=depts[code], hotline="12345")
            for code, name in DEPARTMENT_BODIES.items()
            if code in depts
        }
        segments = [
            await StreetSegment.create(
                street_id=street.id, road=r, from_no=a, to_no=b, using_db=conn
            )
            for r, a, b in SEGMENTS
        ]

        def line(code: str, place: str, pid: int, community_id: int, b: ResponsibleBody,
                 reason: str, **cols: Any) -> None:  # fmt: skip
            if code in infos:
                lines.append(dict(street_id=street.id, category_id=infos[code].id,
                                  place_key=rules.place_key(place, pid), level=rules.LEVELS[place],
                                  community_id=community_id, body_id=b.id, reason=reason,
                                  **cols))  # fmt: skip

        communities = await Community.filter(street_id=street.id).order_by("id")
        for n, c in enumerate(communities):
            committee = await body(
                BodyKind.committee, c.name, community_id=c.id, hotline=f"021-6251{n:04d}"
            )
            for code, (who, reason) in COMMUNITY_LINES.items():
                b = committee if who == "committee" else forces.get(who)
                if b is not None:
                    line(code, "community", c.id, c.id, b, reason)
            for m, e in enumerate(await Estate.filter(community_id=c.id).order_by("id")):
                wuye = await body(
                    BodyKind.property,
                    f"{e.name}物业服务中心",
                    department=depts.get("wuye"),
                    hotline=f"021-6283{n}{m:03d}",
                )
                for code, reason in ESTATE_LINES.items():
                    line(code, "estate", e.id, c.id, wuye, reason, estate_id=e.id)
                if n == 0 and m == 0 and "fangban" in forces:
                    # An old public-housing block: its fabric is the housing office's.
                    b5 = await Building.filter(estate_id=e.id, name="5号楼").first()
                    if b5 is not None:
                        line("leak", "building", b5.id, c.id, forces["fangban"],
                             "5号楼为售后公房，房屋本体维修由房管所负责",
                             estate_id=e.id, building_id=b5.id)  # fmt: skip
        if communities:
            for s in segments[:1]:
                for code, (who, reason) in SEGMENT_LINES.items():
                    if who in forces:
                        line(code, "segment", s.id, communities[0].id, forces[who], reason,
                             segment_id=s.id)  # fmt: skip
        await Responsibility.bulk_create([Responsibility(**x) for x in lines], using_db=conn)
    return len(lines)


async def seed_guides_and_duties() -> None:
    """Demo 办事指南, and the demo street's 责任清单 when it has none yet."""
    await seed_guides()
    street = await Street.filter(code="xinhualu").first()
    if street is not None and not await ResponsibleBody.exists(street_id=street.id):
        await seed_responsibility(street)
