"""Registry import (dry run, per-row report, all-or-nothing) and the audited export."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from server.models.geo import Household
from server.models.records import AuditLog
from server.models.visits import HouseholdGroup, Member, VisitSchedule
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
