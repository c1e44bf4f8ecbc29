"""The solver on its own: every rota it hands out meets every hard rule, impossible
requests are explained slot by slot or by the clashing rules, and a re-solve after
sickness keeps the rules and changes little."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from server.rota.check import violations
from server.rota.explain import precheck
from server.rota.problem import Opening, PostSpec, Problem, ShiftSpec, StaffSpec
from server.rota.solve import solve

MONDAY = date(2026, 11, 30)
SINCE = date(2025, 1, 1)
H = 60


def shifts_standard() -> tuple[ShiftSpec, ...]:
    return (
        ShiftSpec(1, "early", 8 * H, 16 * H + 30, 60, frozenset(range(5))),
        ShiftSpec(2, "late", 11 * H + 30, 20 * H, 60, frozenset(range(5))),
        ShiftSpec(3, "weekend", 9 * H, 17 * H, 60, frozenset({5, 6})),
    )


def certified(*posts: int) -> dict[int, tuple[date, date | None]]:
    return {p: (SINCE, None) for p in posts}


@st.composite
def communities(draw: st.DrawFn, generous: bool = False) -> Problem:
    """Random small communities; ``generous`` ones have staff enough to be solvable mostly."""
    n_posts = draw(st.integers(1, 3))
    starts = [8 * H, 8 * H + 30, 9 * H, 11 * H + 30, 13 * H]
    ends = [12 * H, 16 * H, 16 * H + 30, 17 * H, 19 * H + 30, 20 * H]
    posts = []
    for pid in range(1, n_posts + 1):
        openings = []
        for wd in range(7):
            if draw(st.booleans()):
                s = draw(st.sampled_from(starts))
                e = draw(st.sampled_from([x for x in ends if x > s]))
                if wd >= 5:
                    s, e = max(s, 9 * H), min(e, 17 * H)
                    if s >= e:
                        continue
                openings.append(Opening(wd, s, e, 1 if generous else draw(st.integers(1, 2))))
        posts.append(PostSpec(pid, f"岗位{pid}", tuple(openings)))
    shifts = shifts_standard()
    if draw(st.booleans()):
        # A late-night shift that clashes with next morning's early under the 11 h rule.
        shifts = (*shifts, ShiftSpec(4, "night", 14 * H, 22 * H, 30, frozenset(range(5))))
    n_staff = draw(st.integers(6, 9) if generous else st.integers(3, 8))
    days = 7 * draw(st.integers(1, 2))
    staff = []
    for sid in range(1, n_staff + 1):
        least = n_posts if generous and sid <= 4 else 0
        certs = draw(st.sets(st.integers(1, n_posts), min_size=least, max_size=n_posts))
        leave = draw(st.sets(st.integers(0, days - 1), max_size=1 if generous else 3))
        staff.append(
            StaffSpec(
                100 + sid,
                f"社工{sid}",
                certified(*certs),
                max_minutes_week=draw(st.sampled_from([32, 40] if generous else [24, 32, 40])) * H,
                leave=frozenset(MONDAY + timedelta(days=d) for d in leave),
                avoid_weekdays=frozenset(draw(st.sets(st.integers(0, 6), max_size=2))),
            )
        )
    return Problem(MONDAY, days, tuple(posts), shifts, tuple(staff), time_limit=3.0, workers=1)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.booleans().flatmap(lambda generous: communities(generous=generous)))
def test_every_rota_meets_every_hard_rule(problem: Problem) -> None:
    sol = solve(problem)
    event(sol.status)
    if sol.ok:
        assert violations(problem, sol.assignments) == []
        for a in sol.assignments:
            person = problem.person(a.staff_id)
            assert a.day not in person.leave
            assert a.trainee == (not person.certified_on(a.post_id, a.day))
    elif sol.status == "infeasible":
        assert sol.conflicts
        for c in sol.conflicts:
            if c.kind == "coverage" and c.available is not None:
                # A named slot really is short: fewer certified people than needed.
                assert c.available < (c.need or 0)


def test_generous_community_is_always_solved() -> None:
    posts = (
        PostSpec(1, "综合受理", tuple(Opening(d, 8 * H + 30, 19 * H + 30) for d in range(5))),
        PostSpec(2, "为老服务", tuple(Opening(d, 8 * H + 30, 16 * H + 30) for d in range(5))),
    )
    staff = tuple(StaffSpec(i, f"s{i}", certified(1, 2)) for i in range(1, 7))
    p = Problem(MONDAY, 14, posts, shifts_standard(), staff, time_limit=5.0)
    sol = solve(p)
    assert sol.ok and violations(p, sol.assignments) == []
    late = {a.staff_id: 0 for a in sol.assignments}
    for a in sol.assignments:
        late[a.staff_id] += a.shift_id == 2
    assert max(late.values()) - min(late.values()) <= 1


def test_infeasible_names_the_slot() -> None:
    posts = (
        PostSpec(
            1,
            "为老服务",
            (Opening(0, 9 * H, 16 * H), Opening(5, 9 * H, 17 * H)),
        ),
    )
    saturday = MONDAY + timedelta(days=5)
    staff = (
        StaffSpec(1, "甲", certified(1), leave=frozenset({saturday})),
        StaffSpec(2, "乙", {}),
    )
    sol = solve(Problem(MONDAY, 7, posts, shifts_standard(), staff, time_limit=2.0))
    assert sol.status == "infeasible"
    assert [c.message for c in sol.conflicts] == [
        "Sat 2026-12-05 weekend, 为老服务: needs 1 certified, 0 available"
    ]
    assert sol.conflicts[0].day == saturday and sol.conflicts[0].post_id == 1


def test_uncovered_opening_is_named() -> None:
    posts = (PostSpec(1, "综合受理", (Opening(2, 19 * H, 21 * H),)),)
    staff = (StaffSpec(1, "甲", certified(1)),)
    found = precheck(Problem(MONDAY, 7, posts, shifts_standard(), staff))
    assert found[0].kind == "no_shift"
    assert found[0].message.startswith("Wed 2026-12-02 20:00–21:00, 综合受理")


def test_subtle_clash_is_traced_to_the_rest_rule() -> None:
    """Each slot alone has someone certified; only the 11 h rest makes it impossible."""
    shifts = (
        ShiftSpec(1, "night", 14 * H, 22 * H, 0, frozenset({0})),
        ShiftSpec(2, "dawn", 7 * H, 15 * H, 0, frozenset({1})),
    )
    posts = (PostSpec(1, "值班", (Opening(0, 18 * H, 22 * H), Opening(1, 7 * H, 10 * H))),)
    staff = (StaffSpec(1, "甲", certified(1)), StaffSpec(2, "乙", {}))
    p = Problem(MONDAY, 2, posts, shifts, staff, time_limit=3.0)
    assert precheck(p) == []
    sol = solve(p)
    assert sol.status == "infeasible"
    kinds = {c.kind for c in sol.conflicts}
    assert "rest" in kinds
    rest = next(c for c in sol.conflicts if c.kind == "rest")
    assert rest.staff_id == 1 and "甲" in rest.message
    assert any(c.kind == "coverage" and c.day == MONDAY for c in sol.conflicts)


def test_subtle_clash_is_traced_to_max_hours() -> None:
    posts = (PostSpec(1, "综合受理", tuple(Opening(d, 9 * H, 16 * H) for d in range(5))),)
    staff = (StaffSpec(1, "甲", certified(1), max_minutes_week=16 * H), StaffSpec(2, "乙", {}))
    sol = solve(Problem(MONDAY, 7, posts, shifts_standard(), staff, time_limit=3.0))
    assert sol.status == "infeasible"
    assert any(c.kind == "max_hours" and c.staff_id == 1 for c in sol.conflicts)


def test_trainee_only_beside_a_certified_colleague() -> None:
    posts = (PostSpec(1, "社会救助", tuple(Opening(d, 9 * H, 16 * H) for d in range(5))),)
    staff = (StaffSpec(1, "师傅", certified(1)), StaffSpec(2, "新人", {}))
    p = Problem(MONDAY, 7, posts, shifts_standard(), staff, time_limit=3.0)
    sol = solve(p)
    assert sol.ok
    by_day = {}
    for a in sol.assignments:
        by_day.setdefault((a.day, a.shift_id), []).append(a)
    for cell in by_day.values():
        if any(a.trainee for a in cell):
            assert any(not a.trainee for a in cell)


def test_resolve_after_sickness_changes_little() -> None:
    posts = (
        PostSpec(1, "综合受理", tuple(Opening(d, 8 * H + 30, 19 * H + 30) for d in range(5))),
        PostSpec(
            2,
            "为老服务",
            (*(Opening(d, 8 * H + 30, 16 * H + 30) for d in range(5)), Opening(5, 9 * H, 17 * H)),
        ),
    )
    staff = tuple(StaffSpec(i, f"s{i}", certified(1, 2)) for i in range(1, 8))
    p = Problem(MONDAY, 14, posts, shifts_standard(), staff, time_limit=5.0)
    first = solve(p)
    assert first.ok
    sick_id = first.assignments[0].staff_id
    change_from = MONDAY + timedelta(days=3)
    sick_days = {change_from + timedelta(days=i) for i in range(4)}
    theirs = [a for a in first.assignments if a.staff_id == sick_id and a.day in sick_days]
    ill = tuple(replace(s, leave=s.leave | sick_days) if s.id == sick_id else s for s in p.staff)
    again = solve(
        replace(
            p,
            staff=ill,
            previous=frozenset(a.key for a in first.assignments),
            change_from=change_from,
        )
    )
    assert again.ok
    assert violations(replace(p, staff=ill), again.assignments) == []
    before = {a.key for a in first.assignments}
    after = {a.key for a in again.assignments}
    assert {k for k in before if k[1] < change_from} == {k for k in after if k[1] < change_from}
    # Each lost shift is handed to someone else: one removal and one addition each.
    assert again.changes == len(before ^ after) <= 2 * len(theirs)


def test_missed_soft_goals_are_reported_with_their_size() -> None:
    """Only 甲 may serve on Saturdays, though 甲 asked not to: the preference is missed."""
    posts = (PostSpec(1, "为老服务", (Opening(5, 9 * H, 17 * H), Opening(0, 9 * H, 16 * H))),)
    staff = (
        StaffSpec(1, "甲", certified(1), avoid_weekdays=frozenset({5})),
        StaffSpec(2, "乙", certified()),
    )
    sol = solve(Problem(MONDAY, 7, posts, shifts_standard(), staff, time_limit=3.0))
    assert sol.ok
    missed = {m.goal: m for m in sol.missed}
    assert missed["preference"].actual == 1
    assert missed["preference"].details == ("甲: Sat 2026-12-05 weekend",)


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(communities(generous=True), st.data())
def test_resolve_keeps_rules_and_the_past(problem: Problem, data: st.DataObject) -> None:
    first = solve(problem)
    if not first.ok or not first.assignments:
        return
    sick = data.draw(st.sampled_from(sorted({a.staff_id for a in first.assignments})))
    change_from = problem.start + timedelta(days=data.draw(st.integers(0, problem.days - 1)))
    days = {change_from + timedelta(days=i) for i in range(data.draw(st.integers(1, 4)))}
    ill = tuple(replace(s, leave=s.leave | days) if s.id == sick else s for s in problem.staff)
    p2 = replace(
        problem,
        staff=ill,
        previous=frozenset(a.key for a in first.assignments),
        change_from=change_from,
    )
    again = solve(p2)
    event(again.status)
    if not again.ok:
        assert again.conflicts
        return
    assert violations(p2, again.assignments) == []
    before = {a.key for a in first.assignments}
    after = {a.key for a in again.assignments}
    assert {k for k in before if k[1] < change_from} == {k for k in after if k[1] < change_from}
    assert not any(k[0] == sick and k[1] in days for k in after)
    lost = sum(1 for k in before if k[0] == sick and k[1] in days)
    assert lost <= again.changes == len(before ^ after)


def test_constructive_fallback_meets_every_hard_rule() -> None:
    """The rota offered when the solver finds none in its time is checked, not trusted."""
    from bench.rota_bench import community
    from server.rota.greedy import greedy_rota
    from server.rota.model import RotaModel
    from server.rota.problem import Placed

    p = community(3, MONDAY)
    rm = RotaModel(p).build()
    keys = greedy_rota(rm)
    placed = [Placed(*k, trainee=not rm.certified[k]) for k in keys]
    assert keys and violations(p, placed) == []
    starved = solve(replace(p, time_limit=0.1))
    assert starved.ok and violations(p, starved.assignments) == []
    if starved.stats.get("fallback"):
        assert starved.objective is None and starved.status == "feasible"
