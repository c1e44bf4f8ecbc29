"""Reading Open311 input: the POST form, attribute answers and the GET requests filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.domain.errors import Invalid
from server.domain.open311.inbound import parse_filter, parse_new_request
from server.domain.open311.services import check_answers, definition, service_of

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def test_full_request_is_read() -> None:
    got = parse_new_request(
        {
            "api_key": ["k"],
            "service_code": ["elevator"],
            "lat": ["31.2304"],
            "long": ["121.4737"],
            "address_string": ["3号楼"],
            "description": ["电梯停在 5 楼"],
            "media_url": ["https://img.example.org/1.jpg"],
            "attribute[trapped]": ["yes"],
            "attribute[noise_time][]": ["day", "night"],
            "email": ["a@b.cn"],
            "first_name": ["San"],
            "device_id": ["dev-1"],
        }
    )
    assert got.service_code == "elevator"
    assert (got.lat, got.long) == (31.2304, 121.4737)
    assert got.attributes == {"trapped": ["yes"], "noise_time": ["day", "night"]}
    assert got.contact == {"first_name": "San", "email": "a@b.cn", "device_id": "dev-1"}
    assert got.media_url == "https://img.example.org/1.jpg"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "service_code is required"),
        ({"service_code": ["x"]}, "a location is required"),
        ({"service_code": ["x"], "lat": ["31"]}, "lat and long must be given together"),
        ({"service_code": ["x"], "lat": ["91"], "long": ["1"]}, "lat must be between"),
        ({"service_code": ["x"], "lat": ["nan"], "long": ["1"]}, "lat must be between"),
        ({"service_code": ["x"], "lat": ["north"], "long": ["1"]}, "lat must be a decimal"),
        ({"service_code": ["x"], "address_id": ["B-1"]}, "address_id must be a building id"),
        ({"service_code": ["x"], "address_string": ["a"], "description": ["x" * 4001]},
         "description is longer than 4000"),
        ({"service_code": ["x"], "address_string": ["a"], "media_url": ["ftp://x/y"]},
         "media_url must be an http"),
        ({"service_code": ["x"], "address_string": ["a"], "email": ["nope"]},
         "email is not an email"),
        ({"service_code": ["x"], "address_string": ["a"], "attribute": ["v"]},
         "not of the form attribute[code]"),
    ],
)  # fmt: skip
def test_bad_requests_say_what_is_wrong(data: dict[str, list[str]], message: str) -> None:
    with pytest.raises(Invalid) as err:
        parse_new_request(data)
    assert message in err.value.message


def test_description_of_exactly_4000_is_accepted() -> None:
    got = parse_new_request(
        {"service_code": ["x"], "address_id": ["7"], "description": ["字" * 4000]}
    )
    assert len(got.description) == 4000 and got.address_id == 7


def test_answers_checked_against_the_definition() -> None:
    elevator = service_of("elevator", "电梯", True)
    answers = check_answers(elevator, {"trapped": ["yes"], "title": ["困人"]})
    assert answers.urgent and answers.title == "困人"
    assert answers.lines == ("是否有人被困在电梯内：是",)
    assert not check_answers(elevator, {"trapped": ["no"]}).urgent
    with pytest.raises(Invalid, match="required"):
        check_answers(elevator, {})
    with pytest.raises(Invalid, match="not one of"):
        check_answers(elevator, {"trapped": ["maybe"]})
    with pytest.raises(Invalid, match="not part of service"):
        check_answers(elevator, {"colour": ["red"]})
    security = service_of("public_security", "治安", True)
    with pytest.raises(Invalid, match="information only"):
        check_answers(security, {"emergency_notice": ["x"], "ongoing": ["no"]})
    noise = service_of("noise", "噪音", False)
    assert check_answers(noise, {"noise_time": ["night", "day"]}).lines == (
        "噪音通常出现在什么时段：夜间 22 点后、白天",
    )
    with pytest.raises(Invalid, match="not one of"):
        check_answers(noise, {"noise_time": ["day", "dawn"]})
    building = service_of("illegal_building", "违章搭建", False)
    with pytest.raises(Invalid, match="ISO 8601"):
        check_answers(building, {"started_on": ["last week"]})


def test_definition_orders_attributes_from_one() -> None:
    doc = definition(service_of("public_security", "治安", True))
    assert [a["order"] for a in doc["attributes"]] == [1, 2, 3]
    assert [a["variable"] for a in doc["attributes"]] == [True, False, True]


def test_filter_defaults_to_last_90_days() -> None:
    f = parse_filter({}, now=NOW, time_zone="Asia/Shanghai")
    assert f.end == NOW and f.start == NOW - timedelta(days=90) and f.limit == 1000


def test_filter_ids_override_everything_else() -> None:
    f = parse_filter(
        {"service_request_id": ["3,1", "3"], "status": ["bogus"]}, now=NOW, time_zone="UTC"
    )
    assert f.ids == (3, 1) and f.start is None


def test_filter_dates_statuses_codes() -> None:
    f = parse_filter(
        {
            "start_date": ["2026-09-01T00:00:00 08:00"],  # '+' arrived as a space
            "end_date": ["2026-10-01T00:00:00Z"],
            "status": ["open,closed"],
            "service_code": ["noise,leak"],
        },
        now=NOW,
        time_zone="Asia/Shanghai",
    )
    assert f.start == datetime(2026, 8, 31, 16, 0, tzinfo=UTC)
    assert f.statuses == ("open", "closed") and f.service_codes == ("noise", "leak")
    naive = parse_filter(
        {"start_date": ["2026-09-01T00:00:00"]}, now=NOW, time_zone="Asia/Shanghai"
    )
    assert naive.start == datetime(2026, 8, 31, 16, 0, tzinfo=UTC)
    assert naive.end == naive.start + timedelta(days=90)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"start_date": ["2026-01-01T00:00:00Z"], "end_date": ["2026-04-02T00:00:00Z"]},
         "at most 90 days"),
        ({"start_date": ["2026-02-01T00:00:00Z"], "end_date": ["2026-01-01T00:00:00Z"]},
         "before start_date"),
        ({"start_date": ["yesterday"]}, "ISO 8601"),
        ({"status": ["pending"]}, "open or closed"),
        ({"service_request_id": ["12,abc"]}, "comma-separated list"),
        ({"service_code": ["<script>"]}, "not a service code"),
    ],
)  # fmt: skip
def test_filter_refuses(args: dict[str, list[str]], message: str) -> None:
    with pytest.raises(Invalid, match=message):
        parse_filter(args, now=NOW, time_zone="Asia/Shanghai")


def test_exactly_90_days_is_allowed() -> None:
    f = parse_filter(
        {"start_date": ["2026-01-01T00:00:00Z"], "end_date": ["2026-04-01T00:00:00Z"]},
        now=NOW,
        time_zone="UTC",
    )
    assert f.end is not None and f.start is not None and f.end - f.start == timedelta(days=90)
