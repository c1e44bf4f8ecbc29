"""What Open311 clients see of our category catalogue: services, their definitions
(attributes) and how submitted attribute values are checked and turned into report text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from server.domain.errors import Invalid

Datatype = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
YES_NO = (("yes", "是"), ("no", "否"))
MAX_STRING = 200
MAX_TEXT = 4000


@dataclass(frozen=True, slots=True)
class Attribute:
    code: str
    datatype: Datatype
    description: str
    required: bool = False
    variable: bool = True  # False: information shown to the person, never answered
    datatype_description: str | None = None
    values: tuple[tuple[str, str], ...] = ()
    urgent_when: str | None = None  # this answer makes the report urgent

    def document(self, order: int) -> dict[str, Any]:
        return {
            "variable": self.variable,
            "code": self.code,
            "datatype": self.datatype,
            "required": self.required,
            "datatype_description": self.datatype_description,
            "order": order,
            "description": self.description,
            "values": [{"key": k, "name": n} for k, n in self.values],
        }


@dataclass(frozen=True, slots=True)
class Service:
    """One category as a GeoReport service."""

    code: str
    name: str
    urgent: bool
    attributes: tuple[Attribute, ...] = field(default=())


TITLE = Attribute(
    "title", "string", "一句话概括（可选，不超过 60 字）", datatype_description="最多 60 字"
)
# Questions a worker would ask at the desk, by category code. Categories without an
# entry still take a title; a street that adds categories gets the same.
EXTRA: dict[str, tuple[Attribute, ...]] = {
    "elevator": (
        Attribute("trapped", "singlevaluelist", "是否有人被困在电梯内？", required=True,
                  values=YES_NO, urgent_when="yes"),
    ),
    "public_security": (
        Attribute("emergency_notice", "string",
                  "正在发生的违法犯罪或危及人身安全的情况，请立即拨打 110。", variable=False),
        Attribute("ongoing", "singlevaluelist", "情况是否仍在发生？", required=True,
                  values=YES_NO, urgent_when="yes"),
    ),
    "leak": (
        Attribute("leak_source", "singlevaluelist", "漏水位置", values=(
            ("ceiling", "天花板"), ("wall", "墙面"), ("pipe", "管道"), ("roof", "屋顶"),
            ("other", "其他"))),
    ),
    "noise": (
        Attribute("noise_time", "multivaluelist", "噪音通常出现在什么时段？", values=(
            ("day", "白天"), ("evening", "傍晚"), ("night", "夜间 22 点后"))),
        Attribute("noise_source", "string", "噪音来源（如施工、商铺、广场舞）"),
    ),
    "elderly": (
        Attribute("lives_alone", "singlevaluelist", "老人是否独居？", values=YES_NO),
    ),
    "illegal_building": (
        Attribute("started_on", "datetime", "大约何时开始搭建？",
                  datatype_description="ISO 8601，例如 2026-11-20T09:00:00+08:00"),
    ),
}  # fmt: skip


def service_of(code: str, name: str, urgent: bool) -> Service:
    return Service(code, name, urgent, (TITLE, *EXTRA.get(code, ())))


def service_entry(s: Service) -> dict[str, Any]:
    """One entry of GET services."""
    return {
        "service_code": s.code,
        "service_name": s.name,
        "description": s.name + ("（紧急事项，非工作时间也有专人值守）" if s.urgent else ""),
        "metadata": bool(s.attributes),
        "type": "realtime",
        "keywords": s.code.replace("_", " "),
        "group": "urgent" if s.urgent else "community",
    }


def definition(s: Service) -> dict[str, Any]:
    """GET services/{code}: the service definition."""
    return {
        "service_code": s.code,
        "attributes": [a.document(i) for i, a in enumerate(s.attributes, start=1)],
    }


@dataclass(frozen=True, slots=True)
class Answers:
    """Checked attribute values: the title, the lines added to the description, and
    whether an answer makes the matter urgent."""

    title: str | None
    lines: tuple[str, ...]
    urgent: bool
    raw: dict[str, list[str]]


def _check_one(a: Attribute, values: list[str]) -> str:
    keys = {k: n for k, n in a.values}
    if a.datatype == "multivaluelist":
        bad = [v for v in values if v not in keys]
        if bad:
            raise Invalid(f"attribute[{a.code}]: {bad[0]!r} is not one of {sorted(keys)}")
        return "、".join(keys[v] for v in dict.fromkeys(values))
    if len(values) > 1:
        raise Invalid(f"attribute[{a.code}] takes one value")
    value = values[0]
    if a.datatype == "singlevaluelist":
        if value not in keys:
            raise Invalid(f"attribute[{a.code}]: {value!r} is not one of {sorted(keys)}")
        return keys[value]
    if a.datatype == "number":
        try:
            float(value)
        except ValueError:
            raise Invalid(f"attribute[{a.code}] must be a number") from None
        return value
    if a.datatype == "datetime":
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise Invalid(f"attribute[{a.code}] must be an ISO 8601 date and time") from None
        return value
    limit = 60 if a.code == "title" else MAX_STRING if a.datatype == "string" else MAX_TEXT
    if len(value) > limit:
        raise Invalid(f"attribute[{a.code}] is longer than {limit} characters")
    return value


def check_answers(s: Service, given: dict[str, list[str]]) -> Answers:
    """Every answer must belong to the definition and fit its datatype; every required
    question must be answered."""
    by_code = {a.code: a for a in s.attributes}
    for code in given:
        a = by_code.get(code)
        if a is None:
            known = sorted(c for c, x in by_code.items() if x.variable)
            raise Invalid(f"attribute[{code}] is not part of service {s.code} (known: {known})")
        if not a.variable:
            raise Invalid(f"attribute[{code}] is information only and takes no value")
    lines: list[str] = []
    title: str | None = None
    urgent = False
    for a in s.attributes:
        values = [v.strip() for v in given.get(a.code, []) if v.strip()]
        if not values:
            if a.required:
                raise Invalid(f"attribute[{a.code}] is required: {a.description}")
            continue
        shown = _check_one(a, values)
        if a.code == "title":
            title = shown
            continue
        if a.urgent_when is not None and a.urgent_when in values:
            urgent = True
        lines.append(f"{a.description.rstrip('？?')}：{shown}")
    return Answers(title, tuple(lines), urgent, {k: list(v) for k, v in given.items()})
