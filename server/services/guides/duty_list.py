"""Keeping the 责任清单: bodies, street segments and the lines mapping a category at a
place to the body that handles it. Admins write; every staff member reads."""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from schemas.guides import BodyIn, BodyOut, RuleIn, RuleOut, RuleQuery, SegmentIn, SegmentOut
from server.auth.principal import Principal
from server.domain import responsibility as rules
from server.domain.errors import Conflict, Invalid, NotFound
from server.models.geo import Building, Community, Estate, Street
from server.models.guides import Responsibility, ResponsibleBody, StreetSegment
from server.models.people import Department
from server.services.audit import audit
from server.services.filters import given
from server.services.reports import catalogue


def body_out(b: ResponsibleBody) -> BodyOut:
    return BodyOut(
        id=b.id,
        street_id=b.street_id,
        kind=b.kind.value,
        name=b.name,
        hotline=b.hotline,
        department_id=b.department_id,
        community_id=b.community_id,
        active=b.active,
    )


def segment_out(s: StreetSegment) -> SegmentOut:
    return SegmentOut(
        id=s.id,
        street_id=s.street_id,
        road=s.road,
        from_no=s.from_no,
        to_no=s.to_no,
        label=f"{s.road}{s.from_no}-{s.to_no}号",
    )


async def _check_body(b: BodyIn) -> None:
    if not await Street.exists(id=b.street_id):
        raise NotFound("street not found")
    if b.department_id is not None and not await Department.exists(
        id=b.department_id, street_id=b.street_id
    ):
        raise Invalid("unknown department for this street", code="unknown_department")
    if b.community_id is not None and not await Community.exists(
        id=b.community_id, street_id=b.street_id
    ):
        raise Invalid("unknown community for this street", code="unknown_community")
    if b.kind == "committee" and b.community_id is None:
        raise Invalid("a 居委 names its community", code="community_needed")


async def save_body(body_id: int | None, b: BodyIn, p: Principal) -> ResponsibleBody:
    await _check_body(b)
    try:
        async with in_transaction() as conn:
            if body_id is None:
                row = await ResponsibleBody.create(**b.model_dump(), using_db=conn)
            else:
                found = await ResponsibleBody.filter(id=body_id).using_db(conn).first()
                if found is None:
                    raise NotFound("body not found")
                row = found
                row.update_from_dict(b.model_dump())
                await row.save(using_db=conn)
            await audit(p, "responsibility.body_saved", "responsible_body", row.id, b.model_dump(),
                        using_db=conn)  # fmt: skip
    except IntegrityError:
        raise Conflict("a body of that name exists in this street", code="duplicate_body") from None
    return row


async def bodies(street_id: int | None) -> list[ResponsibleBody]:
    qs = ResponsibleBody.all().order_by("kind", "name")
    return await (qs.filter(street_id=street_id) if street_id is not None else qs)


async def save_segment(s: SegmentIn, p: Principal) -> StreetSegment:
    if s.from_no > s.to_no:
        raise Invalid("from_no must not be above to_no", code="bad_range")
    if not await Street.exists(id=s.street_id):
        raise NotFound("street not found")
    try:
        async with in_transaction() as conn:
            row = await StreetSegment.create(**s.model_dump(), using_db=conn)
            await audit(p, "responsibility.segment_saved", "street_segment", row.id,
                        s.model_dump(), using_db=conn)  # fmt: skip
    except IntegrityError:
        raise Conflict("that segment exists", code="duplicate_segment") from None
    return row


async def segments(street_id: int | None) -> list[StreetSegment]:
    qs = StreetSegment.all().order_by("road", "from_no")
    return await (qs.filter(street_id=street_id) if street_id is not None else qs)


