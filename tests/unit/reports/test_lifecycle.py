"""The transition table and the owner choice, as plain Python."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.domain.assignment import Candidate, pick_owner
from server.domain.errors import Forbidden, Invalid
from server.domain.geo import bounding_box, haversine_m
from server.domain.lifecycle import (
    OPEN,
    TABLE,
    TERMINAL,
    Actor,
    IllegalMove,
    Move,
    Status,
    allowed_moves,
    decide,
)

ALL_ACTORS = frozenset(Actor)


def test_happy_path_and_topics() -> None:
    out = decide(Status.submitted, Move.accept, {Actor.owner})
    assert out.target == Status.accepted
    assert out.topics == ("report.accepted", "report.status_changed")
    out = decide(Status.accepted, Move.dispatch, {Actor.manager})
    assert out.target == Status.dispatched and "report.dispatched" in out.topics
    out = decide(Status.resolved, Move.close, {Actor.owner}, note="回访满意")
    assert out.leaves_open and out.target == Status.closed


def test_illegal_move_lists_what_is_allowed() -> None:
    with pytest.raises(IllegalMove) as exc:
        decide(Status.closed, Move.accept, {Actor.owner})
    assert exc.value.details["allowed"] == ["reopen"]


def test_wrong_actor_is_forbidden_and_notes_are_required() -> None:
    with pytest.raises(Forbidden):
        decide(Status.resolved, Move.confirm, {Actor.owner})
    with pytest.raises(Invalid):
        decide(Status.submitted, Move.reject, {Actor.owner}, note="  ")


def test_pause_and_resume_flags() -> None:
    assert decide(Status.in_progress, Move.wait, {Actor.owner}, note="楼层?").pauses
    assert decide(Status.waiting, Move.resume, {Actor.reporter}).resumes
    assert decide(Status.closed, Move.not_fixed, {Actor.reporter}, note="漏").enters_open


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(list(Status)), st.sampled_from(list(Move)))
def test_every_answer_is_consistent_with_the_table(status: Status, move: Move) -> None:
    rule = TABLE[move]
    try:
        out = decide(status, move, ALL_ACTORS, note="n")
    except IllegalMove as exc:
        assert status not in rule.sources
        assert move.value not in exc.details["allowed"]
    else:
        assert status in rule.sources and out.target == (rule.target or status)
        assert move.value in allowed_moves(status, ALL_ACTORS)
        assert not (out.leaves_open and out.enters_open)


def test_withdraw_is_the_reporters_and_ends_the_matter_unresolved() -> None:
    out = decide(Status.dispatched, Move.withdraw, {Actor.reporter}, note="已自行修好")
    assert out.target == Status.withdrawn and out.leaves_open
    assert out.topics == ("report.withdrawn", "report.status_changed")
    assert Status.withdrawn in TERMINAL and Status.withdrawn not in OPEN
    with pytest.raises(Invalid):
        decide(Status.accepted, Move.withdraw, {Actor.reporter}, note=" ")
    with pytest.raises(Forbidden):
        decide(Status.accepted, Move.withdraw, {Actor.owner}, note="x")
    for s in (Status.closed, Status.resolved, Status.withdrawn):
        with pytest.raises(IllegalMove):
            decide(s, Move.withdraw, {Actor.reporter}, note="x")


def test_recall_keeps_the_status_until_no_department_is_left() -> None:
    owner = {Actor.owner}
    assert decide(Status.dispatched, Move.recall, owner, "错派", legs_left=1).target == (
        Status.dispatched
    )
    out = decide(Status.dispatched, Move.recall, {Actor.manager}, "错派", legs_left=0)
    assert out.target == Status.accepted and not out.public
    assert out.topics == ("report.recalled", "report.status_changed")
    assert decide(Status.in_progress, Move.recall, owner, "错派", legs_left=0).target == (
        Status.in_progress
    )
    assert not decide(Status.waiting, Move.recall, owner, "错派", legs_left=0).resumes
    with pytest.raises(Forbidden):
        decide(Status.dispatched, Move.recall, {Actor.colleague}, "x", legs_left=0)
    with pytest.raises(IllegalMove):
        decide(Status.closed, Move.recall, owner, "x", legs_left=0)


def test_terminal_states_only_reopen() -> None:
    for s in TERMINAL:
        assert set(allowed_moves(s, ALL_ACTORS)) <= {"reopen", "not_fixed"}
    assert Status.reopened in OPEN


def test_pick_owner_least_load_then_longest_idle() -> None:
    t = datetime(2026, 1, 1, 9)
    c = [Candidate(1, 4, t), Candidate(2, 2, t.replace(hour=10)), Candidate(3, 2, t)]
    assert pick_owner(c) == 3
    assert pick_owner(c, exclude=3) == 2
    assert pick_owner([Candidate(5, 0, None), Candidate(4, 0, t)]) == 5
    assert pick_owner([]) is None
    assert pick_owner([Candidate(1, 0, None)], exclude=1) is None


def test_haversine_and_box() -> None:
    d = haversine_m(31.2304, 121.4737, 31.2304, 121.4747)
    assert 90 < d < 100
    lat0, lat1, lng0, lng1 = bounding_box(31.23, 121.47, 200)
    assert haversine_m(31.23, 121.47, lat1, 121.47) == pytest.approx(200, rel=0.01)
    assert lng0 < 121.47 < lng1
