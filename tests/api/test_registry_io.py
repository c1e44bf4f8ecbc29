"""Registry import (dry run, per-row report, all-or-nothing) and the audited export."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from server.models.geo import Household
from server.models.records import AuditLog
from server.models.visits import HouseholdArea, HouseholdGroup, Member, VisitSchedule
from tests.support.factories import auth, make_world
from tests.support.visits import make_area
from tests.support.visits_api import register

URL = "/api/v1/households"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEAD = [
    "小区",
    "楼号",
    "单元",
    "楼层",
    "室号",
    "姓名",
    "出生年份",
    "电话",
    "与户主关系",
    "重点人群",
    "备注",
    "面积",
]


@pytest.fixture
async def world(db: None):
    w = await make_world()
    w.area = await make_area(w)  # type: ignore[attr-defined]
    return w


def _csv(rows: list[list[object]], encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows([HEAD, *rows])
    return buf.getvalue().encode(encoding)


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in [HEAD, *rows]:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rows(world) -> list[list[object]]:
    e = world.area.estate.name
    return [
        [e, "2号楼", "1", "", "301", "王秀英", 1940, "13812341234", "户主", "独居老人", ""],
        [e, "2号楼", "1", "", "302", "李强", 1980, "021-62345678", "户主", "", ""],
        [e, "2号楼", "1", "", "302", "李娜", 1982, "13900001111", "配偶", "", ""],
        [e, "9号楼", "1", "", "101", "赵六", 1970, "", "户主", "", ""],  # unknown building
        [e, "2号楼", "1", "", "401", "钱七", 1970, "1234", "户主", "", ""],  # bad phone
        [e, "2号楼", "1", "", "401", "钱八", 1972, "13700001111", "配偶", "", ""],  # held back
        [e, "2号楼", "1", "", "", "孙九", 1970, "", "户主", "", ""],  # missing room
        [e, "2号楼", "1", "", "501", "周十", 1970, "", "户主", "外星人", ""],  # unknown group
        [e, "2号楼", "1", "", "101", "吴一", 1970, "", "户主", "", ""],  # duplicate
    ]


async def _import(app, client, who, data: bytes, ctype: str, dry_run: bool):
    return await client.post(
        URL + "/import",
        params={"dry_run": str(dry_run).lower()},
        content=data,
        headers=auth(app, who) | {"content-type": ctype},
    )


@pytest.mark.parametrize("kind", ["csv", "csv-gb18030", "xlsx"])
async def test_dry_run_reports_each_row_and_writes_nothing(app, client, world, kind) -> None:
    sec = world.staff["secretary"]
    await register(app, client, world.staff["worker"], world.area.buildings[0].id, "101")
    if kind == "xlsx":
        data, ctype = (
            _xlsx(_rows(world)),
            XLSX,
        )
    else:
        data = _csv(_rows(world), "gb18030" if kind == "csv-gb18030" else "utf-8")
        ctype = "text/csv"
    r = await _import(app, client, sec, data, ctype, dry_run=True)
    assert r.status_code == 200, r.text
    rep = r.json()
    assert rep["dry_run"] and rep["rows"] == 9
    by_row = {x["row"]: x for x in rep["results"]}
    assert [by_row[n]["status"] for n in range(2, 11)] == [
        "ok",
        "ok",
        "ok",
        "error",
        "error",
        "skipped",
        "error",
        "error",
        "error",
    ]
    codes = {n: [i["code"] for i in by_row[n]["issues"]] for n in range(5, 11)}
    assert codes == {
        5: ["unknown_building"],
        6: ["bad_phone"],
        7: ["household_has_errors"],
        8: ["missing"],
        9: ["unknown_group"],
        10: ["duplicate_household"],
    }
    # Said plainly: nothing was written, and what a real run would write.
    assert rep["households_created"] == 0 and rep["members_created"] == 0
    assert rep["households_to_create"] == 2 and rep["members_to_create"] == 3
    assert rep["written"] is False
    assert rep["message"].startswith("Checked only, nothing was written")
    assert "dry_run=false" in rep["message"]
    assert await Household.all().count() == 1


async def test_import_writes_good_households_whole(app, client, world) -> None:
    await register(app, client, world.staff["worker"], world.area.buildings[0].id, "101")
    r = await _import(
        app, client, world.staff["secretary"], _csv(_rows(world)), "text/csv", dry_run=False
    )
    rep = r.json()
    assert rep["households_created"] == 2 and rep["members_created"] == 3
    assert rep["written"] is True and rep["message"].startswith("Written: 2 household(s)")
    h = await Household.get(room="301")
    assert h.floor == 3  # from the room number
    assert sorted(
        await HouseholdGroup.filter(household_id=h.id).values_list("code", flat=True)
    ) == ["aged", "living_alone"]
    assert (await VisitSchedule.get(household_id=h.id)).cadence_days == 7
    assert await Member.filter(household__room="302").count() == 2
    assert not await Household.filter(room="401").exists()  # held back whole
    assert await AuditLog.filter(action="household.import").count() == 1
    assert await Household.all().count() == 3


async def test_import_is_one_transaction(app, client, world, monkeypatch) -> None:
    from server.services.visits import registry_io

    async def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(registry_io.VisitSchedule, "bulk_create", boom)
    r = await _import(
        app, client, world.staff["secretary"], _csv(_rows(world)), "text/csv", dry_run=False
    )
    assert r.status_code == 500
    assert await Household.all().count() == 0 and await Member.all().count() == 0


async def test_import_refuses_bad_files_clearly(app, client, world) -> None:
    sec = world.staff["secretary"]
    r = await _import(app, client, sec, b"a,b\n1,2\n", "text/csv", dry_run=True)
    assert r.status_code == 422 and r.json()["error"]["code"] == "missing_columns"
    r = await _import(
        app,
        client,
        sec,
        b"not a zip",
        XLSX,
        dry_run=True,
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_file"
    r = await _import(app, client, sec, b"x", "application/pdf", dry_run=True)
    assert r.status_code == 415
    r = await _import(app, client, world.staff["worker"], _csv([]), "text/csv", dry_run=True)
    assert r.status_code == 403


async def test_export_is_secretary_only_and_audited(app, client, world) -> None:
    w, sec = world.staff["worker"], world.staff["secretary"]
    await register(
        app,
        client,
        w,
        world.area.buildings[0].id,
        "301",
        groups=["disabled"],
        members=[{"name": "=HYPERLINK(1)", "phone": "13812341234", "relation": "户主"}],
    )
    for who in ("worker", "admin", "dispatcher"):
        r = await client.get(URL + "/export", headers=auth(app, world.staff[who]))
        assert r.status_code == 403, who
    assert not await AuditLog.filter(action="household.export").exists()
    r = await client.get(URL + "/export", headers=auth(app, sec))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == HEAD
    assert rows[1][5] == "'=HYPERLINK(1)" and rows[1][7] == "13812341234" and rows[1][9] == "残疾"
    r = await client.get(URL + "/export", params={"format": "xlsx"}, headers=auth(app, sec))
    ws = load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in ws[1]] == HEAD
    audits = await AuditLog.filter(action="household.export")
    assert len(audits) == 2 and audits[0].actor_id == sec.id


async def test_export_round_trips_through_import(app, client, world) -> None:
    sec = world.staff["secretary"]
    await _import(app, client, sec, _csv(_rows(world)), "text/csv", dry_run=False)
    exported = (await client.get(URL + "/export", headers=auth(app, sec))).content
    r = await _import(app, client, sec, exported, "text/csv", dry_run=True)
    assert {i["code"] for x in r.json()["results"] for i in x["issues"]} == {"duplicate_household"}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
async def test_blank_rows_keep_later_row_numbers(app, client, world, kind) -> None:
    # A blank line above the header, one between households and two more before a bad
    # row: every result names the row the sheet shows.
    e = world.area.estate.name
    blank: list[object] = [""] * len(HEAD)
    good = [e, "2号楼", "1", "", "301", "王秀英", 1940, "13812341234", "户主", "", ""]
    bad = [e, "2号楼", "1", "", "401", "钱七", 1970, "1234", "户主", "", ""]
    sheet = [blank, HEAD, good, [], blank, bad]  # [] is an empty line in a CSV
    if kind == "xlsx":
        wb = Workbook()
        for r in sheet:
            wb.active.append(r)
        buf = io.BytesIO()
        wb.save(buf)
        data, ctype = buf.getvalue(), XLSX
    else:
        text = io.StringIO()
        csv.writer(text).writerows(sheet)
        data, ctype = text.getvalue().encode(), "text/csv"
    r = await _import(app, client, world.staff["secretary"], data, ctype, dry_run=True)
    assert r.status_code == 200, r.text
    rep = r.json()
    assert rep["rows"] == 2
    assert [(x["row"], x["status"]) for x in rep["results"]] == [(3, "ok"), (6, "error")]
    assert rep["results"][1]["issues"][0]["code"] == "bad_phone"


def _with_areas(world) -> list[list[object]]:
    e = world.area.estate.name
    row = [e, "2号楼", "1", "", "", "", 1970, "", "户主", "", ""]
    return [
        [*row[:4], "301", "王一", *row[6:], "85.5㎡"],
        [*row[:4], "302", "李二", *row[6:], "72"],  # the area on the 户主 row only
        [*row[:4], "302", "李三", 1972, "", "配偶", "", "", ""],
        [*row[:4], "303", "张四", *row[6:], "６０．２５ m²"],  # full-width, as IMEs type it
        [*row[:4], "304", "赵五", *row[6:], ""],  # the area is not known yet
    ]


async def _areas() -> dict[str, str]:
    rows = await HouseholdArea.all().values_list("household__room", "area", "source")
    return {room: f"{area} {source}" for room, area, source in rows}


async def test_import_gives_new_households_their_floor_areas(app, client, world) -> None:
    sec = world.staff["secretary"]
    r = await _import(app, client, sec, _csv(_with_areas(world)), "text/csv", dry_run=True)
    assert r.status_code == 200, r.text
    assert r.json()["errors"] == 0 and not await HouseholdArea.exists()
    r = await _import(app, client, sec, _csv(_with_areas(world)), "text/csv", dry_run=False)
    assert r.json()["households_created"] == 4, r.text
    assert await _areas() == {"301": "85.50 登记", "302": "72.00 登记", "303": "60.25 登记"}
    audit = await AuditLog.get(action="household.import")
    assert audit.detail["areas"] == 3


async def test_bad_areas_are_row_issues_and_hold_their_household_back(app, client, world) -> None:
    e = world.area.estate.name
    row = [e, "2号楼", "1", ""]
    sheet = [
        [*row, "301", "甲", 1970, "", "户主", "", "", "八十五"],
        [*row, "302", "乙", 1970, "", "户主", "", "", "0"],
        [*row, "303", "丙", 1970, "", "户主", "", "", "85.555"],
        [*row, "304", "丁", 1970, "", "户主", "", "", "10000"],
        [*row, "305", "戊", 1970, "", "户主", "", "", "72"],
        [*row, "305", "己", 1972, "", "配偶", "", "", "72.5"],  # disagrees with row 6
        [*row, "306", "庚", 1970, "", "户主", "", "", "72"],
        [*row, "306", "辛", 1972, "", "配偶", "", "", "72.00"],  # the same area
    ]
    r = await _import(app, client, world.staff["secretary"], _csv(sheet), "text/csv", dry_run=False)
    assert r.status_code == 200, r.text
    by_row = {x["row"]: x for x in r.json()["results"]}
    issues = {n: [(i["field"], i["code"]) for i in by_row[n]["issues"]] for n in range(2, 8)}
    assert issues == {
        2: [("area", "bad_area")],
        3: [("area", "bad_area")],
        4: [("area", "bad_area")],
        5: [("area", "bad_area")],
        6: [(None, "household_has_errors")],
        7: [("area", "area_mismatch")],
    }
    said = [by_row[n]["issues"][0]["message"] for n in range(2, 6)]
    assert said == [
        "area '八十五' is not a number of m² (e.g. 85.5)",
        "area '0' must be more than 0 m²",
        "area '85.555' has more than 2 decimals",
        "area '10000' is over 9,999.99 m²",
    ]
    assert [by_row[n]["status"] for n in (8, 9)] == ["ok", "ok"]
    assert await Household.all().values_list("room", flat=True) == ["306"]
    assert await _areas() == {"306": "72.00 登记"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_areas_survive_an_export_and_a_new_import(app, client, world, fmt) -> None:
    sec = world.staff["secretary"]
    await _import(app, client, sec, _csv(_with_areas(world)), "text/csv", dry_run=False)
    before = await _areas()
    r = await client.get(URL + "/export", params={"format": fmt}, headers=auth(app, sec))
    if fmt == "xlsx":
        ws = load_workbook(io.BytesIO(r.content)).active
        sheet = [[c.value for c in row] for row in ws.iter_rows()]
        column = [85.5, 72, 72, 60.25, None]  # numbers Excel can sum
        ctype = XLSX
    else:
        sheet = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        column = ["85.50", "72.00", "72.00", "60.25", ""]
        ctype = "text/csv"
    assert sheet[0] == HEAD
    assert [row[-1] for row in sheet[1:]] == column
    await Household.all().delete()  # the same registry, typed in again elsewhere
    assert not await HouseholdArea.exists()
    r = await _import(app, client, sec, r.content, ctype, dry_run=False)
    assert r.json()["errors"] == 0 and r.json()["households_created"] == 4, r.text
    assert await _areas() == before
