"""GeoReport v2 wire formats: the same documents as JSON and as XML, element for element
as the specification writes them, and its error bodies."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal
from xml.etree import ElementTree as ET  # only ever builds XML, never parses it
from zoneinfo import ZoneInfo

import orjson

Format = Literal["json", "xml"]
FORMATS: tuple[Format, ...] = ("json", "xml")
CONTENT_TYPE: dict[Format, str] = {
    "json": "application/json; charset=utf-8",
    "xml": "text/xml; charset=utf-8",
}
MEDIA_TYPE: dict[Format, str] = {"json": "application/json", "xml": "text/xml"}

# Root element -> the element each item of the top-level list is written as.
ROOT_ITEM = {"services": "service", "service_requests": "request", "errors": "error"}
# A list inside a document -> the element each of its items is written as.
LIST_ITEM = {
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}
# Characters XML 1.0 cannot carry at all; a resident's text may contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def timestamp(at: datetime | None, time_zone: str) -> str | None:
    """ISO 8601 with the jurisdiction's UTC offset, as the specification requires."""
    if at is None:
        return None
    return at.astimezone(ZoneInfo(time_zone)).isoformat(timespec="seconds")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(parent: ET.Element, data: dict[str, Any]) -> None:
    for key, value in data.items():
        child = ET.SubElement(parent, key)
        if isinstance(value, dict):
            _fill(child, value)
        elif isinstance(value, list):
            item_name = LIST_ITEM.get(key, "item")
            for item in value:
                node = ET.SubElement(child, item_name)
                if isinstance(item, dict):
                    _fill(node, item)
                else:
                    node.text = _text(item)
        else:
            child.text = _text(value)


def to_xml(root: str, data: dict[str, Any] | list[dict[str, Any]]) -> bytes:
    """A document whose root is ``root``: a list becomes repeated child elements
    (``<services><service>…``), a mapping becomes the root's children."""
    top = ET.Element(root)
    if isinstance(data, list):
        for item in data:
            _fill(ET.SubElement(top, ROOT_ITEM[root]), item)
    else:
        _fill(top, data)
    body = ET.tostring(top, encoding="unicode", short_empty_elements=True)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode()


def to_json(data: Any) -> bytes:
    return orjson.dumps(data)


def render(root: str, data: dict[str, Any] | list[dict[str, Any]], fmt: Format) -> bytes:
    return to_xml(root, data) if fmt == "xml" else to_json(data)


def error_document(status: int, description: str) -> list[dict[str, Any]]:
    """``[{"code": 400, "description": "…"}]``: GeoReport's error body."""
    return [{"code": status, "description": description}]


def render_error(status: int, description: str, fmt: Format) -> bytes:
    return render("errors", error_document(status, description), fmt)


def format_of_path(path: str, accept: str = "") -> Format:
    """The format a path asks for by its extension; otherwise what the client accepts."""
    tail = path.rstrip("/").rsplit("/", 1)[-1]
    if tail.endswith(".xml"):
        return "xml"
    if tail.endswith(".json"):
        return "json"
    return "xml" if "xml" in accept and "json" not in accept else "json"
