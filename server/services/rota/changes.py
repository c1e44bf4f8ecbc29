"""Changing a rota after it is made: swap requests the secretary decides, and the re-solve
after someone falls ill that changes as few assignments as it can. Each change is
rechecked against every hard rule, recorded, audited and announced."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from schemas.rota_plan import ResolveResult, SickRequest, SwapCreate, SwapPublic
from server.auth.principal import Principal
from server.auth.scope import ScopeRules, get_scoped
from server.domain.errors import Conflict, Invalid, NotFound
from server.models.people import Staff
from server.models.rota import (
    Assignment,
    Leave,
    LeaveKind,
    Rota,
    RotaChange,
    RotaStatus,
    SwapRequest,
    SwapStatus,
)
from server.rota.pool import solve_async
from server.rota.problem import Placed
from server.services.audit import audit
from server.services.outbox import emit
from server.services.rota.duty import invalidate_on_duty
from server.services.rota.lifecycle import (
    change_public,
    conflicts_out,
    explanation_of,
    get_rota,
    recheck,
    refs,
    refuse,
    summary,
)
from server.services.rota.problem import Loaded, load_problem, placed_of, with_previous
from server.services.rota.setup import staff_of

SWAP_SCOPE = ScopeRules(community="rota__community_id", street="rota__community__street_id")


def swap_public(s: SwapRequest) -> SwapPublic:
    return SwapPublic.model_validate(
        {
            **{
                k: getattr(s, k)
                for k in (
                    "id",
                    "rota_id",
                    "requester_id",
                    "assignment_id",
                    "counterpart_id",
                    "counter_assignment_id",
                    "reason",
                    "decision_note",
                    "decided_at",
                    "created_at",
                )
            },
            "status": s.status.value,
            "decided_by_id": s.decided_by_id,
        }
    )


async def _today(rota: Rota) -> date:
    community = await rota.community
    return datetime.now(UTC).astimezone(ZoneInfo(community.time_zone)).date()


async def _load_for(rota: Rota, **kw: object) -> Loaded:
    community = await rota.community
    days = (rota.end_date - rota.start_date).days + 1
    return await load_problem(community, rota.start_date, days, rota_id=rota.id, **kw)  # type: ignore[arg-type]


async def _record(
    conn: BaseDBAsyncClient,
    p: Principal,
    rota: Rota,
    kind: str,
    reason: str,
    removed: list[Placed],
    added: list[Placed],
) -> RotaChange:
    ids = {a.staff_id for a in removed + added}
    names = {s.id: s.display_name for s in await Staff.filter(id__in=ids).using_db(conn)}
    change = await RotaChange.create(
        rota_id=rota.id,
        kind=kind,
        actor_id=p.id,
        reason=reason,
        removed=refs(removed, names),
        added=refs(added, names),
        using_db=conn,
    )
    payload = {
        "rota_id": rota.id,
        "community_id": rota.community_id,
        "change_id": change.id,
        "kind": kind,
        "staff_ids": sorted(ids),
        "days": sorted({a.day.isoformat() for a in removed + added}),
    }
    if rota.status == RotaStatus.published:
        await emit(
            "rota.changed", "rota", rota.id, payload, community_id=rota.community_id, using_db=conn
        )
    await audit(p, f"rota.{kind}", "rota", rota.id, payload, using_db=conn)
    return change


# -- swaps -----------------------------------------------------------------------
async def request_swap(p: Principal, rota_id: int, data: SwapCreate) -> SwapPublic:
    rota = await get_rota(p, rota_id)
    if rota.status != RotaStatus.published:
        raise Conflict("swaps are asked for on a published rota", code="rota_not_published")
    mine = await Assignment.filter(id=data.assignment_id, rota_id=rota.id).first()
    if mine is None or mine.staff_id != p.id:
        raise Invalid("that is not one of your shifts on this rota", code="not_your_shift")
    today = await _today(rota)
    if mine.day < today:
        raise Invalid("that shift is in the past", code="shift_past")
    if data.counterpart_id == p.id:
        raise Invalid("a swap needs a colleague", code="swap_with_self")
    await staff_of(rota.community_id, data.counterpart_id)
    if data.counter_assignment_id is not None:
        theirs = await Assignment.filter(id=data.counter_assignment_id, rota_id=rota.id).first()
        if theirs is None or theirs.staff_id != data.counterpart_id:
            raise Invalid("that shift is not the colleague's on this rota", code="not_their_shift")
        if theirs.day < today:
            raise Invalid("that shift is in the past", code="shift_past")
    async with in_transaction() as conn:
        if (
            await SwapRequest.filter(assignment_id=mine.id, status=SwapStatus.pending)
            .using_db(conn)
            .exists()
        ):
            raise Conflict("a swap for this shift is already waiting", code="swap_pending")
        swap = await SwapRequest.create(
            rota_id=rota.id,
            requester_id=p.id,
            assignment_id=mine.id,
            counterpart_id=data.counterpart_id,
            counter_assignment_id=data.counter_assignment_id,
            reason=data.reason,
            using_db=conn,
        )
        await audit(p, "rota.swap.request", "rota_swap", swap.id, data.model_dump(), using_db=conn)
    return swap_public(swap)


async def list_swaps(p: Principal, rota_id: int) -> list[SwapPublic]:
    rota = await get_rota(p, rota_id)
    return [swap_public(s) for s in await SwapRequest.filter(rota_id=rota.id).order_by("-id")]


async def _pending(p: Principal, swap_id: int, conn: BaseDBAsyncClient) -> SwapRequest:
    swap = await get_scoped(SwapRequest.all().using_db(conn), p, SWAP_SCOPE, id=swap_id)
    swap = await SwapRequest.filter(id=swap.id).select_for_update().using_db(conn).get()
    if swap.status != SwapStatus.pending:
        raise Conflict(f"this swap is already {swap.status.value}", code="swap_decided")
    return swap


async def _close(p: Principal, swap_id: int, status: SwapStatus, note: str) -> SwapPublic:
    async with in_transaction() as conn:
        swap = await _pending(p, swap_id, conn)
        if status == SwapStatus.cancelled and swap.requester_id != p.id:
            raise NotFound("rota_swap not found")
        swap.status, swap.decision_note = status, note
        swap.decided_by_id, swap.decided_at = p.id, datetime.now(UTC)
        await swap.save(using_db=conn)
        await audit(
            p, f"rota.swap.{status.value}", "rota_swap", swap.id, {"note": note}, using_db=conn
        )
    return swap_public(swap)


async def deny_swap(p: Principal, swap_id: int, note: str) -> SwapPublic:
    return await _close(p, swap_id, SwapStatus.denied, note)


async def cancel_swap(p: Principal, swap_id: int) -> SwapPublic:
    return await _close(p, swap_id, SwapStatus.cancelled, "")


async def approve_swap(p: Principal, swap_id: int, note: str) -> SwapPublic:
    async with in_transaction() as conn:
        swap = await _pending(p, swap_id, conn)
        rota = await Rota.filter(id=swap.rota_id).select_for_update().using_db(conn).get()
        rows = await Assignment.filter(rota_id=rota.id).using_db(conn)
        by_id = {a.id: a for a in rows}
        mine = by_id.get(swap.assignment_id or -1)
        theirs = by_id.get(swap.counter_assignment_id or -1) if swap.counter_assignment_id else None
        if (
            mine is None
            or mine.staff_id != swap.requester_id
            or (
                swap.counter_assignment_id
                and (theirs is None or theirs.staff_id != swap.counterpart_id)
            )
        ):
            raise Conflict("the rota changed since this swap was asked for", code="swap_stale")
        loaded = await _load_for(rota)
        before = placed_of(rows)
        moved = {mine.id: swap.counterpart_id}
        if theirs is not None:
            moved[theirs.id] = swap.requester_id
        after_rows = [(a, moved.get(a.id, a.staff_id)) for a in rows]
        after = [
            Placed(sid, a.day, a.shift_id, a.post_id, not _certified(loaded, sid, a))
            for a, sid in after_rows
        ]
        broken = await recheck(loaded, before, after)
        if broken:
            raise Conflict(
                f"the swap would break a rule: {broken[0].message}",
                code="swap_breaks_rules",
                details=conflicts_out(broken),
            )
        removed = [x for x in before if x.key not in {y.key for y in after}]
        added = [y for y in after if y.key not in {x.key for x in before}]
        for a, sid in after_rows:
            if a.id in moved:
                a.staff_id = sid
                a.trainee = not _certified(loaded, sid, a)
                await a.save(using_db=conn, update_fields=["staff_id", "trainee"])
        swap.status, swap.decision_note = SwapStatus.approved, note
        swap.decided_by_id, swap.decided_at = p.id, datetime.now(UTC)
        await swap.save(using_db=conn)
        await _record(conn, p, rota, "swap", swap.reason or f"swap {swap.id}", removed, added)
    await invalidate_on_duty(rota.community_id)
    return swap_public(swap)


def _certified(loaded: Loaded, staff_id: int, a: Assignment) -> bool:
    person = next((s for s in loaded.problem.staff if s.id == staff_id), None)
    return person is not None and person.certified_on(a.post_id, a.day)


# -- sickness ---------------------------------------------------------------------
async def report_sick(p: Principal, rota_id: int, data: SickRequest) -> ResolveResult:
    rota = await get_rota(p, rota_id)
    if rota.status == RotaStatus.superseded:
        raise Conflict("this rota has been replaced", code="rota_superseded")
    await staff_of(rota.community_id, data.staff_id)
    if data.end_date < rota.start_date or data.start_date > rota.end_date:
        raise Invalid("the sickness lies outside this rota's period", code="outside_rota")
    change_from = max(data.start_date, rota.start_date, await _today(rota))
    if change_from > rota.end_date:
        raise Invalid("nothing of this rota is left to change", code="outside_rota")
    span = (data.end_date - data.start_date).days + 1
    sick = {data.start_date + timedelta(days=i) for i in range(span)}
    sick = {d for d in sick if d >= change_from}  # the past stands as it was worked
    rows = await Assignment.filter(rota_id=rota.id)
    before = placed_of(rows)
    loaded = with_previous(
        await _load_for(rota, extra_leave={data.staff_id: sick}, time_limit=data.time_limit),
        before,
        change_from,
    )
    sol = await solve_async(loaded.problem)
    if not sol.ok:
        refuse(sol, "a rota without this worker")
    new = {a.key: a for a in sol.assignments}
    old = {a.key: a for a in before}
    removed = [a for k, a in old.items() if k not in new and a.day >= change_from]
    added = [a for k, a in new.items() if k not in old and a.day >= change_from]
    async with in_transaction() as conn:
        rota = await Rota.filter(id=rota.id).select_for_update().using_db(conn).get()
        now = await Assignment.filter(rota_id=rota.id).using_db(conn)
        if {a.key for a in placed_of(now)} != set(old):
            raise Conflict(
                "the rota changed while it was being re-solved; try again", code="rota_changed"
            )
        await Leave.create(
            staff_id=data.staff_id,
            kind=LeaveKind.sick,
            start_date=data.start_date,
            end_date=data.end_date,
            note=data.note,
            using_db=conn,
        )
        gone = {a.key for a in removed}
        ids = [a.id for a, k in zip(now, placed_of(now), strict=True) if k.key in gone]
        if ids:
            await Assignment.filter(id__in=ids).using_db(conn).delete()
        await Assignment.bulk_create([loaded.row(rota.id, a) for a in added], using_db=conn)
        change = await _record(
            conn, p, rota, "resolve", data.note or f"sick: staff {data.staff_id}", removed, added
        )
        rota.explanation = explanation_of(sol)
        await rota.save(using_db=conn, update_fields=["explanation"])
    await invalidate_on_duty(rota.community_id)
    return ResolveResult(
        rota=await summary(rota),
        changes=len(removed) + len(added),
        change=change_public(change),
        explanation=rota.explanation,
    )
