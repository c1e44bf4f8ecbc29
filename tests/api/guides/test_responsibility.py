"""责任清单: the list's upkeep, the suggestion a resident and staff see on a report
(most specific place wins), staff correcting it (counted per category) and the one-step
dispatch to the body that handles it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.models.geo import Building, Estate
from server.models.guides import ResponsibilityCorrection
from server.models.reports import DispatchLeg, Report
from tests.api.guides.conftest import Ctx


@dataclass
class ListWorld:
    estate: Estate  # 华发小区, with 5号楼
    block: Building
    wuye: int  # 物业, dispatches through the 物业 department
    fangban: int  # 房办
    committee: int  # the 居委, no dispatch
    lvhua: int
    segment: int  # 新华路 1-400号


def at(address: str) -> dict[str, Any]:
    return {"lat": 31.2, "lng": 121.4, "address": address}


async def _post(ctx: Ctx, path: str, body: dict[str, Any], who: str = "admin") -> Any:
    r = await ctx.client.post(f"/api/v1/responsibility/{path}", json=body, headers=ctx.h(who))
    assert r.status_code == 201, r.text
    return r.json()


async def _rule(ctx: Ctx, category: str, place: str, place_id: int, body_id: int,
                reason: str = "由该单位负责") -> Any:  # fmt: skip
    r = await ctx.client.put(
        "/api/v1/responsibility/rules",
        json={
            "category": category,
            "place": place,
            "place_id": place_id,
            "body_id": body_id,
            "reason": reason,
        },  # fmt: skip
        headers=ctx.h("admin"),
    )
    assert r.status_code == 200, r.text
    return r.json()


async def make_list(ctx: Ctx) -> ListWorld:
    w = ctx.world
    c0 = w.communities[0]
    estate = await Estate.create(community=c0, name="华发小区", address="新华路100弄")
    block = await Building.create(estate=estate, name="5号楼")
    sid = w.street.id

    async def body(kind: str, name: str, **kw: Any) -> int:
        out = await _post(ctx, "bodies", {"street_id": sid, "kind": kind, "name": name, **kw})
        return int(out["id"])

    lw = ListWorld(
        estate,
        block,
        await body(
            "property", "华发物业", hotline="021-62830001", department_id=w.departments["wuye"].id
        ),  # fmt: skip
        await body("department", "房管所", department_id=w.departments["fangban"].id),
        await body("committee", "居委会", community_id=c0.id, hotline="021-62510000"),
        await body("department", "绿化市容所", department_id=w.departments["lvhua"].id),
        (
            await _post(
                ctx, "segments", {"street_id": sid, "road": "新华路", "from_no": 1, "to_no": 400}
            )
        )["id"],  # fmt: skip
    )
    await _rule(ctx, "leak", "community", c0.id, lw.committee, "居委会协调处理")
    await _rule(ctx, "leak", "estate", estate.id, lw.wuye, "共用部位渗漏由物业维修")
    await _rule(ctx, "leak", "building", block.id, lw.fangban, "售后公房由房管所维修")
    await _rule(ctx, "sanitation", "community", c0.id, lw.committee, "居委会协调")
    await _rule(ctx, "sanitation", "segment", lw.segment, lw.lvhua, "道路保洁由绿化市容所负责")
    return lw


async def test_the_most_specific_place_decides_who_handles_it(ctx: Ctx) -> None:
    await make_list(ctx)
    # Building line beats the estate line; the create answer already says so.
    made = await ctx.report(category="leak", location=at("华发小区5号楼302室"))
    hb = made["handled_by"]
    assert (hb["name"], hb["place"], hb["corrected"]) == ("房管所", "building", False)
    assert hb["reason"] == "售后公房由房管所维修" and hb["dispatchable"]
    # Another building of the estate: the estate's 物业, with its hotline.
    made = await ctx.report(category="leak", location=at("华发小区 3号楼"))
    hb = made["handled_by"]
    assert (hb["name"], hb["hotline"]) == ("华发物业", "021-62830001")
    # No place in the address, and the reporter's home is elsewhere: the community line.
    made = await ctx.report(category="leak")
    assert made["handled_by"]["name"] == "居委会" and not made["handled_by"]["dispatchable"]
    # A road segment beats the community.
    made = await ctx.report(location=at("新华路211号门口"))
    assert made["handled_by"]["name"] == "绿化市容所"
    # The report's own page says the same to the resident and to staff; triage too.
    rid = made["id"]
    mine = await ctx.client.get(f"/api/v1/reports/{rid}", headers=ctx.h(ctx.alice))
    assert mine.json()["handled_by"]["name"] == "绿化市容所"
    assert (await ctx.staff_view(rid, "worker"))["handled_by"]["place"] == "segment"
    r = await ctx.client.get(f"/api/v1/responsibility/reports/{rid}", headers=ctx.h("worker"))
    assert r.json()["handled_by"]["name"] == "绿化市容所"
    # A category the list does not cover: nothing suggested.
    made = await ctx.report(category="noise")
    assert made["handled_by"] is None


async def test_another_residents_report_stays_out_of_scope(ctx: Ctx) -> None:
    await make_list(ctx)
    rid = (await ctx.report(category="leak"))["id"]
    r = await ctx.client.get(f"/api/v1/responsibility/reports/{rid}", headers=ctx.h(ctx.bob))
    assert r.status_code == 404
    r = await ctx.client.get(f"/api/v1/responsibility/reports/{rid}", headers=ctx.h("other_worker"))
    assert r.status_code == 404


async def test_the_list_refuses_bad_lines(ctx: Ctx) -> None:
    lw = await make_list(ctx)
    c0 = ctx.world.communities[0].id
    put = "/api/v1/responsibility/rules"

    async def status(body: dict[str, Any], who: str = "admin") -> tuple[int, str]:
        r = await ctx.client.put(put, json=body, headers=ctx.h(who))
        return r.status_code, r.json().get("error", {}).get("code", "") if r.content else ""

    good = {"category": "leak", "place": "community", "place_id": c0, "body_id": lw.wuye,
            "reason": "由物业负责"}  # fmt: skip
    assert await status({**good, "category": "no_such"}) == (422, "unknown_category")
    assert (await status({**good, "place_id": 999999}))[0] == 404
    assert (await status({**good, "place": "planet"}))[0] == 422
    assert await status({**good, "body_id": 999999}) == (422, "unknown_body")
    assert (await status({**good, "reason": "x" * 201}))[0] == 422
    assert (await status(good, "secretary"))[0] == 403
    r = await ctx.client.get(
        "/api/v1/responsibility/rules", params={"category": "no_such"}, headers=ctx.h("worker")
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_category"
    # Putting the same category and place again replaces the line, it does not add one.
    await _rule(ctx, "leak", "community", c0, lw.lvhua, "改由绿化市容所")
    r = await ctx.client.get(
        "/api/v1/responsibility/rules", params={"category": "leak"}, headers=ctx.h("worker")
    )
    lines = r.json()
    assert [x["place"] for x in lines] == ["building", "estate", "community"]
    assert lines[-1]["body"]["name"] == "绿化市容所"
    seg = {"street_id": ctx.world.street.id, "road": "番禺路", "from_no": 9, "to_no": 1}
    r = await ctx.client.post("/api/v1/responsibility/segments", json=seg, headers=ctx.h("admin"))
    assert r.status_code == 422
    committee = {"street_id": ctx.world.street.id, "kind": "committee", "name": "无名居委"}
    r = await ctx.client.post(
        "/api/v1/responsibility/bodies", json=committee, headers=ctx.h("admin")
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "community_needed"


async def test_staff_correct_a_wrong_suggestion_and_it_is_counted(ctx: Ctx) -> None:
    lw = await make_list(ctx)
    address = at("华发小区5号楼")
    r1 = (await ctx.report(category="leak", location=address))["id"]
    r2 = (await ctx.report(category="leak", location=address))["id"]
    url = f"/api/v1/responsibility/reports/{r1}/correction"
    r = await ctx.client.post(url, json={"body_id": lw.wuye, "note": "已改为物业负责"},
                              headers=ctx.h("worker"))  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["handled_by"]["name"] == "华发物业" and r.json()["handled_by"]["corrected"]
    mine = await ctx.client.get(f"/api/v1/reports/{r1}", headers=ctx.h(ctx.alice))
    assert mine.json()["handled_by"]["reason"] == "已改为物业负责"
    # The same body again is a conflict; an unknown one is refused; residents cannot.
    r = await ctx.client.post(url, json={"body_id": lw.wuye}, headers=ctx.h("worker"))
    assert r.status_code == 409
    r = await ctx.client.post(url, json={"body_id": 999999}, headers=ctx.h("worker"))
    assert r.status_code == 422
    r = await ctx.client.post(url, json={"body_id": lw.lvhua}, headers=ctx.h(ctx.alice))
    assert r.status_code in (401, 403)
    await ctx.client.post(f"/api/v1/responsibility/reports/{r2}/correction",
                          json={"body_id": lw.wuye}, headers=ctx.h("secretary"))  # fmt: skip
    await ctx.client.post(url, json={"body_id": lw.lvhua}, headers=ctx.h("worker"))
    fix = await ResponsibilityCorrection.filter(report_id=r2).first()
    assert fix is not None and fix.suggested_body_id == lw.fangban
    r = await ctx.client.get("/api/v1/responsibility/corrections", headers=ctx.h("dispatcher"))
    assert r.status_code == 200
    assert r.json() == [{"category": "leak", "category_name": "房屋漏水", "corrections": 3,
                         "reports": 2}]  # fmt: skip
    r = await ctx.client.get("/api/v1/responsibility/corrections", headers=ctx.h("worker"))
    assert r.status_code == 403


async def test_the_owner_dispatches_to_the_handler_in_one_step(ctx: Ctx) -> None:
    lw = await make_list(ctx)
    made = await ctx.report(category="leak", location=at("华发小区3号楼"))
    rid = made["id"]
    report = await Report.get(id=rid)
    owner = next(k for k, s in ctx.world.staff.items() if s.id == report.owner_id)
    assert (await ctx.move(rid, owner, "accept")).status_code == 200
    r = await ctx.client.post(f"/api/v1/responsibility/reports/{rid}/dispatch", json={},
                              headers=ctx.h(owner))  # fmt: skip
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "dispatched" and body["owner_id"] == report.owner_id
    leg = await DispatchLeg.get(report_id=rid)
    assert leg.department_id == ctx.world.departments["wuye"].id
    assert "华发物业" in leg.instructions
    # Again while the leg is live: 409 from the dispatch rules.
    r = await ctx.client.post(f"/api/v1/responsibility/reports/{rid}/dispatch", json={},
                              headers=ctx.h(owner))  # fmt: skip
    assert r.status_code == 409
    # A 居委 takes no dispatch: a clear 409 naming its hotline.
    other = (await ctx.report(category="leak"))["id"]
    r = await ctx.client.post(f"/api/v1/responsibility/reports/{other}/dispatch",
                              json={"due_hours": 8}, headers=ctx.h("dispatcher"))  # fmt: skip
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_dispatchable"
    assert r.json()["error"]["details"]["hotline"] == "021-62510000"
    # Nothing on the list: 409 no_handler; bad hours: 422.
    none = (await ctx.report(category="noise"))["id"]
    r = await ctx.client.post(f"/api/v1/responsibility/reports/{none}/dispatch", json={},
                              headers=ctx.h("dispatcher"))  # fmt: skip
    assert r.status_code == 409 and r.json()["error"]["code"] == "no_handler"
    r = await ctx.client.post(f"/api/v1/responsibility/reports/{none}/dispatch",
                              json={"due_hours": 0}, headers=ctx.h("dispatcher"))  # fmt: skip
    assert r.status_code == 422
    assert lw.segment
