"""Filling in the floor areas (专有部分面积) of households already registered, from the
物业's or the 产证 list as a CSV or XLSX sheet: a dry run by default, every row reported at
its row number, the good rows written together in one transaction."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from schemas.registry import AreaChange, AreaImportReport, AreaImportRow, ImportIssue
from server.auth.principal import Principal
from server.auth.scope import community_in_scope
from server.domain.area_rows import (
    COLUMNS_AREA,
    REQUIRED_AREA,
    AreaRow,
    area_change,
    parse_area_row,
)
from server.domain.errors import Conflict
from server.domain.registry_rows import Issue
from server.models.geo import Household
from server.models.visits import HouseholdArea
from server.services.audit import audit
from server.services.visits.sheets import check_upload, read_sheet

HELD = ImportIssue(
    field=None, code="household_has_errors", message="another row names this household too"
)


@dataclass(frozen=True, slots=True)
class Wanted:
    household_id: int
    area: Decimal
    source: str | None


async def import_areas(
    p: Principal,
    community_id: int | None,
    data: bytes,
    content_type: str,
    *,
    dry_run: bool,
    max_bytes: int,
) -> AreaImportReport:
    check_upload(data, max_bytes)
    c = await community_in_scope(p, community_id)
    columns, numbered = await read_sheet(
        data, content_type, columns=COLUMNS_AREA, required=REQUIRED_AREA
    )
    rows = [parse_area_row(n, cells, columns) for n, cells in numbered]
    found = await _find_households(c.id, rows)
    on_record = await _areas_on_record(c.id)
    results, wanted = _settle(rows, found, on_record)
    done: list[dict[str, object]] = []
    if wanted and not dry_run:
        try:
            done = await _write(p, c.id, wanted)
        except IntegrityError:
            # A household was removed, or given an area, meanwhile; nothing was written.
            raise Conflict(
                "the registry changed during the import; run it again", code="registry_changed"
            ) from None
    counts = {kind: sum(1 for r in results if r.change == kind) for kind in ("new", "changed")}
    ok = sum(1 for r in results if r.status == "ok")
    errors = sum(1 for r in results if r.status == "error")
    if dry_run:
        message = area_message(True, counts["new"], counts["changed"], errors)
    else:  # what the transaction found on record, which may have moved since the check
        new = sum(1 for d in done if d["before"] is None)
        message = area_message(False, new, len(done) - new, errors)
    return AreaImportReport(
        dry_run=dry_run,
        written=bool(done),
        message=message,
        rows=len(rows),
        ok=ok,
        errors=errors,
        skipped=len(rows) - ok - errors,
        areas_set=len(done),
        areas_to_set=counts["new"] + counts["changed"],
        new=counts["new"],
        changed=counts["changed"],
        unchanged=sum(1 for r in results if r.change == "unchanged"),
        results=results,
    )


def area_message(dry_run: bool, new: int, changed: int, errors: int) -> str:
    """One plain sentence: what was written, or that nothing was and how to write it."""
    held = f"; {errors} row(s) with errors are held back, see results" if errors else ""
    if not new + changed:
        done = "Checked only, nothing was written" if dry_run else "Nothing was written"
        return f"{done}: no area needs setting{held}."
    if dry_run:
        return (
            f"Checked only, nothing was written: {new + changed} area(s) would be set "
            f"({new} new, {changed} changed); send the file again with dry_run=false to "
            f"write them{held}."
        )
    return f"Written: {new + changed} area(s) set ({new} new, {changed} changed){held}."


async def _find_households(community_id: int, rows: list[AreaRow]) -> dict[int, int]:
    """Row number -> the community's household the row names; the rows naming none, or
    more than one, get their issue."""
    exact: dict[tuple[str, str, str, str], int] = {}
    by_room: defaultdict[tuple[str, str, str], list[int]] = defaultdict(list)
    for hid, estate, building, unit, room in await Household.filter(
        community_id=community_id
    ).values_list("id", "building__estate__name", "building__name", "unit", "room"):
        exact[(estate, building, unit, room)] = hid
        by_room[(estate, building, room)].append(hid)
    found: dict[int, int] = {}
    for row in rows:
        if not (row.estate and row.building and row.room):
            continue  # already reported as missing
        hid = exact.get((row.estate, row.building, row.unit, row.room))
        # A sheet without units still names a household, unless its room is in several.
        candidates = [] if row.unit else by_room[(row.estate, row.building, row.room)]
        if hid is None and len(candidates) == 1:
            hid = candidates[0]
        if hid is not None:
            found[row.number] = hid
        elif len(candidates) > 1:
            said = f"{row.label} is in {len(candidates)} units; give the unit"
            row.issues.append(Issue("unit", "ambiguous_household", said))
        else:
            said = f"no household {row.label} is registered in this community"
            row.issues.append(Issue(None, "unknown_household", said))
    return found


async def _areas_on_record(community_id: int) -> dict[int, tuple[Decimal, str]]:
    rows = await HouseholdArea.filter(household__community_id=community_id).values_list(
        "household_id", "area", "source"
    )
    return {hid: (area, source) for hid, area, source in rows}


def _settle(
    rows: list[AreaRow], found: dict[int, int], on_record: dict[int, tuple[Decimal, str]]
) -> tuple[list[AreaImportRow], list[Wanted]]:
    """A household named twice is held back: which of its rows is right is for the
    secretary to say."""
    first: dict[int, int] = {}
    named_twice: set[int] = set()
    for row in rows:
        hid = found.get(row.number)
        if hid is None:
            continue
        if hid in first:
            said = f"row {first[hid]} already names this household"
            row.issues.append(Issue(None, "duplicate_row", said))
            named_twice.add(hid)
        else:
            first[hid] = row.number
    results: list[AreaImportRow] = []
    wanted: list[Wanted] = []
    for row in rows:
        hid = found.get(row.number)
        before = on_record.get(hid) if hid is not None else None
        issues = [ImportIssue(field=i.field, code=i.code, message=i.message) for i in row.issues]
        change: AreaChange | None = None
        if issues or hid is None or row.area is None:
            status = "error"
        elif hid in named_twice:
            status, issues = "skipped", [HELD]
        else:
            status, (change, _) = "ok", area_change(before, row.area, row.source)
            if change != "unchanged":
                wanted.append(Wanted(hid, row.area, row.source))
        results.append(
            AreaImportRow(
                row=row.number,
                status=status,
                household=row.label,
                household_id=hid,
                area=row.area,
                before=before[0] if before else None,
                change=change,
                issues=issues,
            )
        )
    return results, wanted


async def _write(p: Principal, community_id: int, wanted: list[Wanted]) -> list[dict[str, object]]:
    """Set the areas against what is on record now, and audit the import once with every
    household's area before and after (as the registry import is audited once)."""
    now = datetime.now(UTC)
    done: list[dict[str, object]] = []
    async with in_transaction() as conn:
        records = {
            a.household_id: a
            for a in await HouseholdArea.filter(household__community_id=community_id)
            .using_db(conn)
            .select_for_update()
        }
        created, updated = [], []
        for w in wanted:
            record = records.get(w.household_id)
            before = (record.area, record.source) if record else None
            change, source = area_change(before, w.area, w.source)
            if change == "unchanged":
                continue
            if record is None:
                created.append(
                    HouseholdArea(household_id=w.household_id, area=w.area, source=source)
                )
            else:
                record.area, record.source, record.updated_at = w.area, source, now
                updated.append(record)
            done.append(
                {
                    "household_id": w.household_id,
                    "before": str(before[0]) if before else None,
                    "after": str(w.area),
                    "source": source,
                }
            )
        await HouseholdArea.bulk_create(created, batch_size=1000, using_db=conn)
        if updated:
            await HouseholdArea.bulk_update(
                updated, fields=["area", "source", "updated_at"], batch_size=500, using_db=conn
            )
        if done:
            await audit(
                p,
                "household.area_import",
                "community",
                community_id,
                {"new": len(created), "changed": len(updated), "areas": done},
                using_db=conn,
            )
    return done
