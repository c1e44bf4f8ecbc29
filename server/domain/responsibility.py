"""Which line of the 责任清单 governs a report: where the report is, and the most
specific line for that place (building > estate > street segment > community)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

LEVELS = {"building": 1, "estate": 2, "segment": 3, "community": 4}
PLACES = tuple(LEVELS)

# A Shanghai street address: a road (…路, …街, …大道, …公路) and a house or lane number.
_ROAD_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,12}?(?:大道|公路|路|街))\s*(\d{1,5})\s*(?:号|弄)")


def place_key(place: str, place_id: int) -> str:
    return f"{place}:{place_id}"


@dataclass(frozen=True, slots=True)
class EstateRef:
    id: int
    name: str
    address: str


@dataclass(frozen=True, slots=True)
class BuildingRef:
    id: int
    estate_id: int
    name: str


@dataclass(frozen=True, slots=True)
class SegmentRef:
    id: int
    road: str
    from_no: int
    to_no: int


@dataclass(frozen=True, slots=True)
class Place:
    community_id: int
    estate_id: int | None = None
    building_id: int | None = None
    segment_id: int | None = None

    def keys(self) -> list[str]:
        """The list lines that could apply, most specific first."""
        out = []
        if self.building_id is not None:
            out.append(place_key("building", self.building_id))
        if self.estate_id is not None:
            out.append(place_key("estate", self.estate_id))
        if self.segment_id is not None:
            out.append(place_key("segment", self.segment_id))
        out.append(place_key("community", self.community_id))
        return out


def road_number(address: str) -> tuple[str, int] | None:
    """The road and number an address names ("新华路211弄3号" -> ("新华路", 211))."""
    m = _ROAD_NUMBER.search(address.replace(" ", ""))
    return (m.group(1), int(m.group(2))) if m else None


def _named(address: str, names: Iterable[tuple[int, str]]) -> int | None:
    """The id whose name the address contains; the longest name wins (新华苑二期 over 新华苑)."""
    best: tuple[int, int] | None = None
    for ident, name in names:
        if name and name in address and (best is None or len(name) > best[0]):
            best = (len(name), ident)
    return best[1] if best else None


def segment_of(address: str, segments: Sequence[SegmentRef]) -> int | None:
    found = road_number(address)
    if found is None:
        return None
    road, number = found
    for s in segments:
        if s.road == road and s.from_no <= number <= s.to_no:
            return s.id
    return None


def locate(
    community_id: int,
    address: str,
    estates: Sequence[EstateRef],
    buildings: Sequence[BuildingRef],
    segments: Sequence[SegmentRef],
    home: tuple[int, int] | None = None,
) -> Place:
    """Where a report is. The address the resident gave names an estate (or its lane
    address) and a building; what it leaves out comes from the reporter's own verified
    household (``home``: estate id, building id) when that is in the same estate."""
    text = address.replace(" ", "")
    estate_id = _named(text, ((e.id, e.name) for e in estates))
    if estate_id is None:
        estate_id = _named(text, ((e.id, e.address) for e in estates))
    if estate_id is None and home is not None and not text:
        estate_id = home[0]
    building_id = None
    if estate_id is not None:
        rest = text
        for e in estates:
            if e.id == estate_id:
                rest = text.replace(e.name, " ").replace(e.address or "\0", " ") if text else ""
        building_id = _named(rest, ((b.id, b.name) for b in buildings if b.estate_id == estate_id))
        if building_id is None and home is not None and home[0] == estate_id:
            building_id = home[1]
    return Place(community_id, estate_id, building_id, segment_of(text, segments))


@dataclass(frozen=True, slots=True)
class Line:
    id: int
    place_key: str
    level: int
    body_id: int


def most_specific(place: Place, lines: Iterable[Line]) -> Line | None:
    """The line for the most specific place the report is in, or None."""
    wanted = set(place.keys())
    best: Line | None = None
    for line in lines:
        if line.place_key in wanted and (best is None or line.level < best.level):
            best = line
    return best
