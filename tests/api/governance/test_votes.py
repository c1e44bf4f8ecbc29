"""Votes: the electorate and its areas, one ballot per household, changing a ballot,
ballots from outside the scope, closing, the published result and the audit export."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from server.models.governance_votes import Ballot, BallotRecord, Vote
from server.models.visits import HouseholdArea
from tests.support.factories import auth, make_world
from tests.support.governance import make_block, open_lift_project
from tests.support.notify import make_relay
from tests.support.visits import bind

URL = "/api/v1/governance"
# Four flats: 30 + 15 + 15 + 15 = 75 of 100 m² is exactly 3/4 by area.
AREAS = ["30", "15", "15", "15", "25"]


@pytest.fixture
async def world(db: None):
    w = await make_world()
    w.block = await make_block(w, AREAS)  # type: ignore[attr-defined]
    w.project = None  # type: ignore[attr-defined]
    return w


async def _open(app, client, world, kind: str = "rebuild_common_parts") -> dict:
    p = world.project or await open_lift_project(app, client, world, world.block)
    world.project = p
    body = {
        "question": "是否同意加装电梯",
        "decision_kind": kind,
        "closes_at": (datetime.now(UTC) + timedelta(days=7)).isoformat(),
    }
    r = await client.post(
        f"{URL}/projects/{p['id']}/votes", json=body, headers=auth(app, world.staff["worker"])
    )
    assert r.status_code == 201, r.text
    return r.json()


async def _cast(app, client, vote: dict, who, choice: str, **extra):
    return await client.put(
        f"{URL}/votes/{vote['id']}/ballot", json={"choice": choice, **extra}, headers=auth(app, who)
    )


async def _close(app, client, world, vote: dict):
    return await client.post(
        f"{URL}/votes/{vote['id']}/close", headers=auth(app, world.staff["secretary"])
    )


async def test_a_vote_needs_every_floor_area_first(app, client, world):
    p = await open_lift_project(app, client, world, world.block)
    world.project = p
    await HouseholdArea.filter(household_id=world.block.households[1].id).delete()
    body = {
        "question": "q",
        "decision_kind": "rebuild_common_parts",
        "closes_at": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
    }
    r = await client.post(
        f"{URL}/projects/{p['id']}/votes", json=body, headers=auth(app, world.staff["worker"])
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "area_missing"
    assert r.json()["error"]["details"]["household_ids"] == [world.block.households[1].id]
    r = await client.post(
        f"{URL}/projects/{p['id']}/votes", json=body, headers=auth(app, world.block.residents[0])
    )
    assert r.status_code == 403
    r = await client.post(
        f"{URL}/projects/{p['id']}/votes",
        json=body | {"decision_kind": "whatever"},
        headers=auth(app, world.staff["worker"]),
    )
    assert r.status_code == 422


async def test_passing_at_exactly_three_quarters_by_area_with_a_changed_ballot(app, client, world):
    vote = await _open(app, client, world)
    rs = world.block.residents
    for who in rs[:4]:
        assert (await _cast(app, client, vote, who, "agree")).status_code == 200
    r = await _cast(app, client, vote, rs[4], "agree")
    assert r.json()["revision"] == 1
    r = await _cast(app, client, vote, rs[4], "disagree")  # changed before the close
    assert r.status_code == 200 and r.json()["revision"] == 2
    # staff watch the count live; residents do not see it while the vote is open
    r = await client.get(f"{URL}/votes/{vote['id']}", headers=auth(app, world.staff["worker"]))
    assert r.json()["tally"]["agree"] == 4 and r.json()["tally"]["disagree"] == 1
    r = await client.get(f"{URL}/votes/{vote['id']}", headers=auth(app, rs[4]))
    assert r.json()["tally"] is None and r.json()["my_ballots"][0]["choice"] == "disagree"
    r = await _close(app, client, world, vote)
    assert r.status_code == 200, r.text
    t = r.json()["tally"]
    figures = {f["name"]: f for f in t["figures"]}
    assert figures["consent_area"]["ratio"] == "3/4" and figures["consent_area"]["rule"] == ">="
    assert figures["consent_number"]["ratio"] == "4/5"
    assert t["passed"] and t["participants"] == 5
    r = await client.get(f"{URL}/votes/{vote['id']}", headers=auth(app, rs[0]))
    assert r.json()["tally"]["passed"]  # published to residents once closed


async def test_one_ballot_per_household_whoever_of_it_votes(app, client, world):
    vote = await _open(app, client, world)
    home = world.block.households[0]
    spouse = await bind(home)
    await _cast(app, client, vote, world.block.residents[0], "agree")
    r = await _cast(app, client, vote, spouse, "disagree")
    assert r.status_code == 200 and r.json()["revision"] == 2 and r.json()["cast_by"] == spouse.id
    assert await Ballot.filter(vote_id=vote["id"]).count() == 1
    history = await BallotRecord.filter(vote_id=vote["id"]).order_by("revision")
    assert [(b.choice, b.cast_by_id) for b in history] == [
        ("agree", world.block.residents[0].id),
        ("disagree", spouse.id),
    ]


async def test_ballots_from_outside_the_scope_are_not_found(app, client, world):
    vote = await _open(app, client, world)
    block = world.block
    r = await _cast(app, client, vote, block.other_resident, "agree")
    assert r.status_code == 404
    unverified = await bind(block.households[1], verified=False)
    assert (await _cast(app, client, vote, unverified, "agree")).status_code == 404
    r = await _cast(app, client, vote, block.residents[0], "agree", household_id=block.other.id)
    assert r.status_code == 404  # lives in scope, but names a household outside it
    r = await client.put(
        f"{URL}/votes/{vote['id']}/ballot",
        json={"choice": "agree"},
        headers=auth(app, world.staff["worker"]),
    )
    assert r.status_code == 403
    r = await _cast(app, client, vote, block.residents[0], "yes")
    assert r.status_code == 422
    assert await Ballot.filter(vote_id=vote["id"]).count() == 0


async def test_a_resident_of_two_households_names_the_one_voting(app, client, world):
    vote = await _open(app, client, world)
    r0 = world.block.residents[0]
    await bind(world.block.households[1], resident=r0)
    r = await _cast(app, client, vote, r0, "agree")
    assert r.status_code == 422 and r.json()["error"]["code"] == "household_needed"
    r = await _cast(app, client, vote, r0, "agree", household_id=world.block.households[1].id)
    assert r.status_code == 200 and r.json()["household_id"] == world.block.households[1].id


async def test_after_the_close_a_ballot_gets_409_and_changes_nothing(app, client, world):
    vote = await _open(app, client, world, kind="property_service")
    rs = world.block.residents
    await _cast(app, client, vote, rs[0], "agree")
    await _cast(app, client, vote, rs[1], "disagree")
    r = await _close(app, client, world, vote)
    result = r.json()["tally"]
    assert not result["quorate"] and not result["passed"]  # 2 of 5 households took part
    r = await _cast(app, client, vote, rs[2], "agree")
    assert r.status_code == 409 and r.json()["error"]["code"] == "vote_closed"
    r = await _cast(app, client, vote, rs[1], "agree")
    assert r.status_code == 409
    assert (await _close(app, client, world, vote)).status_code == 409
    r = await client.get(f"{URL}/votes/{vote['id']}", headers=auth(app, world.staff["worker"]))
    assert r.json()["tally"] == result
    assert await Ballot.filter(vote_id=vote["id"]).count() == 2


async def test_the_export_lets_a_notary_recompute_the_result(app, client, world):
    vote = await _open(app, client, world)
    rs = world.block.residents
    for who, choice in zip(rs, ["agree", "agree", "abstain", "disagree"], strict=False):
        await _cast(app, client, vote, who, choice)
    await _cast(app, client, vote, rs[3], "agree")
    published = (await _close(app, client, world, vote)).json()["tally"]
    r = await client.get(
        f"{URL}/votes/{vote['id']}/export", headers=auth(app, world.staff["secretary"])
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert hashlib.sha256(r.content).hexdigest() == r.headers["x-content-sha256"]
    text = r.content.decode("utf-8-sig")
    assert "# decision: Civil Code art. 278 item 7 (rebuild_common_parts)" in text
    rows = list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))
    assert len(rows) == 6  # five ballots cast (one changed) and one household that did not vote
    area = {int(r["household_id"]): Decimal(r["area_m2"]) for r in rows}
    final = [r for r in rows if r["final"] == "1"]
    part = sum(Decimal(r["area_m2"]) for r in final)
    yes = sum(Decimal(r["area_m2"]) for r in final if r["choice"] == "agree")
    figures = {f["name"]: f for f in published["figures"]}
    assert Fraction(part) / Fraction(sum(area.values())) == Fraction(
        figures["participation_area"]["ratio"]
    )
    assert Fraction(yes) / Fraction(part) == Fraction(figures["consent_area"]["ratio"])
    assert len(final) == published["participants"] == 4
    assert [
        r["choice"] for r in rows if r["household_id"] == str(world.block.households[3].id)
    ] == ["disagree", "agree"]
    for who in (rs[0], world.staff["other_worker"]):
        r = await client.get(f"{URL}/votes/{vote['id']}/export", headers=auth(app, who))
        assert r.status_code in (403, 404)


async def test_past_the_announced_close_ballots_get_409(app, client, world):
    vote = await _open(app, client, world)
    assert (await _cast(app, client, vote, world.block.residents[0], "agree")).status_code == 200
    await Vote.filter(id=vote["id"]).update(closes_at=datetime.now(UTC) - timedelta(seconds=1))
    r = await _cast(app, client, vote, world.block.residents[1], "agree")
    assert r.status_code == 409 and r.json()["error"]["code"] == "vote_closed"
    assert await Ballot.filter(vote_id=vote["id"]).count() == 1


async def test_residents_are_told_when_a_vote_opens_and_its_result(
    app, client, world, settings, broker
):
    vote = await _open(app, client, world)
    for who in world.block.residents[:4]:
        await _cast(app, client, vote, who, "agree")
    await _close(app, client, world, vote)
    await make_relay(settings, broker).drain()
    r = await client.get("/api/v1/inbox", headers=auth(app, world.block.residents[4]))
    topics = [i["topic"] for i in r.json()["items"]]
    assert topics == ["vote.closed", "vote.opened"]
    assert "通过" in r.json()["items"][0]["body"] and "参与 4/5 户" in r.json()["items"][0]["body"]
    r = await client.get("/api/v1/inbox", headers=auth(app, world.block.other_resident))
    assert r.json()["items"] == []
