"""Importing the 责任清单 from a street's spreadsheet (CSV or XLSX, like the household
registry): every row checked and reported by its row number, written all together or
not at all."""

from __future__ import annotations

import re
from typing import Any

from schemas.guides import RuleImportIssue, RuleImportReport, RuleImportRow
from server.auth.principal import Principal
from server.domain import responsibility as rules
from server.domain.errors import NotFound
from server.models.geo import Building, Community, Estate, Street
from server.models.guides import ResponsibleBody, StreetSegment
from server.services.guides.duty_list import upsert_lines
from server.services.reports import catalogue
from server.services.visits.sheets import XLSX_TYPE, check_upload, read_sheet

__all__ = ["XLSX_TYPE", "import_lines"]

MAX_ROWS = 5_000
COLUMNS = {
    "category": {"类别", "事项类别", "category"},
    "community": {"社区", "居委", "居委会", "community"},
    "estate": {"小区", "estate"},
    "building": {"楼", "楼号", "楼栋", "building"},
    "segment": {"路段", "segment"},
    "body": {"责任单位", "处理单位", "body"},
    "reason": {"理由", "说明", "reason"},
}
REQUIRED = ("category", "body", "reason")
_SEGMENT = re.compile(r"^(.+?)\s*(\d{1,5})\s*[-－~～至]\s*(\d{1,5})\s*号?$")


class _Street:
    """Everything of one street a row may name, read once."""

    def __init__(self, street_id: int) -> None:
        self.street_id = street_id
        self.communities: dict[str, Community] = {}
        self.estates: dict[tuple[int, str], Estate] = {}
        self.buildings: dict[tuple[int, str], int] = {}
        self.segments: dict[tuple[str, int, int], int] = {}
        self.bodies: dict[str, ResponsibleBody] = {}
        self.categories: dict[str, str] = {}

    async def load(self) -> None:
        for c in await Community.filter(street_id=self.street_id):
            self.communities[c.name] = self.communities[c.code] = c
        ids = [c.id for c in self.communities.values()]
        for e in await Estate.filter(community_id__in=ids):
            self.estates[(e.community_id, e.name)] = e
        for bid, eid, name in await Building.filter(estate__community_id__in=ids).values_list(
            "id", "estate_id", "name"
        ):
            self.buildings[(int(eid), str(name))] = int(bid)  # type: ignore[call-overload]
        for s in await StreetSegment.filter(street_id=self.street_id):
            self.segments[(s.road, s.from_no, s.to_no)] = s.id
        for b in await ResponsibleBody.filter(street_id=self.street_id, active=True):
            self.bodies[b.name] = b
        for info in (await catalogue.catalogue()).values():
            self.categories[info.code] = self.categories[info.name] = info.code


def _check(
    number: int, get: Any, st: _Street
) -> tuple[dict[str, Any] | None, list[RuleImportIssue]]:
    issues: list[RuleImportIssue] = []

    def bad(field: str | None, code: str, message: str) -> None:
        issues.append(RuleImportIssue(field=field, code=code, message=message))

    category = st.categories.get(get("category"))
    if category is None:
        bad("category", "unknown_category", f"no category {get('category')!r}")
    body = st.bodies.get(get("body"))
    if body is None:
        bad("body", "unknown_body", f"no body {get('body')!r} in this street")
    reason = get("reason")
    if not 2 <= len(reason) <= 200:
        bad("reason", "bad_reason", "the reason residents read: 2-200 characters")
    community = st.communities.get(get("community")) if get("community") else None
    if get("community") and community is None:
        bad("community", "unknown_community", f"no community {get('community')!r}")
    place: tuple[str, int] | None = None
    if get("segment"):
        m = _SEGMENT.match(get("segment"))
        sid = st.segments.get((m.group(1), int(m.group(2)), int(m.group(3)))) if m else None
        if sid is None:
            bad("segment", "unknown_segment", f"no segment {get('segment')!r} (e.g. 新华路1-400号)")
        else:
            place = ("segment", sid)
    elif community is None:
        bad("community", "place_needed", "name a community (and an estate, building) or a segment")
    elif get("estate"):
        estate = st.estates.get((community.id, get("estate")))
        if estate is None:
            bad("estate", "unknown_estate", f"no estate {get('estate')!r} in {community.name}")
        elif get("building"):
            bid = st.buildings.get((estate.id, get("building")))
            if bid is None:
                bad("building", "unknown_building", f"no building {get('building')!r}")
            else:
                place = ("building", bid)
        else:
            place = ("estate", estate.id)
    elif get("building"):
        bad("estate", "estate_needed", "a building is named with its estate")
    else:
        place = ("community", community.id)
    if issues or place is None or body is None or category is None:
        return None, issues
    return {"category": category, "place": place, "body": body, "reason": reason,
            "community": community}, issues  # fmt: skip


def _line(item: dict[str, Any], category_id: int, street_id: int, first_community: int) -> dict:
    place, pid = item["place"]
    body: ResponsibleBody = item["body"]
    community = item["community"]
    return {
        "street_id": street_id,
        "category_id": category_id,
        "place_key": rules.place_key(place, pid),
        "level": rules.LEVELS[place],
        "community_id": community.id if community else (body.community_id or first_community),
        "estate_id": None,
        "building_id": pid if place == "building" else None,
        "segment_id": pid if place == "segment" else None,
        "body_id": body.id,
        "reason": item["reason"],
    }


async def import_lines(
    p: Principal, street_id: int, data: bytes, content_type: str, *, dry_run: bool, max_bytes: int
) -> RuleImportReport:
    check_upload(data, max_bytes)
    if not await Street.exists(id=street_id):
        raise NotFound("street not found")
    columns, numbered = await read_sheet(
        data, content_type, max_rows=MAX_ROWS, columns=COLUMNS, required=REQUIRED
    )
    st = _Street(street_id)
    await st.load()
    results, good = [], []
    seen: dict[tuple[str, tuple[str, int]], int] = {}
    for number, cells in numbered:  # the row's number in the sheet, blank rows counted

        def get(col: str, cells: list[str] = cells) -> str:
            pos = columns.get(col)
            return cells[pos].strip() if pos is not None and pos < len(cells) else ""

        item, issues = _check(number, get, st)
        if item is not None:
            key = (item["category"], item["place"])
            if key in seen:
                said = f"row {seen[key]} already gives this category and place"
                issues.append(RuleImportIssue(field=None, code="duplicate_row", message=said))
            else:
                seen[key] = number
                good.append(item)
        results.append(RuleImportRow(row=number, status="error" if issues else "ok", issues=issues))
    errors = sum(1 for r in results if r.status == "error")
    written = 0
    if not dry_run and not errors and good:
        infos = await catalogue.catalogue()
        first = min(c.id for c in st.communities.values())
        lines = [_line(g, infos[g["category"]].id, street_id, first) for g in good]
        for line, g in zip(lines, good, strict=True):
            if g["place"][0] in ("estate", "building"):
                line["estate_id"] = await _estate_of(g["place"])
        written = len(await upsert_lines(lines, p))
    return RuleImportReport(dry_run=dry_run, rows=len(results), ok=len(results) - errors,
                            errors=errors, written=written, results=results)  # fmt: skip


async def _estate_of(place: tuple[str, int]) -> int:
    kind, pid = place
    if kind == "estate":
        return pid
    return (await Building.get(id=pid)).estate_id
