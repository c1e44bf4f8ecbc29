"""GET services and service definitions, from our category catalogue."""

from __future__ import annotations

from tests.api.open311.conftest import O311, xml


async def test_services_list_the_catalogue_in_both_formats(o311: O311) -> None:
    r = await o311.get("services.json")
    assert r.status_code == 200
    services = r.json()
    codes = [s["service_code"] for s in services]
    assert codes[:3] == ["sanitation", "illegal_building", "greening"] and "elevator" in codes
    elevator = next(s for s in services if s["service_code"] == "elevator")
    assert elevator == {
        "service_code": "elevator",
        "service_name": "电梯",
        "description": "电梯（紧急事项，非工作时间也有专人值守）",
        "metadata": True,
        "type": "realtime",
        "keywords": "elevator",
        "group": "urgent",
    }
    root = xml(await o311.get("services.xml"))
    assert root.tag == "services"
    assert [s.findtext("service_code") for s in root.findall("service")] == codes
    assert root.find("service/metadata") is not None
    assert root.findtext("service/metadata") == "true"


async def test_service_definition(o311: O311) -> None:
    doc = (await o311.get("services/elevator.json")).json()
    assert doc["service_code"] == "elevator"
    trapped = doc["attributes"][1]
    assert trapped == {
        "variable": True,
        "code": "trapped",
        "datatype": "singlevaluelist",
        "required": True,
        "datatype_description": None,
        "order": 2,
        "description": "是否有人被困在电梯内？",
        "values": [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}],
    }
    root = xml(await o311.get("services/elevator.xml"))
    assert root.tag == "service_definition"
    assert [v.findtext("key") for v in root.findall("attributes/attribute/values/value")] == [
        "yes",
        "no",
    ]


async def test_unknown_service_is_404_in_the_asked_format(o311: O311) -> None:
    r = await o311.get("services/potholes.json")
    assert r.status_code == 404
    assert r.json() == [
        {"code": 404, "description": "service_code 'potholes' is not a service of this endpoint"}
    ]
    root = xml(await o311.get("services/potholes.xml"))
    assert root.tag == "errors" and root.findtext("error/code") == "404"
    assert (await o311.get("services/elevator.csv")).status_code == 404
