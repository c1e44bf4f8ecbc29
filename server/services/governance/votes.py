"""Votes over a project's households: one ballot per household, cast by a verified
member, changeable until the vote closes; the tally follows Civil Code art. 278.

Casting and closing both lock the vote's row first, so on PostgreSQL a ballot either
commits before the close reads the ballots (and is counted) or finds the vote closed
and gets a 409: none is accepted and then left out of the result. SQLite runs one
write transaction at a time, which gives the same order."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from schemas.governance_votes import BallotIn, BallotOut, VoteCreate, VoteOut
from server.auth.principal import Principal
from server.domain.errors import Conflict, Forbidden, Invalid, NotFound
from server.domain.governance.thresholds import Choice, DecisionKind, Tally, tally
from server.models.governance import Project, ProjectHousehold, ProjectStatus
from server.models.governance_votes import Ballot, BallotRecord, Elector, Vote, VoteStatus
from server.models.visits import HouseholdArea
from server.services.audit import audit
from server.services.governance.access import (
    ensure_community_staff,
    project_for,
    verified_households,
)
from server.services.governance.meetings import residents_in_scope
from server.services.governance.tallies import tally_json, vote_out
from server.services.outbox import emit

# Switched off only by the concurrency test, to show the race the lock prevents.
LOCKING = True


async def _locked(vote_id: int, conn: BaseDBAsyncClient) -> Vote:
    qs = Vote.filter(id=vote_id).using_db(conn)
    return await (qs.select_for_update() if LOCKING else qs).get()


async def open_vote(p: Principal, project_id: int, body: VoteCreate) -> VoteOut:
    project = await project_for(p, project_id)
    ensure_community_staff(p, project)
    if project.status != ProjectStatus.active:
        raise Conflict("votes are held in an approved, running project", code="not_active")
    if body.closes_at <= datetime.now(UTC):
        raise Invalid("closes_at is in the past", code="closes_in_past")
    ids = await ProjectHousehold.filter(project_id=project.id).values_list(
        "household_id", flat=True
    )
    areas = dict(
        await HouseholdArea.filter(household_id__in=ids).values_list("household_id", "area")
    )
    missing = sorted(set(ids) - set(areas))  # type: ignore[arg-type]
    if missing:
        raise Conflict(
            "every household in scope needs its floor area before a vote opens",
            code="area_missing",
            details={"household_ids": missing[:200], "count": len(missing)},
        )
    residents = await residents_in_scope(project.id)
    async with in_transaction() as conn:
        vote = await Vote.create(
            project_id=project.id,
            community_id=project.community_id,
            question=body.question,
            decision_kind=DecisionKind(body.decision_kind),
            closes_at=body.closes_at,
            opened_by_id=p.id,
            using_db=conn,
        )
        await Elector.bulk_create(
            [Elector(vote_id=vote.id, household_id=h, area=a) for h, a in sorted(areas.items())],
            using_db=conn,
        )
        await emit(
            "vote.opened",
            "vote",
            vote.id,
            _notice(project, vote, residents, "表决通知", f"请于截止前投票：{vote.question}"),
            community_id=project.community_id,
            using_db=conn,
        )
        await audit(p, "vote.opened", "vote", vote.id, {"electors": len(areas)}, using_db=conn)
    return await vote_out(vote, await current_tally(vote), [])


def _notice(
    project: Project, vote: Vote, residents: list[int], title: str, body: str
) -> dict[str, Any]:
    return {
        "project_id": project.id,
        "vote_id": vote.id,
        "community_id": project.community_id,
        "resident_ids": residents,
        "title": f"{title}：{project.title}",
        "starts_at": vote.closes_at.isoformat(),
        "place": "线上表决",
        "note": vote.question,
        "body": body,
    }


async def current_tally(vote: Vote, conn: BaseDBAsyncClient | None = None) -> Tally:
    electors = Elector.filter(vote_id=vote.id)
    ballots = Ballot.filter(vote_id=vote.id)
    if conn is not None:
        electors, ballots = electors.using_db(conn), ballots.using_db(conn)
    areas: dict[int, Decimal] = dict(await electors.values_list("household_id", "area"))  # type: ignore[arg-type]
    cast = await ballots.values_list("household_id", "choice")
    return tally(
        DecisionKind(vote.decision_kind),
        areas.values(),
        [(areas[h], Choice(c)) for h, c in cast],  # type: ignore[index]
    )


async def _vote_for(p: Principal, vote_id: int) -> tuple[Vote, Project]:
    vote = await Vote.filter(id=vote_id).first()
    if vote is None:
        raise NotFound("vote not found")
    return vote, await project_for(p, vote.project_id)


async def cast(p: Principal, vote_id: int, body: BallotIn) -> BallotOut:
    if not p.is_resident:
        raise Forbidden("ballots are cast by residents", code="residents_only")
    vote, _ = await _vote_for(p, vote_id)
    mine = set(await verified_households(p.id))
    eligible: set[int] = set(
        await Elector.filter(vote_id=vote.id, household_id__in=mine).values_list(  # type: ignore[arg-type]
            "household_id", flat=True
        )
    )
    if body.household_id is not None:
        if body.household_id not in eligible:
            raise NotFound("household not found in this vote")
        household_id = body.household_id
    elif len(eligible) == 1:
        household_id = next(iter(eligible))
    elif not eligible:
        raise NotFound("none of your households is in this vote")
    else:
        raise Invalid(
            "you live in several households of this vote: name household_id",
            code="household_needed",
        )
    async with in_transaction() as conn:
        locked = await _locked(vote.id, conn)
        now = datetime.now(UTC)
        if locked.status != VoteStatus.open or now >= locked.closes_at:
            raise Conflict("the vote is closed; this ballot was not counted", code="vote_closed")
        ballot = (
            await Ballot.filter(vote_id=vote.id, household_id=household_id).using_db(conn).first()
        )
        if ballot is None:
            ballot = await Ballot.create(
                vote_id=vote.id,
                household_id=household_id,
                choice=Choice(body.choice),
                cast_by_id=p.id,
                cast_at=now,
                using_db=conn,
            )
        else:
            ballot.choice, ballot.cast_by_id, ballot.cast_at = Choice(body.choice), p.id, now
            ballot.revision += 1
            await ballot.save(using_db=conn)
        await BallotRecord.create(
            vote_id=vote.id,
            household_id=household_id,
            revision=ballot.revision,
            choice=ballot.choice,
            cast_by_id=p.id,
            cast_at=now,
            using_db=conn,
        )
    return ballot_out(ballot)


def ballot_out(b: Ballot) -> BallotOut:
    return BallotOut(
        vote_id=b.vote_id,
        household_id=b.household_id,
        choice=b.choice.value,
        cast_by=b.cast_by_id,
        cast_at=b.cast_at,
        revision=b.revision,
    )


async def close(p: Principal, vote_id: int) -> VoteOut:
    vote, project = await _vote_for(p, vote_id)
    ensure_community_staff(p, project)
    residents = await residents_in_scope(project.id)
    async with in_transaction() as conn:
        locked = await _locked(vote.id, conn)
        if locked.status != VoteStatus.open:
            raise Conflict("the vote is already closed", code="vote_closed")
        result = await current_tally(locked, conn)
        locked.status, locked.closed_by_id = VoteStatus.closed, p.id
        locked.closed_at, locked.result = datetime.now(UTC), tally_json(result)
        await locked.save(using_db=conn)
        verdict = "通过" if result.passed else "未通过"
        await emit(
            "vote.closed",
            "vote",
            vote.id,
            _notice(
                project,
                locked,
                residents,
                "表决结果公布",
                f"{locked.question}：{verdict}。"
                f"参与 {result.participants}/{result.households} 户，同意 {result.agree} 户。",
            ),
            community_id=project.community_id,
            using_db=conn,
        )
        await audit(p, "vote.closed", "vote", vote.id, locked.result, using_db=conn)
    return await vote_out(locked, result, [])


async def get_vote(p: Principal, vote_id: int) -> VoteOut:
    vote, _ = await _vote_for(p, vote_id)
    return await _shown(p, vote)


async def list_votes(p: Principal, project_id: int) -> list[VoteOut]:
    project = await project_for(p, project_id)
    votes = await Vote.filter(project_id=project.id).order_by("-id").limit(100)
    return [await _shown(p, v) for v in votes]


async def _shown(p: Principal, vote: Vote) -> VoteOut:
    """Staff watch the count live; residents see the result once it is published, and
    their own households' ballots all along."""
    mine: list[Ballot] = []
    if p.is_resident:
        households = await verified_households(p.id)
        mine = await Ballot.filter(vote_id=vote.id, household_id__in=households).order_by(
            "household_id"
        )
    if vote.status == VoteStatus.closed:
        return await vote_out(vote, None, mine)
    return await vote_out(vote, None if p.is_resident else await current_tally(vote), mine)
