"""Merging duplicates keeps every reporter informed; photos are checked, cleaned, guarded."""

from __future__ import annotations

import io

from PIL import Image

from server.models.records import OutboxEvent
from server.models.reports import Report
from tests.api.reports.conftest import Ctx, bind
from tests.support.factories import make_resident


async def test_merge_keeps_every_reporter_informed(ctx: Ctx) -> None:
    loc = {"lat": 31.23, "lng": 121.47, "address": "2号楼"}
    survivor = (await ctx.report(location=loc))["id"]
    dup = (await ctx.report(ctx.bob, location={**loc, "lng": 121.4701}))["id"]
    r = await ctx.client.get(f"/api/v1/triage/reports/{dup}/duplicates", headers=ctx.h("secretary"))
    assert [d["id"] for d in r.json()] == [survivor]
    assert (await ctx.move(dup, "secretary", "merge")).json()["error"]["code"] == "survivor_needed"
    assert (await ctx.move(dup, "secretary", "merge", survivor_id=dup)).status_code == 422
    r = await ctx.move(dup, "secretary", "merge", "同一问题", survivor_id=survivor)
    assert r.status_code == 200 and r.json()["status"] == "merged"
    assert r.json()["merged_into"] == survivor
    # Bob now follows the survivor: its events name both residents, and he can read it.
    owner_id = (await Report.get(id=survivor)).owner_id
    owner = next(k for k, s in ctx.world.staff.items() if s.id == owner_id)
    await ctx.move(survivor, owner, "accept")
    ev = await OutboxEvent.filter(topic="report.accepted", aggregate_id=str(survivor)).first()
    assert ev and sorted(ev.payload["resident_ids"]) == sorted([ctx.alice.id, ctx.bob.id])
    seen = await ctx.client.get(f"/api/v1/reports/{survivor}", headers=ctx.h(ctx.bob))
    assert seen.status_code == 200 and seen.json()["is_mine"] is False
    created = next(e for e in seen.json()["timeline"] if e["kind"] == "created")
    assert created["actor"] == "居民" and created["actor_id"] is None
    mine = await ctx.client.get("/api/v1/reports/mine", headers=ctx.h(ctx.bob))
    assert {i["id"] for i in mine.json()["items"]} == {survivor, dup}
    # The survivor's reporter cannot confirm for Bob, nor Bob for her.
    assert (await ctx.move(survivor, ctx.bob, "resume")).status_code == 409


async def test_merge_only_within_a_community(ctx: Ctx) -> None:
    a = (await ctx.report())["id"]
    carol = await make_resident()
    await bind(carol, ctx.world.communities[1])
    b = (await ctx.report(carol))["id"]
    r = await ctx.move(b, "admin", "merge", survivor_id=a)
    assert r.status_code == 422


