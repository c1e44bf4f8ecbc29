"""Importing the registry from committees' spreadsheets (CSV, XLSX) with a dry run, and
exporting it for the secretary. Imports are all-or-nothing per household, one transaction."""

from __future__ import annotations

import asyncio
import csv
import io
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from schemas.registry import ImportIssue, ImportReport, ImportRow
from server.auth.principal import Principal
from server.auth.scope import community_in_scope
from server.domain.errors import Conflict
from server.domain.registry_rows import (
    EXPORT_HEADERS,
    REGISTERED,
    Issue,
    Row,
    parse_row,
)
from server.domain.visits import effective_groups
from server.models.geo import Building, Household
from server.models.visits import HouseholdArea, HouseholdGroup, Member, VisitSchedule
from server.services.audit import audit
from server.services.visits.schedule import community_zone, known_groups, load_policy
from server.services.visits.sheets import check_upload, read_sheet


async def import_registry(
    p: Principal,
    community_id: int | None,
    data: bytes,
    content_type: str,
    *,
    dry_run: bool,
    max_bytes: int,
) -> ImportReport:
    check_upload(data, max_bytes)
    c = await community_in_scope(p, community_id)
    columns, numbered = await read_sheet(data, content_type)
    groups = await known_groups(c.id)
    spellings = {code: code for code in groups} | {name: code for code, (name, _) in groups.items()}
    zone = await community_zone(c.id)
    today = datetime.now(zone).date()
    rows = [parse_row(n, cells, columns, spellings, today) for n, cells in numbered]
    buildings = await _check_against_registry(c.id, rows)
    report_rows, good = _settle(rows)
    created_h = created_m = 0
    to_h, to_m = len(good), sum(len(v) for v in good.values())
    if good and not dry_run:
        try:
            created_h, created_m = await _write(p, c.id, good, buildings, today)
        except IntegrityError:
            # Someone registered one of these households meanwhile; nothing was written.
            raise Conflict(
                "the registry changed during the import; run it again", code="registry_changed"
            ) from None
    ok = sum(1 for r in report_rows if r.status == "ok")
    errors = sum(1 for r in report_rows if r.status == "error")
    return ImportReport(
        dry_run=dry_run,
        written=created_h > 0,
        message=import_message(dry_run, created_h, created_m, to_h, to_m, errors),
        rows=len(rows),
        ok=ok,
        errors=errors,
        skipped=len(rows) - ok - errors,
        households_created=created_h,
        members_created=created_m,
        households_to_create=to_h,
        members_to_create=to_m,
        results=report_rows,
    )


def import_message(
    dry_run: bool, created_h: int, created_m: int, to_h: int, to_m: int, errors: int
) -> str:
    """One plain sentence: what was written, or that nothing was and how to write it."""
    held = f"; {errors} row(s) with errors are held back, see results" if errors else ""
    if dry_run:
        if not to_h:
            return f"Checked only, nothing was written: no household is ready to import{held}."
        return (
            f"Checked only, nothing was written: {to_h} household(s) with {to_m} people would "
            f"be created; send the file again with dry_run=false to write them{held}."
        )
    if not created_h:
        return f"Nothing was written: no household is ready to import{held}."
    return f"Written: {created_h} household(s) with {created_m} people created{held}."


async def _check_against_registry(community_id: int, rows: list[Row]) -> dict[tuple[str, str], int]:
    """Add the problems only the registry can show: unknown buildings, households already
    registered, a person twice, floors or areas that disagree."""
    buildings = {
        (e, b): bid
        for bid, e, b in await Building.filter(estate__community_id=community_id).values_list(
            "id", "estate__name", "name"
        )
    }
    existing = {
        (bid, unit, room)
        for bid, unit, room in await Household.filter(community_id=community_id).values_list(
            "building_id", "unit", "room"
        )
    }
    seen: dict[tuple[str, ...], set[str]] = defaultdict(set)
    floors: dict[tuple[str, ...], int | None] = {}
    areas: dict[tuple[str, ...], Decimal] = {}
    for row in rows:
        if not (row.estate and row.building and row.room):
            continue
        bid = buildings.get((row.estate, row.building))
        if bid is None:
            row.issues.append(
                Issue(
                    "building",
                    "unknown_building",
                    f"no building {row.building} in estate {row.estate}",
                )
            )
        elif (bid, row.unit, row.room) in existing:
            row.issues.append(
                Issue(None, "duplicate_household", f"{row.label} is already registered")
            )
        if row.name and row.name in seen[row.key]:
            row.issues.append(Issue("name", "duplicate_row", f"{row.name} appears twice"))
        seen[row.key].add(row.name)
        if floors.setdefault(row.key, row.floor) != row.floor:
            row.issues.append(
                Issue(
                    "floor", "floor_mismatch", "another row of this household gives another floor"
                )
            )
        # The area may stand on one row of the household only (often the 户主's).
        if row.area is not None and areas.setdefault(row.key, row.area) != row.area:
            row.issues.append(
                Issue("area", "area_mismatch", "another row of this household gives another area")
            )
    return buildings  # type: ignore[return-value]


