"""Filling in the floor areas of registered households from a sheet: a dry run that writes
nothing, a real run that sets the good rows in one audited transaction, and the scope."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from server.models.geo import Household
from server.models.records import AuditLog
from server.models.visits import HouseholdArea
from tests.support.factories import auth, make_resident, make_world
from tests.support.governance import make_block, open_lift_project

URL = "/api/v1/households/areas/import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEAD = ["小区", "楼号", "单元", "室号", "面积", "来源"]


@pytest.fixture
async def world(db: None):
    w = await make_world()
    # 怒江苑 8号楼, unit 1, rooms 01-06, each with its area from the 产证
    w.block = await make_block(w, ["60.5", "72", "58.25", "80", "66", "90"])  # type: ignore[attr-defined]
    return w


def _sheet(rows: list[list[object]], kind: str = "csv", head: list[str] = HEAD) -> bytes:
    if kind == "xlsx":
        wb = Workbook()
        for r in [head, *rows]:
            wb.active.append(r)
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
    text = io.StringIO()
    csv.writer(text).writerows([head, *rows])
    return text.getvalue().encode()


async def _send(app, client, who, data: bytes, *, kind: str = "csv", dry_run: bool, **params):
    ctype = XLSX if kind == "xlsx" else "text/csv"
    return await client.post(
        URL,
        params={"dry_run": str(dry_run).lower(), **params},
        content=data,
        headers=auth(app, who) | {"content-type": ctype},
    )


async def _areas(block) -> dict[str, str]:
    rows = await HouseholdArea.filter(household__building_id=block.building.id).values_list(
        "household__room", "area", "source"
    )
    return {room: f"{area} {source}" for room, area, source in rows}


def _rows(kind: str) -> list[list[object]]:
    number = (lambda x: x) if kind == "xlsx" else str  # XLSX cells hold numbers
    return [
        ["怒江苑", "8号楼", "1", "01", number(60.5), ""],  # unchanged
        ["怒江苑", "8号楼", "1", "02", number(75), ""],  # changed
        ["", "", "", "", "", ""],  # a blank row keeps the numbering
        ["怒江苑", "8号楼", "1", "03", "58.25㎡", ""],  # new
        ["怒江苑", "8号楼", "", "04", number(81.3), "产证"],  # new; no unit, one room 04
        ["怒江苑", "9号楼", "1", "01", number(50), ""],  # no such building
        ["怒江苑", "8号楼-旁", "1", "101", "0", ""],  # bad area
        ["怒江苑", "8号楼", "1", "05", number(66), ""],  # named twice: held back
        ["怒江苑", "8号楼", "1", "05", number(67), ""],
        ["怒江苑", "8号楼", "1", "06", number(90), "物业"],  # the same area, a new source
    ]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
async def test_a_dry_run_reports_every_row_and_writes_nothing(app, client, world, kind) -> None:
    block = world.block
    await HouseholdArea.filter(household_id__in=[h.id for h in block.households[2:4]]).delete()
    before = await _areas(block)
    r = await _send(
        app, client, world.staff["secretary"], _sheet(_rows(kind), kind), kind=kind, dry_run=True
    )
    assert r.status_code == 200, r.text
    rep = r.json()
    got = {
        x["row"]: (x["status"], x["change"], [i["code"] for i in x["issues"]])
        for x in rep["results"]
    }
    assert got == {
        2: ("ok", "unchanged", []),
        3: ("ok", "changed", []),
        5: ("ok", "new", []),
        6: ("ok", "new", []),
        7: ("error", None, ["unknown_household"]),
        8: ("error", None, ["bad_area"]),
        9: ("skipped", None, ["household_has_errors"]),
        10: ("error", None, ["duplicate_row"]),
        11: ("ok", "changed", []),
    }
    by_row = {x["row"]: x for x in rep["results"]}
    assert (by_row[3]["before"], by_row[3]["area"]) == ("72.00", "75.00")
    assert by_row[3]["household_id"] == block.households[1].id
    assert by_row[6]["household"] == "怒江苑 8号楼 04" and by_row[6]["before"] is None
    assert by_row[7]["issues"][0]["message"] == (
        "no household 怒江苑 9号楼 1单元01 is registered in this community"
    )
    assert by_row[10]["issues"][0]["message"] == "row 9 already names this household"
    assert [rep[k] for k in ("rows", "ok", "errors", "skipped")] == [9, 5, 3, 1]
    assert [rep[k] for k in ("areas_set", "areas_to_set", "new", "changed")] == [0, 4, 2, 2]
    assert rep["unchanged"] == 1
    assert rep["dry_run"] is True and rep["written"] is False
    assert rep["message"] == (
        "Checked only, nothing was written: 4 area(s) would be set (2 new, 2 changed); send "
        "the file again with dry_run=false to write them; 3 row(s) with errors are held back, "
        "see results."
    )
    assert await _areas(block) == before
    assert not await AuditLog.filter(action="household.area_import").exists()


async def test_a_real_run_sets_the_good_rows_and_audits_them_once(app, client, world) -> None:
    block = world.block
    await HouseholdArea.filter(household_id__in=[h.id for h in block.households[2:4]]).delete()
    r = await _send(app, client, world.staff["worker"], _sheet(_rows("csv")), dry_run=False)
    assert r.status_code == 200, r.text
    rep = r.json()
    assert rep["written"] is True and rep["areas_set"] == 4
    assert rep["message"] == (
        "Written: 4 area(s) set (2 new, 2 changed); 3 row(s) with errors are held back, "
        "see results."
    )
    assert await _areas(block) == {
        "01": "60.50 产证",  # the same area: a sheet that names no source leaves it be
        "02": "75.00 登记",
        "03": "58.25 登记",
        "04": "81.30 产证",
        "05": "66.00 产证",  # named twice, held back
        "06": "90.00 物业",
    }
    (entry,) = await AuditLog.filter(action="household.area_import")
    assert entry.entity == "community" and entry.entity_id == str(world.communities[0].id)
    assert entry.actor_id == world.staff["worker"].id
    assert (entry.detail["new"], entry.detail["changed"]) == (2, 2)
    assert {
        a["household_id"]: (a["before"], a["after"], a["source"]) for a in entry.detail["areas"]
    } == {
        block.households[1].id: ("72.00", "75.00", "登记"),
        block.households[2].id: (None, "58.25", "登记"),
        block.households[3].id: (None, "81.30", "产证"),
        block.households[5].id: ("90.00", "90.00", "物业"),
    }
    # The same sheet again has nothing left to do.
    r = await _send(app, client, world.staff["worker"], _sheet(_rows("csv")), dry_run=False)
    assert r.json()["written"] is False and r.json()["unchanged"] == 5
    assert r.json()["message"].startswith("Nothing was written: no area needs setting")
    assert await AuditLog.filter(action="household.area_import").count() == 1


async def test_filled_areas_clear_the_missing_ones_of_a_project_scope(app, client, world) -> None:
    block, worker = world.block, world.staff["worker"]
    project = await open_lift_project(app, client, world, block)
    await HouseholdArea.filter(household_id__in=[h.id for h in block.households[:2]]).delete()
    scope = f"/api/v1/governance/projects/{project['id']}/scope"
    r = await client.get(scope, headers=auth(app, worker))
    assert r.json()["missing_area"] == 2
    sheet = _sheet(
        [["怒江苑", "8号楼", "1", "01", "61", ""], ["怒江苑", "8号楼", "1", "02", "70", ""]]
    )
    await _send(app, client, worker, sheet, dry_run=True)
    assert (await client.get(scope, headers=auth(app, worker))).json()["missing_area"] == 2
    r = await _send(app, client, worker, sheet, dry_run=False)
    assert r.json()["areas_set"] == 2, r.text
    r = await client.get(scope, headers=auth(app, worker))
    assert r.json()["missing_area"] == 0
    assert [i["area"] for i in r.json()["items"]][:2] == ["61.00", "70.00"]


async def test_a_room_in_several_units_needs_its_unit(app, client, world) -> None:
    block = world.block
    await Household.create(
        community=world.communities[0], building=block.building, unit="2", floor=1, room="01"
    )
    sheet = [["怒江苑", "8号楼", "", "01", "61", ""], ["怒江苑", "8号楼", "1", "01", "61", ""]]
    r = await _send(app, client, world.staff["secretary"], _sheet(sheet), dry_run=True)
    first, second = r.json()["results"]
    assert [i["code"] for i in first["issues"]] == ["ambiguous_household"]
    assert first["issues"][0]["message"] == "怒江苑 8号楼 01 is in 2 units; give the unit"
    assert second["status"] == "ok" and second["household_id"] == block.households[0].id


async def test_only_the_communitys_staff_and_admins_fill_areas(app, client, world) -> None:
    c0 = world.communities[0]
    sheet = _sheet([["怒江苑", "8号楼", "1", "01", "61", ""]])
    staff = world.staff
    # Another community's worker: as if the community did not exist.
    r = await _send(app, client, staff["other_worker"], sheet, dry_run=False, community_id=c0.id)
    assert r.status_code == 404, r.text
    # In its own community the sheet names nobody.
    r = await _send(app, client, staff["other_worker"], sheet, dry_run=True)
    assert r.json()["results"][0]["issues"][0]["code"] == "unknown_household"
    r = await _send(app, client, staff["admin"], sheet, dry_run=False)  # names no community
    assert r.status_code == 404
    for who in ("dispatcher", "officer"):
        r = await _send(app, client, staff[who], sheet, dry_run=False, community_id=c0.id)
        assert r.status_code == 403, who
    r = await _send(app, client, await make_resident(), sheet, dry_run=False)
    assert r.status_code == 403
    first = world.block.households[0].id
    assert (await HouseholdArea.get(household_id=first)).area == Decimal("60.50")
    r = await _send(app, client, staff["admin"], sheet, dry_run=False, community_id=c0.id)
    assert r.status_code == 200 and r.json()["areas_set"] == 1, r.text
    assert (await HouseholdArea.get(household_id=first)).area == Decimal("61.00")


async def test_a_file_that_is_not_an_area_sheet_is_refused_clearly(
    app, client, world, monkeypatch
) -> None:
    sec = world.staff["secretary"]
    r = await _send(app, client, sec, _sheet([], head=["小区", "楼号", "室号"]), dry_run=True)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "missing_columns"
    assert r.json()["error"]["details"]["missing"] == ["area"]
    r = await _send(app, client, sec, b"not a zip", kind="xlsx", dry_run=True)
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_file"
    r = await _send(app, client, sec, b"", dry_run=True)
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_file"
    r = await client.post(URL, content=b"x", headers=auth(app, sec) | {"content-type": "image/png"})
    assert r.status_code == 415
    monkeypatch.setattr(app.ctx.settings, "registry_import_max_bytes", 64)
    r = await _send(
        app, client, sec, _sheet([["怒江苑", "8号楼", "1", "01", "61", ""]] * 5), dry_run=True
    )
    assert r.status_code == 413
