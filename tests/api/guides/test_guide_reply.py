"""Staff attach a 办事指南 to a reply; the resident's timeline and message link to it."""

from __future__ import annotations

from server.domain.messages import resident_message
from server.models.records import OutboxEvent
from server.models.reports import ReportEvent
from server.services.guides.demo import seed_guides
from tests.api.guides.conftest import Ctx


async def _guide_id(ctx: Ctx, q: str) -> tuple[int, str]:
    r = await ctx.client.get("/api/v1/guides", params={"q": q}, headers=ctx.h("worker"))
    top = r.json()["items"][0]
    return top["id"], top["title"]


async def test_a_reply_links_a_guide_for_the_resident(ctx: Ctx) -> None:
    await seed_guides()
    rid = (await ctx.report(category="elderly", description="想给楼里装电梯，怎么申请？"))["id"]
    gid, title = await _guide_id(ctx, "加装电梯")
    r = await ctx.client.post(
        f"/api/v1/reports/{rid}/comments",
        json={"text": "请先看这份办事指南，居委会可以帮助组织业主表决。", "guide_id": gid},
        headers=ctx.h("worker"),
    )
    assert r.status_code == 201, r.text
    mine = await ctx.client.get(f"/api/v1/reports/{rid}", headers=ctx.h(ctx.alice))
    reply = [e for e in mine.json()["timeline"] if e["kind"] == "comment"][-1]
    assert reply["guide"] == {"id": gid, "title": title}
    event = await OutboxEvent.filter(topic="report.commented", aggregate_id=str(rid)).first()
    assert event is not None
    message = resident_message(event.topic, event.payload)
    assert message is not None and f"《{title}》" in message[1] and f"/guides/{gid}" in message[1]
    assert (await ctx.client.get(f"/api/v1/guides/{gid}", headers=ctx.h(ctx.alice))).json()[
        "title"
    ] == title


async def test_unknown_guide_or_resident_link_sends_nothing(ctx: Ctx) -> None:
    await seed_guides()
    rid = (await ctx.report())["id"]
    before = await ReportEvent.filter(report_id=rid).count()
    url = f"/api/v1/reports/{rid}/comments"
    r = await ctx.client.post(url, json={"text": "看指南", "guide_id": 999999},
                              headers=ctx.h("worker"))  # fmt: skip
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_guide"
    gid, _ = await _guide_id(ctx, "居住证")
    r = await ctx.client.post(url, json={"text": "看指南", "guide_id": gid},
                              headers=ctx.h(ctx.alice))  # fmt: skip
    assert r.status_code == 403
    r = await ctx.client.post(url, json={"text": "看指南", "guide_id": 0}, headers=ctx.h("worker"))
    assert r.status_code == 422
    assert await ReportEvent.filter(report_id=rid).count() == before
