"""GeoReport v2 documents, written against the specification's own examples."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

import orjson

from server.domain.open311.formats import (
    format_of_path,
    render,
    render_error,
    timestamp,
    to_xml,
)
from server.domain.open311.outbound import created_document, token_document

DECL = '<?xml version="1.0" encoding="utf-8"?>\n'

SPEC_SERVICE = {
    "service_code": "001",
    "service_name": "Cans left out 24x7",
    "description": "Garbage or recycling cans that have been left out for more than 24 hours "
    "after collection. Violators will be cited.",
    "metadata": True,
    "type": "realtime",
    "keywords": "lorem, ipsum, dolor",
    "group": "sanitation",
}


def test_services_list_as_the_spec_writes_it() -> None:
    xml = to_xml("services", [SPEC_SERVICE]).decode()
    assert xml.startswith(DECL)
    assert xml == (
        DECL + "<services><service><service_code>001</service_code>"
        "<service_name>Cans left out 24x7</service_name>"
        f"<description>{SPEC_SERVICE['description']}</description>"
        "<metadata>true</metadata><type>realtime</type>"
        "<keywords>lorem, ipsum, dolor</keywords><group>sanitation</group>"
        "</service></services>"
    )
    assert orjson.loads(render("services", [SPEC_SERVICE], "json")) == [SPEC_SERVICE]


def test_service_definition_nests_attributes_and_values() -> None:
    doc = {
        "service_code": "DMV66",
        "attributes": [
            {
                "variable": True,
                "code": "WHISHETN",
                "datatype": "singlevaluelist",
                "required": True,
                "datatype_description": None,
                "order": 1,
                "description": "What is the ticket/tag/DL number?",
                "values": [{"key": "123", "name": "Ford"}, {"key": "124", "name": "Chrysler"}],
            }
        ],
    }
    root = ET.fromstring(render("service_definition", doc, "xml"))  # noqa: S314 - our own output
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "DMV66"
    attr = root.find("attributes/attribute")
    assert attr is not None
    assert attr.findtext("variable") == "true"
    assert attr.findtext("datatype_description") == ""
    assert [v.findtext("name") for v in attr.findall("values/value")] == ["Ford", "Chrysler"]
    assert [v.findtext("key") for v in attr.findall("values/value")] == ["123", "124"]


def test_post_answer_and_token_answer() -> None:
    created = created_document(293944, "tok", "We will look at it.")
    root = ET.fromstring(render("service_requests", [created], "xml"))  # noqa: S314
    req = root.find("request")
    assert root.tag == "service_requests" and req is not None
    assert req.findtext("service_request_id") == "293944"
    assert req.find("account_id") is not None and req.findtext("account_id") == ""
    assert orjson.loads(render("service_requests", [created], "json")) == [
        {
            "service_request_id": 293944,
            "token": "tok",
            "service_notice": "We will look at it.",
            "account_id": None,
        }
    ]
    assert orjson.loads(render("service_requests", [token_document("12345", 638344)], "json")) == [
        {"service_request_id": 638344, "token": "12345"}
    ]


def test_error_bodies() -> None:
    assert orjson.loads(render_error(403, "Invalid api_key", "json")) == [
        {"code": 403, "description": "Invalid api_key"}
    ]
    assert render_error(403, "Invalid api_key", "xml").decode() == (
        DECL + "<errors><error><code>403</code><description>Invalid api_key</description>"
        "</error></errors>"
    )


def test_xml_escapes_markup_and_drops_characters_xml_cannot_hold() -> None:
    xml = render("services", [{"description": "a < b & c\x00\x1b"}], "xml")
    root = ET.fromstring(xml)  # noqa: S314
    assert root.findtext("service/description") == "a < b & c"


def test_discovery_lists_formats() -> None:
    doc = {
        "changeset": "2011-04-05T17:48:34Z",
        "contact": "c",
        "key_service": "k",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": "http://x/open311/v2",
                "changeset": "2011-04-20T17:48:34Z",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    root = ET.fromstring(render("discovery", doc, "xml"))  # noqa: S314
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]


def test_times_carry_the_offset() -> None:
    at = datetime(2010, 4, 14, 14, 37, 38, tzinfo=UTC)
    assert timestamp(at, "America/Los_Angeles") == "2010-04-14T07:37:38-07:00"
    assert timestamp(at, "Asia/Shanghai") == "2010-04-14T22:37:38+08:00"
    assert timestamp(None, "Asia/Shanghai") is None


def test_format_from_path() -> None:
    assert format_of_path("/open311/v2/services.xml") == "xml"
    assert format_of_path("/open311/v2/requests/12.json") == "json"
    assert format_of_path("/open311/v2/nothing", "text/xml") == "xml"
    assert format_of_path("/open311/v2/nothing", "") == "json"
