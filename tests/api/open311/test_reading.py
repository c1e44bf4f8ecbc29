"""GET requests, one request and tokens: statuses, notes, agency, filters, privacy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from server.domain.open311.inbound import RequestFilter
from server.models.reports import DispatchLeg, Report
from server.services import open311 as svc
from tests.api.open311.conftest import O311, xml
from tests.support.factories import auth, make_household, make_resident

SECRETS = {
    "first_name": "Zhang-MARK1",
    "last_name": "San-MARK2",
    "email": "mark3@example.org",
    "phone": "+86 138 0013 8000",
    "device_id": "device-MARK4",
    "account_id": "account-MARK5",
}


async def move(
    o311: O311, rid: int, who: str, body: dict[str, Any], path: str = "transitions"
) -> None:
    url = (
        f"/api/v1/reports/{rid}/{path}"
        if path == "transitions"
        else f"/api/v1/triage/reports/{rid}/{path}"
    )
    r = await o311.client.post(url, json=body, headers=auth(o311.app, o311.world.staff[who]))
    assert r.status_code < 300, r.text


async def test_the_submitters_identity_never_leaks(o311: O311) -> None:
    created = await o311.post(
        service_code="noise", lat="31.2", long="121.4",
        jurisdiction_id=o311.world.communities[0].code, description="楼下商铺音响太吵",
        **SECRETS,
    )  # fmt: skip
    assert created.status_code == 201
    rid = created.json()[0]["service_request_id"]
    token = created.json()[0]["token"]
    answers = [created]
    for fmt in ("json", "xml"):
        answers.append(await o311.get(f"requests.{fmt}"))
        answers.append(await o311.get(f"requests/{rid}.{fmt}"))
        answers.append(await o311.get(f"tokens/{token}.{fmt}"))
    for r in answers:
        assert r.status_code in (200, 201)
        for value in SECRETS.values():
            assert value not in r.text
        assert "MARK" not in r.text and "13800138000" not in r.text


async def test_a_residents_report_is_published_without_who_filed_it(o311: O311) -> None:
    resident = await make_resident()
    household = await make_household(o311.world.communities[0])
    from server.models.people import ResidentHousehold

    await ResidentHousehold.create(
        resident=resident, household=household, verified_at=datetime.now(UTC)
    )
    r = await o311.client.post(
        "/api/v1/reports/",
        json={
            "category": "leak",
            "description": "楼上漏水，我的电话 13912345678",
            "location": {"lat": 31.219712, "lng": 121.425234, "address": "5号楼402室"},
        },
        headers=auth(o311.app, resident),
    )
    assert r.status_code == 201, r.text
    rid = r.json()["report"]["id"]
    (doc,) = (await o311.get(f"requests/{rid}.json")).json()
    assert doc["description"] == "楼上漏水，我的电话 139****5678"
    assert not any("resident" in k or "account" in k or k == "name" for k in doc)
    assert resident.openid not in str(doc)
    assert doc["service_code"] == "leak" and doc["status"] == "open"
    assert doc["address"] is None and (doc["lat"], doc["long"]) == (31.22, 121.425)


async def test_one_request_in_both_formats(o311: O311) -> None:
    rid = await o311.file(media_url="https://img.example.org/1.jpg")
    (doc,) = (await o311.get(f"requests/{rid}.json")).json()
    assert list(doc) == [
        "service_request_id", "status", "status_notes", "service_name", "service_code",
        "description", "agency_responsible", "service_notice", "requested_datetime",
        "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
        "long", "media_url",
    ]  # fmt: skip
    assert doc["service_request_id"] == rid and doc["status"] == "open"
    assert doc["agency_responsible"] == o311.world.communities[0].name
    assert doc["requested_datetime"].endswith("+08:00")
    assert doc["media_url"] == "https://img.example.org/1.jpg"
    assert (doc["lat"], doc["long"]) == (31.2197, 121.4252)
    root = xml(await o311.get(f"requests/{rid}.xml"))
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == str(rid)
    assert root.findtext("request/zipcode") == ""


@pytest.mark.parametrize("path", ["requests/999999.json", "requests/abc.json", "tokens/nope.json"])
async def test_unknown_ids_and_tokens_are_404(o311: O311, path: str) -> None:
    r = await o311.get(path)
    assert r.status_code == 404 and r.json()[0]["code"] == 404
    x = await o311.get(path.replace(".json", ".xml"))
    assert x.status_code == 404 and xml(x).findtext("error/code") == "404"


async def test_token_resolves_to_the_request(o311: O311) -> None:
    r = await o311.post(service_code="noise", address_string="2号楼",
                        jurisdiction_id=o311.world.communities[0].code)  # fmt: skip
    rid, token = r.json()[0]["service_request_id"], r.json()[0]["token"]
    assert (await o311.get(f"tokens/{token}.json")).json() == [
        {"service_request_id": rid, "token": token}
    ]
    root = xml(await o311.get(f"tokens/{token}.xml"))
    assert root.findtext("request/service_request_id") == str(rid)
    assert root.findtext("request/token") == token


async def test_statuses_notes_and_agency_follow_the_report(o311: O311) -> None:
    rid = await o311.file()
    owner = (await Report.get(id=rid)).owner_id
    who = "worker" if owner == o311.world.staff["worker"].id else "worker2"
    await move(o311, rid, who, {"move": "accept"})
    (doc,) = (await o311.get(f"requests/{rid}.json")).json()
    assert doc["status"] == "open" and doc["status_notes"] == "社区工作者已受理。"
    dept = o311.world.departments["chengguan"]
    await move(o311, rid, who, {"legs": [{"department_id": dept.id, "due_hours": 8}]}, "dispatch")
    (doc,) = (await o311.get(f"requests/{rid}.json")).json()
    assert doc["agency_responsible"] == f"{o311.world.communities[0].name}（城管）"
    assert doc["status_notes"] == "已派至城管处置。"
    # The department reports back first: a report is not resolved while a leg is pending.
    leg = (await DispatchLeg.get(report_id=rid)).id
    await move(o311, rid, "officer", {}, f"legs/{leg}/accept")
    await move(o311, rid, "officer", {"result": "已清运"}, f"legs/{leg}/report")
    await move(o311, rid, who, {"move": "resolve", "note": "已清运"})
    (doc,) = (await o311.get(f"requests/{rid}.json")).json()
    assert doc["status"] == "closed" and doc["status_notes"] == "已处置，待回访确认：已清运"
    assert doc["agency_responsible"] == o311.world.communities[0].name
    other = await o311.file()
    owner = (await Report.get(id=other)).owner_id
    who = "worker" if owner == o311.world.staff["worker"].id else "worker2"
    await move(o311, other, who, {"move": "reject", "note": "属物业维修范围，请联系物业"})
    root = xml(await o311.get(f"requests/{other}.xml"))
    assert root.findtext("request/status") == "closed"
    assert "请联系物业" in (root.findtext("request/status_notes") or "")


async def age(rid: int, days: float) -> None:
    await Report.filter(id=rid).update(created_at=datetime.now(UTC) - timedelta(days=days))


def ids(r: httpx.Response) -> list[int]:
    assert r.status_code == 200, r.text
    return [d["service_request_id"] for d in r.json()]


async def test_filters_and_the_90_day_rule(o311: O311) -> None:
    fresh = await o311.file()
    noisy = await o311.file(service_code="noise")
    old = await o311.file()
    await age(old, 100)
    await Report.filter(id=noisy).update(status="closed")
    assert ids(await o311.get("requests.json")) == [noisy, fresh]
    assert ids(await o311.get("requests.json", status="open")) == [fresh]
    assert ids(await o311.get("requests.json", status="closed")) == [noisy]
    assert ids(await o311.get("requests.json", status="open,closed")) == [noisy, fresh]
    assert ids(await o311.get("requests.json", service_code="noise")) == [noisy]
    # The id list overrides every other filter, and reaches past 90 days.
    assert ids(
        await o311.get("requests.json", service_request_id=f"{old},{fresh}", status="closed")
    ) == [fresh, old]
    start = (datetime.now(UTC) - timedelta(days=120)).isoformat()
    end = (datetime.now(UTC) - timedelta(days=50)).isoformat()
    assert ids(await o311.get("requests.json", start_date=start, end_date=end)) == [old]
    assert ids(await o311.get("requests.json", start_date=start)) == [old]
    assert (
        ids(await o311.get("requests.json", jurisdiction_id=o311.world.communities[1].code)) == []
    )
    too_long = (datetime.now(UTC) - timedelta(days=91)).isoformat()
    for fmt in ("json", "xml"):
        r = await o311.get(
            f"requests.{fmt}", start_date=too_long, end_date=datetime.now(UTC).isoformat()
        )
        assert r.status_code == 400
        text = r.json()[0]["description"] if fmt == "json" else xml(r).findtext("error/description")
        assert "at most 90 days apart" in (text or "")
    assert (await o311.get("requests.json", status="pending")).status_code == 400
    assert (await o311.get("requests.json", jurisdiction_id="nowhere")).status_code == 400


async def test_at_most_the_limit_newest_first(o311: O311) -> None:
    made = [await o311.file() for _ in range(3)]
    now = datetime.now(UTC)
    got = await svc.find(
        RequestFilter(start=now - timedelta(days=1), end=now + timedelta(minutes=1), limit=2)
    )
    assert [v.id for v in got] == [made[2], made[1]]


async def test_odd_tokens_and_codes_are_plain_404s(o311: O311) -> None:
    odd = ["tokens/" + "x" * 60 + ".json", "tokens/%C2%AC%5D.json", "services/%E7%94%B5.json"]
    for path in odd:
        r = await o311.get(path)
        assert r.status_code == 404, r.text
