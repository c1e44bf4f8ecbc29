"""POST requests: a filed request becomes a report with an owner; every refusal is a
GeoReport error in the format asked for, and leaves nothing behind."""

from __future__ import annotations

import pytest

from server.models.geo import Building, Estate
from server.models.open311 import ServiceRequest
from server.models.records import AuditLog, OutboxEvent
from server.models.reports import Report
from tests.api.open311.conftest import O311, desks, xml
from tests.support.factories import auth


async def test_filed_request_enters_the_lifecycle_with_an_owner(o311: O311) -> None:
    r = await o311.post(
        service_code="sanitation",
        lat="31.2197",
        long="121.4252",
        jurisdiction_id=o311.world.communities[0].code,
        description="楼道里堆满了垃圾",
        media_url="https://img.example.org/a.jpg",
        **{"attribute[title]": "楼道垃圾"},
    )
    assert r.status_code == 201, r.text
    (answer,) = r.json()
    assert set(answer) == {"service_request_id", "token", "service_notice", "account_id"}
    assert answer["account_id"] is None and "受理" in answer["service_notice"]
    report = await Report.get(id=answer["service_request_id"])
    assert report.source == "open311" and report.status.value == "submitted"
    assert report.community_id == o311.world.communities[0].id
    assert report.owner_id in {o311.world.staff["worker"].id, o311.world.staff["worker2"].id}
    assert report.resident_id is None and report.title == "楼道垃圾"
    assert (report.lat, report.lng) == (31.2197, 121.4252)
    assert "https://img.example.org/a.jpg" in report.description
    topics = set(
        await OutboxEvent.filter(aggregate_id=str(report.id)).values_list("topic", flat=True)
    )
    assert {"report.created", "report.assigned"} <= topics
    row = await ServiceRequest.get(report_id=report.id)
    assert row.token == answer["token"] and row.media_url == "https://img.example.org/a.jpg"


async def test_off_hours_it_is_owned_as_any_other_report(
    o311: O311, monkeypatch: pytest.MonkeyPatch
) -> None:
    desks(monkeypatch, open_=False)
    quiet = await o311.file(service_code="greening")
    urgent = await o311.file(service_code="elevator", **{"attribute[trapped]": "yes"})
    # A quiet matter waits for the next shift; an urgent one goes to the street's
    # round-the-clock dispatch desk, exactly as a resident's report would.
    assert (await Report.get(id=quiet)).owner_id is None
    assert (await Report.get(id=urgent)).owner_id == o311.world.staff["dispatcher"].id