async def resolve_place(place: str, place_id: int) -> tuple[int, int, dict[str, Any], str]:
    """(street id, community id, the line's place columns, a readable name) of a place."""
    if place == "community":
        c = await Community.get_or_none(id=place_id)
        if c is None:
            raise NotFound("community not found")
        return c.street_id, c.id, {}, c.name
    if place == "estate":
        e = await Estate.get_or_none(id=place_id).select_related("community")
        if e is None:
            raise NotFound("estate not found")
        return e.community.street_id, e.community_id, {"estate_id": e.id}, e.name
    if place == "building":
        b = await Building.get_or_none(id=place_id).select_related("estate__community")
        if b is None:
            raise NotFound("building not found")
        cols = {"building_id": b.id, "estate_id": b.estate_id}
        return b.estate.community.street_id, b.estate.community_id, cols, b.estate.name + b.name
    s = await StreetSegment.get_or_none(id=place_id)
    if s is None:
        raise NotFound("segment not found")
    return s.street_id, 0, {"segment_id": s.id}, segment_out(s).label


async def line_columns(r: RuleIn) -> dict[str, Any]:
    """The columns of a list line, every reference checked (unknown category: 422)."""
    info = await catalogue.category(r.category)
    street_id, community_id, cols, _ = await resolve_place(r.place, r.place_id)
    body = await ResponsibleBody.get_or_none(id=r.body_id)
    if body is None or body.street_id != street_id:
        raise Invalid("unknown body for this street", code="unknown_body")
    if r.place == "segment":
        # A segment runs through the street, not one community: the line files under the
        # body's community when it has one, else under the street's first community.
        first = await Community.filter(street_id=street_id).order_by("id").first()
        if first is None:
            raise Invalid("the street has no community", code="unknown_community")
        community_id = body.community_id or first.id
    return {
        "street_id": street_id,
        "category_id": info.id,
        "place_key": rules.place_key(r.place, r.place_id),
        "level": rules.LEVELS[r.place],
        "community_id": community_id,
        "estate_id": cols.get("estate_id"),
        "building_id": cols.get("building_id"),
        "segment_id": cols.get("segment_id"),
        "body_id": body.id,
        "reason": r.reason,
    }


async def upsert_lines(items: list[dict[str, Any]], p: Principal) -> list[Responsibility]:
    """Add or replace lines (one per category and place), all in one transaction."""
    out = []
    async with in_transaction() as conn:
        for cols in items:
            key = {"category_id": cols["category_id"], "place_key": cols["place_key"]}
            row = await Responsibility.filter(**key).using_db(conn).select_for_update().first()
            if row is None:
                row = await Responsibility.create(**cols, using_db=conn)
            else:
                row.update_from_dict(cols)
                await row.save(using_db=conn)
            out.append(row)
        await audit(p, "responsibility.lines_saved", "responsibility", None,
                    {"lines": [r.id for r in out]}, using_db=conn)  # fmt: skip
    return out


async def save_rule(r: RuleIn, p: Principal) -> RuleOut:
    row = (await upsert_lines([await line_columns(r)], p))[0]
    return (await rule_views([row]))[0]


async def delete_rule(rule_id: int, p: Principal) -> None:
    async with in_transaction() as conn:
        deleted = await Responsibility.filter(id=rule_id).using_db(conn).delete()
        if not deleted:
            raise NotFound("line not found")
        await audit(p, "responsibility.line_deleted", "responsibility", rule_id, using_db=conn)


async def list_rules(q: RuleQuery) -> list[RuleOut]:
    qs = Responsibility.all().order_by("category_id", "level", "id")
    if q.category is not None:
        qs = qs.filter(category_id=(await catalogue.category(q.category)).id)
    qs = given(qs, community_id=q.community_id)
    return await rule_views(await qs.offset(q.offset).limit(q.limit))


async def rule_views(rows: list[Responsibility]) -> list[RuleOut]:
    body_ids = {r.body_id for r in rows}
    found = {b.id: b for b in await ResponsibleBody.filter(id__in=body_ids)}
    out = []
    for r in rows:
        place, pid = r.place_key.split(":")
        info = await catalogue.category_by_id(r.category_id)
        _, _, _, name = await resolve_place(place, int(pid))
        out.append(
            RuleOut(
                id=r.id,
                category=info.code,
                place=place,  # type: ignore[arg-type]
                place_id=int(pid),
                place_name=name,
                community_id=r.community_id,
                body=body_out(found[r.body_id]),
                reason=r.reason,
            )
        )
    return out
