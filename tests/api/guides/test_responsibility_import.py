"""Importing the 责任清单 from a spreadsheet: row-numbered errors, all or nothing, XLSX."""

from __future__ import annotations

import io

from openpyxl import Workbook

from server.models.guides import Responsibility
from tests.api.guides.conftest import Ctx
from tests.api.guides.test_responsibility import make_list

HEADER = "类别,社区,小区,楼,路段,责任单位,理由"


async def _send(ctx: Ctx, text: str, dry_run: bool, who: str = "admin") -> tuple[int, dict]:
    r = await ctx.client.post(
        f"/api/v1/responsibility/streets/{ctx.world.street.id}/import",
        params={"dry_run": "true" if dry_run else "false"},
        content=text.encode("utf-8"),
        headers={**ctx.h(who), "Content-Type": "text/csv"},
    )
    return r.status_code, r.json()


async def test_bad_rows_are_reported_by_number_and_nothing_is_written(ctx: Ctx) -> None:
    await make_list(ctx)
    before = await Responsibility.all().count()
    c0 = ctx.world.communities[0].name
    rows = [
        HEADER,
        f"房屋漏水,{c0},华发小区,5号楼,,华发物业,售后公房由物业代修",
        f"no_such,{c0},,,,华发物业,未知类别",
        f"elevator,{c0},华发小区,,,不存在的物业,电梯由物业负责",
        "parking,,,,番禺路1-50号,绿化市容所,路段不存在",
        f"sanitation,{c0},,9号楼,,居委会,楼没有小区",
        f"dispute,{c0},,,,居委会,",
        f"房屋漏水,{c0},华发小区,5号楼,,房管所,同一地点重复",
    ]
    status, report = await _send(ctx, "\n".join(rows), dry_run=False)
    assert status == 200, report
    assert (report["rows"], report["ok"], report["errors"], report["written"]) == (7, 1, 6, 0)
    codes = {r["row"]: [i["code"] for i in r["issues"]] for r in report["results"]}
    assert codes == {2: [], 3: ["unknown_category"], 4: ["unknown_body"],
                     5: ["unknown_segment"], 6: ["estate_needed"], 7: ["bad_reason"],
                     8: ["duplicate_row"]}  # fmt: skip
    assert await Responsibility.all().count() == before


async def test_a_clean_sheet_goes_in_after_its_dry_run(ctx: Ctx) -> None:
    lw = await make_list(ctx)
    c0 = ctx.world.communities[0]
    rows = [
        HEADER,
        f"elevator,{c0.code},华发小区,,,华发物业,电梯由物业报修维保单位",
        f"房屋漏水,{c0.name},华发小区,5号楼,,华发物业,改由物业维修",
        "parking,,,,新华路1-400号,绿化市容所,道路停车巡查",
        f"dispute,{c0.name},,,,居委会,邻里纠纷由居委会调解",
    ]
    status, report = await _send(ctx, "\n".join(rows), dry_run=True)
    assert status == 200 and report["errors"] == 0 and report["written"] == 0
    before = await Responsibility.all().count()
    assert (await _send(ctx, "\n".join(rows), dry_run=True, who="secretary"))[0] == 403
    status, report = await _send(ctx, "\n".join(rows), dry_run=False)
    assert report["written"] == 4
    assert await Responsibility.all().count() == before + 3  # the 5号楼 leak line replaced
    line = await Responsibility.get(place_key=f"building:{lw.block.id}", category__code="leak")
    assert (line.body_id, line.estate_id) == (lw.wuye, lw.estate.id)
    made = await ctx.report(category="elevator", location={"lat": 31.2, "lng": 121.4,
                                                           "address": "华发小区2号楼"})  # fmt: skip
    assert made["handled_by"]["name"] == "华发物业"


async def test_xlsx_and_bad_files(ctx: Ctx) -> None:
    await make_list(ctx)
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    ws.append(["dispute", ctx.world.communities[0].name, None, None, None, "居委会", "调解"])
    buf = io.BytesIO()
    wb.save(buf)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    url = f"/api/v1/responsibility/streets/{ctx.world.street.id}/import"
    r = await ctx.client.post(url, content=buf.getvalue(),
                              headers={**ctx.h("admin"), "Content-Type": xlsx})  # fmt: skip
    assert r.status_code == 200 and r.json()["ok"] == 1, r.text
    assert (await _send(ctx, "类别,理由\nleak,x", dry_run=True))[1]["error"]["code"] == (
        "missing_columns"
    )
    assert (await _send(ctx, "", dry_run=True))[0] == 422
    r = await ctx.client.post(url, content=b"x", headers={**ctx.h("admin"),
                                                          "Content-Type": "image/png"})  # fmt: skip
    assert r.status_code == 415
    r = await ctx.client.post("/api/v1/responsibility/streets/999999/import", content=b"a,b",
                              headers={**ctx.h("admin"), "Content-Type": "text/csv"})  # fmt: skip
    assert r.status_code == 404


async def test_blank_lines_keep_the_row_numbers_of_the_sheet(ctx: Ctx) -> None:
    """A blank line is skipped but still counted, so an error names the row the admin
    sees it in (it used to name the row above)."""
    await make_list(ctx)
    c0 = ctx.world.communities[0].name
    rows = [HEADER, "", f"房屋漏水,{c0},华发小区,5号楼,,华发物业,售后公房由物业代修", ",,,,,,"]
    rows += [f"no_such,{c0},,,,华发物业,未知类别"]
    status, report = await _send(ctx, "\n".join(rows), dry_run=True)
    assert status == 200, report
    codes = {r["row"]: [i["code"] for i in r["issues"]] for r in report["results"]}
    assert codes == {3: [], 5: ["unknown_category"]}
