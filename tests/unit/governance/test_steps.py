"""Step templates per project kind and the board's next / stuck view."""

from __future__ import annotations

from datetime import date, timedelta

from server.domain.governance.steps import TEMPLATES, ProjectKind, StepState, progress

START = date(2026, 3, 2)


def test_the_lift_needs_consent_design_approvals_permit_and_acceptance() -> None:
    codes = [s.code for s in TEMPLATES[ProjectKind.lift]]
    for needed in ("consent", "design", "planning", "housing", "permit", "acceptance"):
        assert needed in codes
    assert codes.index("consent") < codes.index("design") < codes.index("permit")
    assert all(s.office and s.stamp and s.days > 0 for t in TEMPLATES.values() for s in t)
    assert set(TEMPLATES) == set(ProjectKind)


def _steps(*done: date | None) -> list[StepState]:
    return [StepState(i, 10, on) for i, on in enumerate(done, start=1)]


def test_next_is_the_first_step_not_done_and_waits_from_the_last_one_done() -> None:
    steps = _steps(START + timedelta(days=3), None, None)
    p = progress(steps, START, START + timedelta(days=13))
    assert (p.done, p.total, p.next_position, p.waiting_since) == (1, 3, 2, START + timedelta(3))
    assert p.days_waiting == 10 and not p.stuck  # its usual 10 days, not more
    assert progress(steps, START, START + timedelta(days=14)).stuck


def test_a_project_not_started_is_never_stuck_and_a_finished_one_has_no_next() -> None:
    assert not progress(_steps(None), None, START + timedelta(days=400)).stuck
    p = progress(_steps(START, START), START, START + timedelta(days=400))
    assert p.next_position is None and not p.stuck and p.done == 2
