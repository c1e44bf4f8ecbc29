"""The figures as a spreadsheet: CSV (with a BOM, so Excel reads the Chinese) or XLSX."""

from __future__ import annotations

import asyncio
import csv
import io

from schemas.kpi import KpiExportQuery, KpiReport, KpiRow
from server.auth.principal import Principal
from server.services.audit import audit
from server.services.kpi.figures import figures

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = [
    ("name", "名称 name"),
    ("received", "受理量 received"),
    ("accepted", "已受理 accepted"),
    ("accepted_on_time", "按时受理 accepted on time"),
    ("accept_on_time_rate", "按时受理率"),
    ("resolved", "已办理 resolved"),
    ("resolved_on_time", "按时办理 resolved on time"),
    ("resolve_on_time_rate", "按时办理率"),
    ("median_accept_minutes", "受理用时中位数(工作分钟)"),
    ("median_resolve_minutes", "办理用时中位数(工作分钟)"),
    ("reopened", "重开 reopened"),
    ("reopen_rate", "重开率"),
    ("withdrawn", "居民撤回 withdrawn"),
    ("rated", "评价数 rated"),
    ("satisfaction", "满意度 (1-5)"),
    ("satisfied_rate", "满意率 (4-5)"),
    ("visits", "走访次数 visits"),
    ("households_met", "走访户数 households met"),
    ("households", "户数 households"),
    ("visit_coverage", "走访覆盖率"),
]


def table(report: KpiReport) -> list[list[object]]:
    def line(r: KpiRow) -> list[object]:
        return [getattr(r, name) for name, _ in COLUMNS]

    return [*(line(r) for r in report.rows), line(report.total)]


def _csv(report: KpiReport) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([f"{report.start} – {report.end}", f"group: {report.group}"])
    w.writerow([title for _, title in COLUMNS])
    w.writerows(["" if v is None else v for v in row] for row in table(report))
    return buf.getvalue().encode("utf-8-sig")


def _xlsx(report: KpiReport) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("考核")
    ws.append([f"{report.start} – {report.end}", f"group: {report.group}"])
    ws.append([title for _, title in COLUMNS])
    for row in table(report):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def export(p: Principal, q: KpiExportQuery) -> tuple[bytes, str, str]:
    """The bytes, their content type and a file name. Audited: it leaves the system."""
    report = await figures(p, q)
    data = await asyncio.to_thread(_xlsx if q.format == "xlsx" else _csv, report)
    kind = XLSX_TYPE if q.format == "xlsx" else "text/csv; charset=utf-8"
    await audit(
        p.actor,
        "kpi.export",
        "kpi",
        None,
        {"start": q.start.isoformat(), "end": q.end.isoformat(), "group": q.group,
         "format": q.format},
    )  # fmt: skip
    return data, kind, f"kpi-{q.group}-{q.start}-{q.end}.{q.format}"
