"""The work-order lifecycle: one transition table and one function that checks every move.

``decide`` is pure: given the current status, the move and how the caller relates to the
report, it answers the new status, the event to record and the outbox topics to emit,
or raises :class:`IllegalMove` listing the moves that are allowed from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from server.domain.errors import Conflict, Forbidden, Invalid


class Status(StrEnum):
    submitted = "submitted"
    accepted = "accepted"
    dispatched = "dispatched"
    in_progress = "in_progress"
    waiting = "waiting"  # waiting on the resident: the SLA clock is paused
    resolved = "resolved"
    closed = "closed"
    rejected = "rejected"
    merged = "merged"
    reopened = "reopened"
    withdrawn = "withdrawn"  # closed by the resident: no longer needed, never "resolved"


TERMINAL: frozenset[Status] = frozenset(
    {Status.closed, Status.rejected, Status.merged, Status.withdrawn}
)
OPEN: frozenset[Status] = frozenset(Status) - TERMINAL


class Actor(StrEnum):
    """How the caller relates to this report; one caller may hold several relations."""

    reporter = "reporter"  # the resident who reported it
    owner = "owner"  # the first responder
    colleague = "colleague"  # another staff member of the community
    manager = "manager"  # the community secretary, the street dispatcher, an admin
    officer = "officer"  # an officer of a department the report is dispatched to
    system = "system"  # the scheduler


class Move(StrEnum):
    claim = "claim"
    accept = "accept"
    dispatch = "dispatch"
    start = "start"
    wait = "wait"
    resume = "resume"
    resolve = "resolve"
    close = "close"
    confirm = "confirm"
    not_fixed = "not_fixed"
    reopen = "reopen"
    reject = "reject"
    merge = "merge"
    withdraw = "withdraw"
    recall = "recall"


@dataclass(frozen=True, slots=True)
class Rule:
    sources: frozenset[Status]
    target: Status | None  # None: the move is recorded but the status stays
    actors: frozenset[Actor]
    public: bool = True
    note_required: str | None = None  # what the note must say, when one is required
    topic: str = "report.status_changed"
    # (from, to): when the move leaves no department working on the report, a report
    # that is only waiting on departments goes back to its owner's hands.
    none_left: tuple[Status, Status] | None = None


S = Status
A = Actor
_WORKING = frozenset({S.accepted, S.dispatched, S.in_progress, S.reopened})
_STAFF_ACTIVE = frozenset({A.owner, A.manager})
# Where a live dispatch leg can be: dispatched, or taken on, waited on or reopened since.
_WITH_LEGS = frozenset({S.accepted, S.dispatched, S.in_progress, S.waiting, S.reopened})

TABLE: dict[Move, Rule] = {
    Move.claim: Rule(frozenset({S.submitted}), S.accepted, frozenset({A.colleague, A.manager}),
                     topic="report.accepted"),
    Move.accept: Rule(frozenset({S.submitted, S.reopened}), S.accepted, frozenset({A.owner}),
                      topic="report.accepted"),
    Move.dispatch: Rule(_WORKING, S.dispatched, _STAFF_ACTIVE, topic="report.dispatched"),
    Move.start: Rule(frozenset({S.accepted, S.dispatched, S.reopened}), S.in_progress,
                     frozenset({A.owner, A.officer})),
    Move.wait: Rule(frozenset({S.accepted, S.dispatched, S.in_progress}), S.waiting,
                    frozenset({A.owner}), note_required="what is needed from the resident"),
    Move.resume: Rule(frozenset({S.waiting}), S.in_progress, frozenset({A.owner, A.reporter})),
    Move.resolve: Rule(_WORKING, S.resolved, frozenset({A.owner}),
                       note_required="how it was resolved"),
    Move.close: Rule(frozenset({S.resolved}), S.closed, _STAFF_ACTIVE,
                     note_required="the follow-up (回访) with the resident"),
    Move.confirm: Rule(frozenset({S.resolved}), S.closed, frozenset({A.reporter})),
    Move.not_fixed: Rule(frozenset({S.resolved, S.closed}), S.reopened, frozenset({A.reporter}),
                         note_required="what is still wrong"),
    Move.reopen: Rule(frozenset({S.resolved, S.closed, S.rejected}), S.reopened, _STAFF_ACTIVE,
                      note_required="why it is reopened"),
    Move.reject: Rule(frozenset({S.submitted, S.accepted, S.reopened}), S.rejected,
                      _STAFF_ACTIVE, note_required="the referral: which body to go to, and why"),
    Move.merge: Rule(OPEN - {S.resolved}, S.merged, _STAFF_ACTIVE | {A.colleague},
                     topic="report.merged"),
    Move.withdraw: Rule(OPEN - {S.resolved}, S.withdrawn, frozenset({A.reporter}),
                        note_required="why it is no longer needed", topic="report.withdrawn"),
    Move.recall: Rule(_WITH_LEGS, None, _STAFF_ACTIVE, public=False, topic="report.recalled",
                      note_required="why the leg is recalled",
                      none_left=(S.dispatched, S.accepted)),
}  # fmt: skip


class IllegalMove(Conflict):
    """The move is not allowed from the current status."""

    code = "illegal_move"


@dataclass(frozen=True, slots=True)
class Outcome:
    move: Move
    source: Status
    target: Status
    public: bool
    topics: tuple[str, ...]
    pauses: bool  # the SLA clock stops from now
    resumes: bool  # the SLA clock runs again from now
    leaves_open: bool  # the owner's open load drops
    enters_open: bool  # the owner's open load rises again


def allowed_moves(status: Status, actors: frozenset[Actor] | set[Actor]) -> list[str]:
    return sorted(
        m.value for m, r in TABLE.items() if status in r.sources and (r.actors & set(actors))
    )


def decide(
    status: Status,
    move: Move,
    actors: frozenset[Actor] | set[Actor],
    note: str | None = None,
    *,
    legs_left: int | None = None,
) -> Outcome:
    """Check one move; raise unless it is legal for these actors, else say what follows.

    ``legs_left`` is how many dispatch legs stay live after the move (for a recall)."""
    rule = TABLE[move]
    actors = frozenset(actors)
    if status not in rule.sources:
        raise IllegalMove(
            f"cannot {move.value} a report that is {status.value}",
            details={"status": status.value, "allowed": allowed_moves(status, actors)},
        )
    if not (rule.actors & actors):
        raise Forbidden(
            f"you may not {move.value} this report",
            details={"status": status.value, "allowed": allowed_moves(status, actors)},
        )
    if rule.note_required and not (note and note.strip()):
        raise Invalid(f"a note is required: {rule.note_required}", code="note_required")
    target = rule.target or status
    if rule.none_left and legs_left == 0 and status == rule.none_left[0]:
        target = rule.none_left[1]
    topics = [rule.topic]
    if rule.topic != "report.status_changed":
        topics.append("report.status_changed")
    return Outcome(
        move=move,
        source=status,
        target=target,
        public=rule.public,
        topics=tuple(topics),
        pauses=target == S.waiting and status != S.waiting,
        resumes=status == S.waiting and target != S.waiting,
        leaves_open=status in OPEN and target in TERMINAL,
        enters_open=status in TERMINAL and target in OPEN,
    )
