"""Setting a community up for its rota: posts, shift templates, certifications (and the
全岗通 rate), availability and leave. Every change is audited."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from pydantic import ValidationError
from tortoise.transactions import in_transaction

from schemas.rota import (
    CertificationCreate,
    CertificationPublic,
    CertificationReport,
    Lacking,
    Opening,
    PostCreate,
    PostPublic,
    PostUpdate,
    ShiftCreate,
    ShiftPublic,
    ShiftUpdate,
)
from server.auth.principal import Principal
from server.auth.scope import ScopeRules, community_in_scope, get_scoped
from server.domain.errors import Conflict, Invalid
from server.models.people import Role, Staff
from server.models.rota import (
    Assignment,
    Certification,
    Post,
    PostKind,
    ShiftTemplate,
)
from server.services.audit import audit
from server.services.reports.sla import forget_hours

BY_COMMUNITY = ScopeRules(community="community_id", street="community__street_id")
BY_POST = ScopeRules(community="post__community_id", street="post__community__street_id")
BY_STAFF = ScopeRules(community="staff__community_id", street="staff__community__street_id")
ROSTERED = (Role.worker, Role.secretary)


async def rostered_staff(community_id: int) -> list[Staff]:
    return await Staff.filter(community_id=community_id, role__in=ROSTERED, active=True).order_by(
        "id"
    )


async def staff_of(community_id: int, staff_id: int) -> Staff:
    s = await Staff.filter(id=staff_id, community_id=community_id, role__in=ROSTERED).first()
    if s is None:
        raise Invalid(
            "that person is not a worker of this community",
            code="unknown_staff",
            details={"staff_id": staff_id},
        )
    return s


# -- posts ---------------------------------------------------------------------
def _hours(openings: list[Opening]) -> list[dict[str, Any]]:
    return [
        {
            "weekday": o.weekday,
            "start": o.start.strftime("%H:%M"),
            "end": o.end.strftime("%H:%M"),
            "min_staff": o.min_staff,
        }
        for o in sorted(openings, key=lambda o: (o.weekday, o.start))
    ]


def _stored_opening(h: dict[str, Any]) -> Opening | None:
    """A stored opening as it is, even one written before times were checked, so the
    secretary sees the bad row and can correct it; an unreadable one is left out."""
    try:
        return Opening.model_validate(h)
    except ValidationError:
        pass
    try:
        return Opening.model_construct(
            weekday=int(h["weekday"]),
            start=time.fromisoformat(h["start"]),
            end=time.fromisoformat(h["end"]),
            min_staff=int(h.get("min_staff", 1)),
        )
    except (KeyError, TypeError, ValueError):
        return None


def post_public(post: Post) -> PostPublic:
    fields: dict[str, Any] = {
        "id": post.id,
        "community_id": post.community_id,
        "code": post.code,
        "name": post.name,
        "kind": post.kind.value,
        "hours": [o for o in map(_stored_opening, post.hours) if o is not None],
        "sort_order": post.sort_order,
        "active": post.active,
    }
    try:
        return PostPublic(**fields)
    except ValidationError:  # an opening stored before times were checked
        return PostPublic.model_construct(**fields)


async def list_posts(p: Principal, community_id: int) -> list[PostPublic]:
    await community_in_scope(p, community_id)
    posts = await Post.filter(community_id=community_id).order_by("sort_order", "id")
    return [post_public(x) for x in posts]


async def create_post(p: Principal, community_id: int, data: PostCreate) -> PostPublic:
    await community_in_scope(p, community_id)
    async with in_transaction() as conn:
        if await Post.filter(community_id=community_id, code=data.code).using_db(conn).exists():
            raise Conflict("a post with this code exists", code="duplicate_code")
        post = await Post.create(
            community_id=community_id,
            code=data.code,
            name=data.name,
            kind=data.kind,
            hours=_hours(data.hours),
            sort_order=data.sort_order,
            using_db=conn,
        )
        await audit(p, "rota.post.create", "rota_post", post.id, {"code": data.code}, using_db=conn)
    forget_hours(community_id)  # desk hours set the SLA clock
    return post_public(post)


async def update_post(p: Principal, post_id: int, data: PostUpdate) -> PostPublic:
    async with in_transaction() as conn:
        post = await get_scoped(Post.all().using_db(conn), p, BY_COMMUNITY, id=post_id)
        changes = data.model_dump(exclude_unset=True, exclude_none=True)
        if "hours" in changes and data.hours is not None:
            changes["hours"] = _hours(data.hours)
        if changes.get("kind") is not None:
            changes["kind"] = PostKind(changes["kind"])
        for k, v in changes.items():
            setattr(post, k, v)
        await post.save(using_db=conn)
        await audit(
            p, "rota.post.update", "rota_post", post.id, {"fields": sorted(changes)}, using_db=conn
        )
    forget_hours(post.community_id)
    return post_public(post)


async def delete_post(p: Principal, post_id: int) -> None:
    """Remove a post nobody was ever rostered on; otherwise deactivate it instead."""
    async with in_transaction() as conn:
        post = await get_scoped(Post.all().using_db(conn), p, BY_COMMUNITY, id=post_id)
        if await Assignment.filter(post_id=post_id).using_db(conn).exists():
            raise Conflict("rotas refer to this post; deactivate it instead", code="post_in_use")
        await Certification.filter(post_id=post_id).using_db(conn).delete()
        await post.delete(using_db=conn)
        await audit(p, "rota.post.delete", "rota_post", post_id, using_db=conn)
    forget_hours(post.community_id)


# -- shift templates -------------------------------------------------------------
def shift_public(t: ShiftTemplate) -> ShiftPublic:
    start, end = t.start_time, t.end_time
    span = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return ShiftPublic(
        id=t.id,
        community_id=t.community_id,
        code=t.code,
        name=t.name,
        start=start,
        end=end,
        break_minutes=t.break_minutes,
        weekdays=list(t.weekdays),
        paid_hours=round((span - t.break_minutes) / 60, 2),
        active=t.active,
    )


async def list_shifts(p: Principal, community_id: int) -> list[ShiftPublic]:
    await community_in_scope(p, community_id)
    rows = await ShiftTemplate.filter(community_id=community_id).order_by("start", "id")
    return [shift_public(t) for t in rows]


async def create_shift(p: Principal, community_id: int, data: ShiftCreate) -> ShiftPublic:
    await community_in_scope(p, community_id)
    async with in_transaction() as conn:
        dup = ShiftTemplate.filter(community_id=community_id, code=data.code).using_db(conn)
        if await dup.exists():
            raise Conflict("a shift template with this code exists", code="duplicate_code")
        t = await ShiftTemplate.create(
            community_id=community_id,
            **data.model_dump(exclude={"start", "end"}),
            start=data.start.strftime("%H:%M"),
            end=data.end.strftime("%H:%M"),
            using_db=conn,
        )
        await audit(p, "rota.shift.create", "rota_shift", t.id, {"code": t.code}, using_db=conn)
    return shift_public(t)


async def update_shift(p: Principal, shift_id: int, data: ShiftUpdate) -> ShiftPublic:
    # Times stay fixed once made: published rotas point at them. Make a new template.
    async with in_transaction() as conn:
        t = await get_scoped(ShiftTemplate.all().using_db(conn), p, BY_COMMUNITY, id=shift_id)
        changes = data.model_dump(exclude_unset=True, exclude_none=True)
        for k, v in changes.items():
            setattr(t, k, v)
        await t.save(using_db=conn)
        await audit(
            p, "rota.shift.update", "rota_shift", t.id, {"fields": sorted(changes)}, using_db=conn
        )
    return shift_public(t)


async def delete_shift(p: Principal, shift_id: int) -> None:
    async with in_transaction() as conn:
        t = await get_scoped(ShiftTemplate.all().using_db(conn), p, BY_COMMUNITY, id=shift_id)
        if await Assignment.filter(shift_id=shift_id).using_db(conn).exists():
            raise Conflict(
                "rotas refer to this shift template; deactivate it instead", code="shift_in_use"
            )
        await t.delete(using_db=conn)
        await audit(p, "rota.shift.delete", "rota_shift", shift_id, using_db=conn)


# -- certifications ----------------------------------------------------------------
def cert_public(c: Certification) -> CertificationPublic:
    return CertificationPublic(
        id=c.id,
        staff_id=c.staff_id,
        staff_name=c.staff.display_name,
        post_id=c.post_id,
        post_name=c.post.name,
        certified_on=c.certified_on,
        expires_on=c.expires_on,
    )


async def list_certifications(p: Principal, community_id: int) -> list[CertificationPublic]:
    await community_in_scope(p, community_id)
    rows = (
        await Certification.filter(post__community_id=community_id)
        .prefetch_related("staff", "post")
        .order_by("staff_id", "post_id")
    )
    return [cert_public(c) for c in rows]


async def certify(
    p: Principal, community_id: int, data: CertificationCreate
) -> CertificationPublic:
    await community_in_scope(p, community_id)
    await staff_of(community_id, data.staff_id)
    post = await Post.filter(id=data.post_id, community_id=community_id).first()
    if post is None:
        raise Invalid("no such post in this community", code="unknown_post")
    async with in_transaction() as conn:
        c, created = await Certification.get_or_create(
            staff_id=data.staff_id,
            post_id=data.post_id,
            defaults={"certified_on": data.certified_on, "expires_on": data.expires_on},
            using_db=conn,
        )
        if not created:
            c.certified_on, c.expires_on = data.certified_on, data.expires_on
            await c.save(using_db=conn)
        await audit(
            p,
            "rota.certify",
            "rota_certification",
            c.id,
            data.model_dump(mode="json"),
            using_db=conn,
        )
    await c.fetch_related("staff", "post")
    return cert_public(c)


async def revoke_certification(p: Principal, cert_id: int) -> None:
    async with in_transaction() as conn:
        c = await get_scoped(Certification.all().using_db(conn), p, BY_POST, id=cert_id)
        await c.delete(using_db=conn)
        await audit(
            p,
            "rota.certification.revoke",
            "rota_certification",
            cert_id,
            {"staff_id": c.staff_id, "post_id": c.post_id},
            using_db=conn,
        )


async def certification_report(
    p: Principal, community_id: int, on: date | None = None
) -> CertificationReport:
    await community_in_scope(p, community_id)
    on = on or date.today()
    posts = await Post.filter(community_id=community_id, active=True).order_by("sort_order", "id")
    workers = await rostered_staff(community_id)
    certs = await Certification.filter(post__community_id=community_id, certified_on__lte=on)
    held: dict[int, set[int]] = {}
    for c in certs:
        if c.expires_on is None or c.expires_on >= on:
            held.setdefault(c.staff_id, set()).add(c.post_id)
    lacking = []
    for s in workers:
        missing = [q for q in posts if q.id not in held.get(s.id, set())]
        if missing:
            lacking.append(
                Lacking(
                    staff_id=s.id,
                    name=s.display_name,
                    missing_post_ids=[q.id for q in missing],
                    missing_posts=[q.name for q in missing],
                )
            )
    full = len(workers) - len(lacking)
    return CertificationReport(
        community_id=community_id,
        on=on,
        workers=len(workers),
        posts=len(posts),
        all_post_workers=full,
        rate=round(full / len(workers), 4) if workers else 0.0,
        lacking=lacking,
    )
