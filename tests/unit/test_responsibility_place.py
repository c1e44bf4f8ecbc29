"""Where a report is and which line of the 责任清单 governs it."""

from __future__ import annotations

from server.domain import responsibility as r

ESTATES = [r.EstateRef(1, "华发小区", "新华路100弄"), r.EstateRef(2, "新华苑", "新华路107弄"),
           r.EstateRef(3, "新华苑二期", "")]  # fmt: skip
BUILDINGS = [r.BuildingRef(11, 1, "5号楼"), r.BuildingRef(12, 1, "15号楼"),
             r.BuildingRef(21, 2, "5号楼")]  # fmt: skip
SEGMENTS = [r.SegmentRef(7, "新华路", 1, 400), r.SegmentRef(8, "番禺路", 1, 300)]


def test_address_names_estate_and_building() -> None:
    p = r.locate(9, "华发小区15号楼门口", ESTATES, BUILDINGS, SEGMENTS)
    assert (p.estate_id, p.building_id) == (1, 12)  # 15号楼, not the 5号楼 inside it
    p = r.locate(9, "新华苑二期 3栋", ESTATES, BUILDINGS, SEGMENTS)
    assert (p.estate_id, p.building_id) == (3, None)  # the longer name wins


def test_lane_address_and_segment() -> None:
    p = r.locate(9, "新华路107弄5号楼", ESTATES, BUILDINGS, SEGMENTS)
    assert (p.estate_id, p.building_id, p.segment_id) == (2, 21, 7)
    p = r.locate(9, "番禺路 250 号 人行道", ESTATES, BUILDINGS, SEGMENTS)
    assert (p.estate_id, p.segment_id) == (None, 8)
    assert r.locate(9, "番禺路301号", ESTATES, BUILDINGS, SEGMENTS).segment_id is None
    assert r.road_number("长宁路1088号") == ("长宁路", 1088)
    assert r.road_number("小区里") is None


def test_home_fills_what_the_address_leaves_out() -> None:
    assert r.locate(9, "", ESTATES, BUILDINGS, SEGMENTS, home=(1, 11)).building_id == 11
    p = r.locate(9, "华发小区", ESTATES, BUILDINGS, SEGMENTS, home=(1, 11))
    assert (p.estate_id, p.building_id) == (1, 11)
    # Reporting about another estate: the home building does not apply.
    p = r.locate(9, "新华苑", ESTATES, BUILDINGS, SEGMENTS, home=(1, 11))
    assert (p.estate_id, p.building_id) == (2, None)


def test_most_specific_line_wins() -> None:
    lines = [r.Line(1, "community:9", 4, 100), r.Line(2, "segment:7", 3, 200),
             r.Line(3, "estate:2", 2, 300), r.Line(4, "building:21", 1, 400),
             r.Line(5, "estate:1", 2, 500)]  # fmt: skip
    assert r.most_specific(r.Place(9, 2, 21, 7), lines).id == 4  # type: ignore[union-attr]
    assert r.most_specific(r.Place(9, 2, 22, 7), lines).id == 3  # type: ignore[union-attr]
    assert r.most_specific(r.Place(9, None, None, 7), lines).id == 2  # type: ignore[union-attr]
    assert r.most_specific(r.Place(9), lines).id == 1  # type: ignore[union-attr]
    assert r.most_specific(r.Place(10), lines) is None