def _jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (31.0, 13.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


async def _upload(ctx: Ctx, who: object, data: bytes, name: str = "p.jpg"):
    return await ctx.client.post(
        "/api/v1/reports/photos", files={"file": (name, data, "image/jpeg")}, headers=ctx.h(who)
    )


async def test_photo_is_stripped_stored_and_guarded(ctx: Ctx) -> None:
    raw = _jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get(0x8825)
    r = await _upload(ctx, ctx.alice, raw)
    assert r.status_code == 201, r.text
    photo = r.json()
    assert photo["mime"] == "image/jpeg" and (photo["width"], photo["height"]) == (64, 48)
    rid = (await ctx.report(photos=[photo["id"]]))["id"]
    url = f"/api/v1/reports/{rid}/photos/{photo['id']}"
    got = await ctx.client.get(url, headers=ctx.h(ctx.alice))
    assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"
    cleaned = Image.open(io.BytesIO(got.content))
    assert not cleaned.getexif()  # no EXIF at all, GPS included
    assert b"PhoneMaker" not in got.content
    assert (await ctx.client.get(url, headers=ctx.h("worker"))).status_code == 200
    assert (await ctx.client.get(url, headers=ctx.h(ctx.bob))).status_code == 404
    assert (await ctx.client.get(url, headers=ctx.h("other_worker"))).status_code == 404
    # Bob cannot attach Alice's upload by its id.
    body = {"category": "noise", "description": "x", "photos": [photo["id"]]}
    r = await ctx.client.post("/api/v1/reports/", json=body, headers=ctx.h(ctx.bob))
    assert r.status_code == 422


async def test_bad_photos_are_refused(ctx: Ctx) -> None:
    r = await _upload(ctx, ctx.alice, b"GIF89a not really an image at all")
    assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported_media_type"
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")
    assert (await _upload(ctx, ctx.alice, gif.getvalue(), "a.gif")).status_code == 415
    truncated = _jpeg_with_gps()[:200]
    assert (await _upload(ctx, ctx.alice, truncated)).status_code == 415
    big = b"\xff\xd8" + b"0" * (5 * 1024 * 1024)
    assert (await _upload(ctx, ctx.alice, big)).status_code == 413
    huge = io.BytesIO()
    Image.new("1", (8000, 5001)).save(huge, "PNG")
    r = await _upload(ctx, ctx.alice, huge.getvalue(), "h.png")
    assert r.status_code == 413, r.text
    r = await ctx.client.post("/api/v1/reports/photos", headers=ctx.h(ctx.alice))
    assert r.status_code == 422


async def test_a_report_back_photo_is_served_with_the_report(ctx: Ctx) -> None:
    rid = (await ctx.report())["id"]
    owner_id = (await Report.get(id=rid)).owner_id
    owner = next(k for k, s in ctx.world.staff.items() if s.id == owner_id)
    assert (await ctx.move(rid, owner, "accept")).status_code == 200
    dept = ctx.world.departments["chengguan"].id
    r = await ctx.client.post(
        f"/api/v1/triage/reports/{rid}/dispatch",
        json={"legs": [{"department_id": dept, "due_hours": 8}]},
        headers=ctx.h(owner),
    )
    assert r.status_code == 200, r.text
    leg = f"/api/v1/triage/reports/{rid}/legs/{r.json()['legs'][0]['id']}"
    assert (await ctx.client.post(f"{leg}/accept", headers=ctx.h("officer"))).status_code == 200
    up = await _upload(ctx, "officer", _jpeg_with_gps())
    assert up.status_code == 201, up.text
    sha = up.json()["id"]
    url = f"/api/v1/reports/{rid}/photos/{sha}"
    assert (await ctx.client.get(url, headers=ctx.h("worker"))).status_code == 404
    body = {"result": "已清运", "photos": [sha]}
    r = await ctx.client.post(f"{leg}/report", json=body, headers=ctx.h("officer"))
    assert r.status_code == 200, r.text
    got = await ctx.client.get(url, headers=ctx.h("worker"))
    assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"
    assert (await ctx.client.get(url, headers=ctx.h(ctx.alice))).status_code == 200
    other = f"/api/v1/reports/{rid}/photos/{'e' * 64}"
    assert (await ctx.client.get(other, headers=ctx.h("worker"))).status_code == 404


async def test_a_merged_reporter_has_a_say_on_the_survivors_fix(ctx: Ctx) -> None:
    survivor = (await ctx.report())["id"]
    dup = (await ctx.report(ctx.bob))["id"]
    r = await ctx.move(dup, "secretary", "merge", "同一问题", survivor_id=survivor)
    assert r.status_code == 200
    owner_id = (await Report.get(id=survivor)).owner_id
    owner = next(k for k, s in ctx.world.staff.items() if s.id == owner_id)
    await ctx.move(survivor, owner, "accept")
    assert (await ctx.move(survivor, owner, "resolve", "已清理")).status_code == 200
    # Bob keeps receiving the survivor's moves.
    resolved = (
        await OutboxEvent.filter(topic="report.status_changed", aggregate_id=str(survivor))
        .order_by("-id")
        .first()
    )
    assert resolved and ctx.bob.id in resolved.payload["resident_ids"]
    # Bob says it is not fixed: the survivor reopens to its owner.
    url = f"/api/v1/reports/{survivor}/confirm"
    bob = ctx.h(ctx.bob)
    r = await ctx.client.post(url, json={"fixed": False, "note": "还没清理"}, headers=bob)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "reopened"
    assert (await ctx.move(survivor, owner, "resolve", "再次清理")).status_code == 200
    r = await ctx.client.post(url, json={"fixed": True}, headers=bob)
    assert r.status_code == 200 and r.json()["status"] == "closed"
    # Withdrawing and rating stay the survivor's own reporter's.
    rating = {"score": 2, "comment": ""}
    r = await ctx.client.post(f"/api/v1/reports/{survivor}/rating", json=rating, headers=bob)
    assert r.status_code == 403
