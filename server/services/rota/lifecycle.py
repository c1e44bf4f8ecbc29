"""The rota lifecycle: generate a draft (solved off the loop), publish it, read it as a
grid, and the record of every change made after publishing."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from schemas.rota_plan import (
    AssignmentRef,
    ChangePublic,
    ConflictOut,
    Explanation,
    GenerateRequest,
    GridCell,
    GridPost,
    GridShift,
    GridStaff,
    MissedGoalOut,
    RotaDraft,
    RotaGrid,
    RotaSummary,
)
from server.auth.principal import Principal
from server.auth.scope import ScopeRules, community_in_scope, get_scoped
from server.domain.errors import Conflict, Invalid, Unavailable
from server.models.people import Staff
from server.models.rota import Assignment, Post, Rota, RotaChange, RotaStatus, ShiftTemplate
from server.rota.check import violations
from server.rota.pool import solve_async
from server.rota.problem import Conflict as Clash
from server.rota.problem import Placed, Solution
from server.services.audit import audit
from server.services.outbox import emit
from server.services.rota.duty import invalidate_on_duty
from server.services.rota.problem import Loaded, load_problem, placed_of

ROTA_SCOPE = ScopeRules(community="community_id", street="community__street_id")


def conflicts_out(found: tuple[Clash, ...] | list[Clash]) -> list[dict[str, Any]]:
    return [
        ConflictOut.model_validate(c, from_attributes=True).model_dump(mode="json") for c in found
    ]


def explanation_of(sol: Solution) -> dict[str, Any]:
    return Explanation(
        missed=[MissedGoalOut.model_validate(m, from_attributes=True) for m in sol.missed],
        conflicts=[ConflictOut.model_validate(c, from_attributes=True) for c in sol.conflicts],
        stats={**sol.stats, **({"changes": float(sol.changes)} if sol.changes is not None else {})},
    ).model_dump(mode="json")


def refuse(sol: Solution, what: str) -> None:
    """Turn a failed solve into the error a secretary can act on."""
    if sol.status == "infeasible":
        first = sol.conflicts[0].message if sol.conflicts else "the rules clash"
        raise Invalid(
            f"{what} cannot be made: {first}",
            code="rota_infeasible",
            details=conflicts_out(sol.conflicts),
        )
    raise Unavailable(
        f"no {what} found within the time limit",
        code="rota_timeout",
        details=conflicts_out(sol.conflicts),
    )


async def summary(r: Rota, count: int | None = None) -> RotaSummary:
    n = count if count is not None else await Assignment.filter(rota_id=r.id).count()
    gap = None
    if r.objective is not None and r.bound is not None:
        gap = round((r.objective - r.bound) / max(1, abs(r.objective)), 4)
    return RotaSummary(
        id=r.id,
        community_id=r.community_id,
        start_date=r.start_date,
        end_date=r.end_date,
        status=r.status.value,
        created_at=r.created_at,
        published_at=r.published_at,
        solver_status=r.solver_status,
        objective=r.objective,
        bound=r.bound,
        gap=gap,
        solve_seconds=round(r.solve_seconds, 3),
        assignments=n,
    )


async def generate(p: Principal, community_id: int, req: GenerateRequest) -> RotaDraft:
    community = await community_in_scope(p, community_id)
    loaded = await load_problem(community, req.start_date, req.weeks * 7, time_limit=req.time_limit)
    if not loaded.problem.posts or not loaded.problem.shifts:
        raise Invalid("set up posts and shift templates first", code="rota_not_set_up")
    if not loaded.problem.staff:
        raise Invalid("this community has no active workers to roster", code="rota_no_staff")
    sol = await solve_async(loaded.problem)
    if not sol.ok:
        refuse(sol, "this rota")
    rota = await save_draft(p, loaded, sol)
    return RotaDraft(rota=rota, explanation=Explanation.model_validate(explanation_of(sol)))


async def save_draft(p: Principal, loaded: Loaded, sol: Solution) -> RotaSummary:
    async with in_transaction() as conn:
        rota = await Rota.create(
            community_id=loaded.community.id,
            start_date=loaded.problem.start,
            end_date=loaded.problem.end,
            created_by_id=p.id,
            solver_status=sol.status,
            objective=sol.objective,
            bound=sol.bound,
            solve_seconds=sol.seconds,
            explanation=explanation_of(sol),
            using_db=conn,
        )
        await Assignment.bulk_create(
            [loaded.row(rota.id, a) for a in sol.assignments], using_db=conn
        )
        await audit(
            p,
            "rota.generate",
            "rota",
            rota.id,
            {
                "start": loaded.problem.start.isoformat(),
                "days": loaded.problem.days,
                "status": sol.status,
            },
            using_db=conn,
        )
    return await summary(rota, len(sol.assignments))


async def list_rotas(p: Principal, community_id: int) -> list[RotaSummary]:
    await community_in_scope(p, community_id)
    rows = await Rota.filter(community_id=community_id).order_by("-start_date", "-id").limit(100)
    counts: dict[int, int] = defaultdict(int)
    for rid in await Assignment.filter(rota_id__in=[r.id for r in rows]).values_list(
        "rota_id", flat=True
    ):
        counts[int(rid)] += 1  # type: ignore[call-overload]
    return [await summary(r, counts[r.id]) for r in rows]


async def get_rota(p: Principal, rota_id: int, conn: BaseDBAsyncClient | None = None) -> Rota:
    qs = Rota.all() if conn is None else Rota.all().using_db(conn)
    return await get_scoped(qs, p, ROTA_SCOPE, id=rota_id)


async def grid(p: Principal, rota_id: int) -> RotaGrid:
    rota = await get_rota(p, rota_id)
    rows = await Assignment.filter(rota_id=rota.id).order_by("day", "shift_id", "post_id", "id")
    names = {s.id: s.display_name for s in await Staff.filter(id__in={a.staff_id for a in rows})}
    post_ids = {a.post_id for a in rows}
    posts = [
        q
        for q in await Post.filter(community_id=rota.community_id).order_by("sort_order", "id")
        if q.active or q.id in post_ids
    ]
    shift_ids = {a.shift_id for a in rows}
    shifts = [
        t
        for t in await ShiftTemplate.filter(community_id=rota.community_id).order_by("start", "id")
        if t.active or t.id in shift_ids
    ]
    cells: dict[tuple[date, int, int], list[GridStaff]] = defaultdict(list)
    for a in rows:
        cells[(a.day, a.shift_id, a.post_id)].append(
            GridStaff(
                assignment_id=a.id,
                staff_id=a.staff_id,
                name=names.get(a.staff_id, "?"),
                trainee=a.trainee,
            )
        )
    days = [
        rota.start_date + timedelta(days=i)
        for i in range((rota.end_date - rota.start_date).days + 1)
    ]
    return RotaGrid(
        rota=await summary(rota, len(rows)),
        days=days,
        posts=[GridPost(id=q.id, code=q.code, name=q.name, kind=q.kind.value) for q in posts],
        shifts=[
            GridShift(id=t.id, code=t.code, name=t.name, start=t.start_time, end=t.end_time)
            for t in shifts
        ],
        cells=[
            GridCell(day=k[0], shift_id=k[1], post_id=k[2], staff=v)
            for k, v in sorted(cells.items())
        ],
        explanation=Explanation.model_validate(rota.explanation or {}),
    )


async def recheck(loaded: Loaded, before: list[Placed], after: list[Placed]) -> list[Clash]:
    """Hard-rule breaches that ``after`` has and ``before`` had not (a rota that was
    already short because of later leave does not block every other change)."""
    old = {c.message for c in violations(loaded.problem, before)}
    return [c for c in violations(loaded.problem, after) if c.message not in old]


async def publish(p: Principal, rota_id: int) -> RotaSummary:
    async with in_transaction() as conn:
        rota = await get_rota(p, rota_id, conn)
        rota = await Rota.filter(id=rota.id).select_for_update().using_db(conn).get()
        if rota.status != RotaStatus.draft:
            raise Conflict(f"only a draft can be published; this rota is {rota.status.value}")
        community = await rota.community
        rows = await Assignment.filter(rota_id=rota.id).using_db(conn)
        days = (rota.end_date - rota.start_date).days + 1
        loaded = await load_problem(community, rota.start_date, days, rota_id=rota.id)
        broken = violations(loaded.problem, placed_of(rows))
        if broken:
            raise Conflict(
                f"the draft no longer meets the rules: {broken[0].message}",
                code="rota_stale",
                details=conflicts_out(broken),
            )
        overlapping = await Rota.filter(
            community_id=rota.community_id,
            status=RotaStatus.published,
            start_date__lte=rota.end_date,
            end_date__gte=rota.start_date,
        ).using_db(conn)
        for old in overlapping:
            if old.start_date < rota.start_date or old.end_date > rota.end_date:
                raise Conflict(
                    f"published rota {old.id} ({old.start_date}–{old.end_date}) overlaps this one "
                    "only in part; cover its whole period or start after it",
                    code="rota_overlap",
                    details={"rota_id": old.id},
                )
            old.status = RotaStatus.superseded
            await old.save(using_db=conn, update_fields=["status"])
        rota.status = RotaStatus.published
        rota.published_at = datetime.now(UTC)
        rota.published_by_id = p.id
        await rota.save(using_db=conn, update_fields=["status", "published_at", "published_by_id"])
        await RotaChange.create(
            rota_id=rota.id,
            kind="publish",
            actor_id=p.id,
            reason="",
            using_db=conn,
            added=[],
            removed=[],
        )
        payload = {
            "rota_id": rota.id,
            "community_id": rota.community_id,
            "start_date": rota.start_date.isoformat(),
            "end_date": rota.end_date.isoformat(),
            "superseded": [o.id for o in overlapping],
        }
        await emit(
            "rota.published",
            "rota",
            rota.id,
            payload,
            community_id=rota.community_id,
            using_db=conn,
        )
        await audit(p, "rota.publish", "rota", rota.id, payload, using_db=conn)
    await invalidate_on_duty(rota.community_id)
    return await summary(rota, len(rows))


async def discard(p: Principal, rota_id: int) -> None:
    async with in_transaction() as conn:
        rota = await get_rota(p, rota_id, conn)
        if rota.status != RotaStatus.draft:
            raise Conflict("only a draft can be discarded; published rotas are kept as a record")
        await rota.delete(using_db=conn)
        await audit(p, "rota.discard", "rota", rota_id, using_db=conn)


def refs(items: list[Placed], names: dict[int, str]) -> list[dict[str, Any]]:
    return [
        {
            "staff_id": a.staff_id,
            "name": names.get(a.staff_id, "?"),
            "day": a.day.isoformat(),
            "shift_id": a.shift_id,
            "post_id": a.post_id,
        }
        for a in items
    ]


def change_public(c: RotaChange) -> ChangePublic:
    return ChangePublic(
        id=c.id,
        at=c.at,
        kind=c.kind,
        actor_id=c.actor_id,
        reason=c.reason,
        removed=[AssignmentRef.model_validate(x) for x in c.removed],
        added=[AssignmentRef.model_validate(x) for x in c.added],
    )


async def changes(p: Principal, rota_id: int) -> list[ChangePublic]:
    rota = await get_rota(p, rota_id)
    return [change_public(c) for c in await RotaChange.filter(rota_id=rota.id).order_by("id")]
