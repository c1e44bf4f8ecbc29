"""Reading the spreadsheets committees send (CSV in UTF-8 or GB18030, XLSX): the table,
and the rows under a header with the numbers the sheet shows them at."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Collection, Iterable, Mapping

from server.domain.errors import Invalid, PayloadTooLarge, UnsupportedMedia
from server.domain.registry_rows import cell_text, map_headers

CSV_TYPES = ("text/csv", "application/csv", "text/plain")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The rows one registry sheet may have: a large community, one row per person.
MAX_ROWS = 20_000


def _read_csv(data: bytes) -> list[list[str]]:
    # Excel in China saves CSV as GB18030 unless told otherwise; UTF-8 (with BOM) otherwise.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise Invalid("the CSV is neither UTF-8 nor GB18030", code="bad_file")
    return [row for row in csv.reader(io.StringIO(text))]


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise Invalid(f"not a readable XLSX workbook: {exc}", code="bad_file") from None
    try:
        ws = wb.worksheets[0]
        return [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def read_table(data: bytes, content_type: str) -> list[list[str]]:
    kind = content_type.split(";")[0].strip().lower()
    if kind in CSV_TYPES:
        return _read_csv(data)
    if kind == XLSX_TYPE:
        return _read_xlsx(data)
    raise UnsupportedMedia(f"send text/csv or {XLSX_TYPE}", details={"got": kind})


def check_upload(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"the file is over {max_bytes} bytes")
    if not data:
        raise Invalid("the file is empty", code="bad_file")


async def read_sheet(
    data: bytes,
    content_type: str,
    *,
    max_rows: int = MAX_ROWS,
    columns: Mapping[str, Collection[str]] | None = None,
    required: Iterable[str] | None = None,
) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """column -> position, and the rows under the header with their numbers in the sheet
    (``columns`` and ``required`` as for ``map_headers``; the registry's by default)."""
    table = await asyncio.to_thread(read_table, data, content_type)
    # Blank rows are skipped, but every row keeps its number in the sheet, so a problem
    # is reported at the row the secretary sees it in.
    numbered = [(n, r) for n, r in enumerate(table, start=1) if any(c.strip() for c in r)]
    if not numbered:
        raise Invalid("the file has no header row", code="bad_file")
    header = numbered[0][1]
    found, missing = map_headers(header, columns, required)
    if missing:
        raise Invalid(
            f"missing columns: {', '.join(missing)}",
            code="missing_columns",
            details={"missing": missing, "headers": header},
        )
    if len(numbered) - 1 > max_rows:
        raise PayloadTooLarge(f"at most {max_rows} rows per import")
    return found, numbered[1:]