async def test_filing_answers_in_xml(o311: O311) -> None:
    r = await o311.post(
        "xml", service_code="noise", address_string="3号楼", description="深夜施工",
        jurisdiction_id=o311.world.communities[0].code, **{"attribute[noise_time][]": "night"},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    root = xml(r)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request is not None
    rid = int(request.findtext("service_request_id") or 0)
    assert request.findtext("account_id") == "" and request.findtext("token")
    report = await Report.get(id=rid)
    assert report.address == "3号楼" and report.lat is None
    assert "噪音通常出现在什么时段：夜间 22 点后" in report.description


async def test_an_urgent_answer_makes_an_urgent_report(o311: O311) -> None:
    rid = await o311.file(service_code="elevator", **{"attribute[trapped]": "yes"})
    assert (await Report.get(id=rid)).priority.value == "urgent"
    rid = await o311.file(service_code="elevator", **{"attribute[trapped]": "no"})
    assert (await Report.get(id=rid)).priority.value == "high"


async def test_address_id_is_a_building_and_names_the_community(o311: O311) -> None:
    other = o311.world.communities[1]
    estate = await Estate.create(community=other, name="枫林小区")
    building = await Building.create(estate=estate, name="5号楼")
    r = await o311.post(service_code="leak", address_id=str(building.id))
    assert r.status_code == 201, r.text
    report = await Report.get(id=r.json()[0]["service_request_id"])
    assert report.community_id == other.id and report.address == "枫林小区5号楼"
    assert (await ServiceRequest.get(report_id=report.id)).address_id == building.id


async def test_a_4000_character_description_is_kept_whole(o311: O311) -> None:
    rid = await o311.file(description="漏" * 4000)
    assert (await Report.get(id=rid)).description.startswith("漏" * 4000)


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    ("form", "status", "words"),
    [
        ({"api_key": ""}, 403, "api_key was not provided"),
        ({"api_key": "o311_wrong"}, 403, "api_key is not valid"),
        ({"service_code": ""}, 400, "service_code is required"),
        ({"service_code": "potholes"}, 400, "not a service of this endpoint"),
        ({"lat": "", "long": ""}, 400, "a location is required"),
        ({"lat": "95"}, 400, "lat must be between"),
        ({"description": "x" * 4001}, 400, "longer than 4000"),
        ({"service_code": "elevator"}, 400, "attribute[trapped] is required"),
        ({"attribute[colour]": "red"}, 400, "is not part of service"),
        ({"jurisdiction_id": "nowhere"}, 400, "not one of our communities"),
        ({"jurisdiction_id": "", "address_id": "999999"}, 400, "not a building"),
        ({"jurisdiction_id": ""}, 400, "name the community"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url must be an http"),
    ],
)  # fmt: skip
async def test_refusals(
    o311: O311, fmt: str, form: dict[str, str], status: int, words: str
) -> None:
    fields = {
        "api_key": o311.key,
        "service_code": "sanitation",
        "lat": "31.2",
        "long": "121.4",
        "jurisdiction_id": o311.world.communities[0].code,
        **form,
    }
    fields = {k: v for k, v in fields.items() if v != ""}
    r = await o311.client.post(f"/open311/v2/requests.{fmt}", data=fields)
    assert r.status_code == status, r.text
    if fmt == "json":
        (error,) = r.json()
        assert error["code"] == status and words in error["description"]
    else:
        root = xml(r)
        assert root.tag == "errors" and root.findtext("error/code") == str(status)
        assert words in (root.findtext("error/description") or "")
    assert await Report.all().count() == 0 and await ServiceRequest.all().count() == 0


async def test_json_body_is_refused_as_a_bad_request(o311: O311) -> None:
    r = await o311.client.post(
        "/open311/v2/requests.json", json={"api_key": o311.key, "service_code": "noise"}
    )
    assert r.status_code == 400 and "form-encoded" in r.json()[0]["description"]


async def test_a_key_for_one_community_files_only_there(o311: O311) -> None:
    c0, c1 = o311.world.communities
    bound = (await o311.issue(name="居委 App", community_id=c0.id))["key"]
    r = await o311.post(key=bound, service_code="noise", lat="31.2", long="121.4")
    assert r.status_code == 201
    assert (await Report.get(id=r.json()[0]["service_request_id"])).community_id == c0.id
    r = await o311.post(
        key=bound, service_code="noise", lat="31.2", long="121.4", jurisdiction_id=c1.code
    )
    assert r.status_code == 403 and "one community only" in r.json()[0]["description"]


async def test_revoked_key_is_refused(o311: O311) -> None:
    issued = await o311.issue(name="old")
    r = await o311.client.post(
        f"/api/v1/open311/keys/{issued['id']}/revoke",
        headers=auth(o311.app, o311.world.staff["admin"]),
    )
    assert r.status_code == 200
    r = await o311.post("xml", key=issued["key"], service_code="noise", lat="31", long="121")
    assert r.status_code == 403
    assert "revoked" in (xml(r).findtext("error/description") or "")


async def test_report_and_its_open311_record_are_one_transaction(
    o311: O311, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(ServiceRequest, "create", broken)
    r = await o311.post(service_code="noise", lat="31", long="121",
                        jurisdiction_id=o311.world.communities[0].code)  # fmt: skip
    assert r.status_code == 500 and r.json()[0]["code"] == 500
    assert await Report.all().count() == 0 and await OutboxEvent.all().count() == 0


async def test_rate_limit_answers_429_in_georeport_form(o311: O311) -> None:
    key = (await o311.issue(name="busy", rate_per_minute=2))["key"]
    home = o311.world.communities[0].code
    for _ in range(2):
        r = await o311.post(key=key, service_code="noise", lat="31", long="1", jurisdiction_id=home)
        assert r.status_code == 201
    r = await o311.post(key=key, service_code="noise", lat="31", long="121")
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert r.json()[0]["code"] == 429 and "2 requests a minute" in r.json()[0]["description"]
    x = await o311.post("xml", key=key, service_code="noise", lat="31", long="121")
    assert x.status_code == 429 and xml(x).findtext("error/code") == "429"
    assert await Report.all().count() == 2


async def test_staff_in_scope_read_the_submitters_contact_for_follow_up(o311: O311) -> None:
    rid = await o311.file(first_name="三", last_name="张", phone="13800138000", device_id="d1")
    url = f"/api/v1/open311/submissions/{rid}"
    r = await o311.client.get(url, headers=auth(o311.app, o311.world.staff["worker"]))
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["contact"] == {
        "first_name": "三", "last_name": "张", "email": None, "phone": "13800138000",
        "device_id": "d1", "account_id": None,
    }  # fmt: skip
    assert got["client"] == "client" and got["token"]
    assert await AuditLog.filter(action="open311_contact.viewed", entity_id=str(rid)).count() == 1
    for who, status in (("other_worker", 404), ("officer", 403), ("dispatcher", 200)):
        r = await o311.client.get(url, headers=auth(o311.app, o311.world.staff[who]))
        assert r.status_code == status, (who, r.text)
    assert (await o311.client.get(url)).status_code == 401