def _settle(rows: list[Row]) -> tuple[list[ImportRow], dict[tuple[str, ...], list[Row]]]:
    """A household goes in whole or not at all: one bad row holds back its other rows."""
    bad_keys = {r.key for r in rows if r.issues}
    out: list[ImportRow] = []
    good: defaultdict[tuple[str, ...], list[Row]] = defaultdict(list)
    for r in rows:
        if r.issues:
            status = "error"
        elif r.key in bad_keys:
            status = "skipped"
        else:
            status = "ok"
            good[r.key].append(r)
        issues = [ImportIssue(field=i.field, code=i.code, message=i.message) for i in r.issues]
        if status == "skipped":
            issues = [
                ImportIssue(
                    field=None,
                    code="household_has_errors",
                    message="another row of this household has errors",
                )
            ]
        out.append(ImportRow(row=r.number, status=status, household=r.label, issues=issues))
    return out, dict(good)


async def _write(
    p: Principal,
    community_id: int,
    good: dict[tuple[str, ...], list[Row]],
    buildings: dict[tuple[str, str], int],
    today: date,
) -> tuple[int, int]:
    policy = await load_policy(community_id)
    members = groups = 0
    async with in_transaction() as conn:
        scheds, member_rows, group_rows, areas = [], [], [], []
        for rows in good.values():
            first = rows[0]
            h = await Household.create(
                community_id=community_id,
                building_id=buildings[(first.estate, first.building)],
                unit=first.unit,
                floor=first.floor or 1,
                room=first.room,
                notes="\n".join(dict.fromkeys(r.notes for r in rows if r.notes)),
                using_db=conn,
            )
            area = next((r.area for r in rows if r.area is not None), None)
            if area is not None:
                areas.append(HouseholdArea(household_id=h.id, area=area, source=REGISTERED))
            manual = sorted({g for r in rows for g in r.groups})
            member_rows += [
                Member(
                    household_id=h.id,
                    name=r.name,
                    birth_year=r.birth_year,
                    phone=r.phone,
                    relation=r.relation,
                )
                for r in rows
            ]
            eff = effective_groups(set(manual), [r.birth_year for r in rows], today)
            group_rows += [
                HouseholdGroup(
                    household_id=h.id, community_id=community_id, code=g, derived=g not in manual
                )
                for g in eff
            ]
            cadence = policy.cadence_for(eff)
            scheds.append(
                VisitSchedule(
                    household_id=h.id,
                    community_id=community_id,
                    groups=eff,
                    cadence_days=cadence,
                    registered_on=today,
                    next_due=today,
                )
            )
        await Member.bulk_create(member_rows, batch_size=1000, using_db=conn)
        await HouseholdGroup.bulk_create(group_rows, batch_size=1000, using_db=conn)
        await VisitSchedule.bulk_create(scheds, batch_size=1000, using_db=conn)
        await HouseholdArea.bulk_create(areas, batch_size=1000, using_db=conn)
        members, groups = len(member_rows), len(group_rows)
        await audit(
            p,
            "household.import",
            "community",
            community_id,
            {
                "households": len(good),
                "members": members,
                "groups": groups,
                "areas": len(areas),
                "at": datetime.now(UTC).isoformat(),
            },
            using_db=conn,
        )
    return len(good), members


def _safe(value: object) -> object:
    """A spreadsheet runs text that starts like a formula; residents type these fields."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_bytes(rows: list[list[object]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(EXPORT_HEADERS)
    writer.writerows(rows)
    # With a BOM, Excel opens the Chinese text correctly.
    return buf.getvalue().encode("utf-8-sig")


def _xlsx_bytes(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("基础信息")
    ws.append(list(EXPORT_HEADERS))
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def export_registry(p: Principal, community_id: int | None, fmt: str) -> tuple[bytes, int]:
    """The community's registry in the import layout, one row per member. Audited."""
    c = await community_in_scope(p, community_id)
    households = await Household.filter(community_id=c.id).values(
        "id", "unit", "floor", "room", "notes", "building__name", "building__estate__name"
    )
    groups: dict[int, list[str]] = defaultdict(list)
    for hid, code in await HouseholdGroup.filter(community_id=c.id, derived=False).values_list(
        "household_id", "code"
    ):
        groups[hid].append(code)  # type: ignore[index]
    names = {code: name for code, (name, _) in (await known_groups(c.id)).items()}
    areas = dict(
        await HouseholdArea.filter(household__community_id=c.id).values_list("household_id", "area")
    )
    members: dict[int, list[tuple[object, ...]]] = defaultdict(list)
    for m in (
        await Member.filter(household__community_id=c.id)
        .order_by("id")
        .values_list("household_id", "name", "birth_year", "phone", "relation")
    ):
        members[m[0]].append(m[1:])  # type: ignore[index]
    out: list[list[object]] = []
    for h in households:
        tags = "、".join(names.get(g, g) for g in sorted(groups[h["id"]]))
        addr = [h["building__estate__name"], h["building__name"], h["unit"], h["floor"], h["room"]]
        area = areas.get(h["id"], "")
        for name, year, phone, rel in members[h["id"]] or [("", None, "", "")]:
            year_text = year if year is not None else ""
            row = [*addr, name, year_text, phone, rel, tags, h["notes"], area]
            out.append([_safe(v) for v in row])
    out.sort(key=lambda r: (str(r[0]), str(r[1]), str(r[2]), int(r[3]), str(r[4])))  # type: ignore[call-overload]
    data = await asyncio.to_thread(_xlsx_bytes if fmt == "xlsx" else _csv_bytes, out)
    await audit(
        p,
        "household.export",
        "community",
        c.id,
        {"format": fmt, "households": len(households), "rows": len(out)},
    )
    return data, len(households)
