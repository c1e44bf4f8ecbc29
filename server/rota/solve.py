"""Solving a rota problem: pre-check, CP-SAT with a time limit, explanation of the answer.

A re-solve (``problem.previous`` with ``change_from``) first minimises the number of
changed assignments, then, holding that number, optimises the soft goals.
"""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from server.rota import running
from server.rota.check import violations
from server.rota.explain import conflicting_rules, missed_goals, precheck
from server.rota.greedy import greedy_rota
from server.rota.model import RotaModel
from server.rota.problem import Conflict, Placed, Problem, Solution

_STATUS: dict[cp_model.CpSolverStatus, str] = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "invalid",
    cp_model.UNKNOWN: "unknown",
}


def _solver(p: Problem, limit: float) -> cp_model.CpSolver:
    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = max(0.1, limit)
    s.parameters.num_workers = max(1, p.workers)
    s.parameters.relative_gap_limit = p.gap_limit
    s.parameters.random_seed = 7
    # Coverage and fair shares are near-linear: a full LP relaxation guides one worker
    # to good rotas and tight bounds far sooner than the default search.
    s.parameters.linearization_level = 2
    s.parameters.cp_model_probing_level = 0
    s.parameters.symmetry_level = 0
    s.parameters.polish_lp_solution = True
    if s.parameters.num_workers == 1:
        s.parameters.search_branching = cp_model.LP_SEARCH
    return s


def _placed(rm: RotaModel, solver: cp_model.CpSolver) -> tuple[Placed, ...]:
    return tuple(
        Placed(k[0], k[1], k[2], k[3], trainee=not rm.certified[k])
        for k, v in sorted(rm.x.items())
        if solver.boolean_value(v)
    )


def _hint(rm: RotaModel, keys: set[tuple]) -> None:
    for k, v in rm.x.items():
        rm.m.add_hint(v, k in keys)


def solve(p: Problem) -> Solution:
    started = time.monotonic()
    found = precheck(p)
    if found:
        return Solution("infeasible", seconds=time.monotonic() - started, conflicts=tuple(found))
    rm = RotaModel(p).build()
    changes: int | None = None
    if p.change_from is not None:
        _hint(rm, set(p.previous))
        rm.m.minimize(rm.changes)
        solver = _solver(p, p.time_limit / 2)
        status = running.search(solver, rm.m)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _explain_failure(p, status, started)
        changes = int(solver.objective_value)
        keep = {k for k, v in rm.x.items() if solver.boolean_value(v)}
        rm.m.clear_hints()
        _hint(rm, keep)
        rm.m.add(rm.changes <= changes)
    rm.m.minimize(rm.soft)
    solver = _solver(p, p.time_limit - (time.monotonic() - started))
    status = running.search(solver, rm.m)
    if status == cp_model.UNKNOWN:
        fallback = _fallback(rm, p, started)
        if fallback is not None:
            return fallback
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _explain_failure(p, status, started)
    placed = _placed(rm, solver)
    broken = violations(p, placed)
    if broken:  # the model and the checker disagree: never hand out such a rota
        raise AssertionError(f"solver produced a rota that breaks hard rules: {broken[:3]}")
    return Solution(
        _STATUS[status],
        placed,
        objective=int(solver.objective_value),
        bound=int(solver.best_objective_bound),
        seconds=time.monotonic() - started,
        missed=tuple(missed_goals(p, placed)),
        changes=changes,
        stats={
            "variables": float(len(rm.x)),
            "demands": float(len(rm.demands)),
            **{f"term_{k}": float(solver.value(v)) for k, v in rm.terms.items()},
        },
    )


def _fallback(rm: RotaModel, p: Problem, started: float) -> Solution | None:
    """No rota within the time: offer the constructive one if it meets every hard rule
    (and, for a re-solve, keeps the past), marked so that nobody mistakes it for optimal."""
    keys = greedy_rota(rm)
    placed = tuple(Placed(*k, trainee=not rm.certified[k]) for k in sorted(keys))
    if violations(p, placed):
        return None
    changes = None
    if p.change_from is not None:
        window = {k for k in p.previous if k[1] >= p.change_from}
        changes = len(window ^ {k for k in keys if k[1] >= p.change_from})
    return Solution(
        "feasible",
        placed,
        seconds=time.monotonic() - started,
        missed=tuple(missed_goals(p, placed)),
        changes=changes,
        stats={"variables": float(len(rm.x)), "fallback": 1.0},
    )


def _explain_failure(p: Problem, status: cp_model.CpSolverStatus, started: float) -> Solution:
    elapsed = time.monotonic() - started
    if status == cp_model.INFEASIBLE:
        budget = max(1.0, min(p.time_limit, 10.0))
        found = conflicting_rules(p, budget)
        if not found:
            found = [Conflict("core", "the hard rules cannot all be met together")]
        return Solution("infeasible", seconds=time.monotonic() - started, conflicts=tuple(found))
    return Solution(
        "unknown",
        seconds=elapsed,
        conflicts=(
            Conflict(
                "timeout",
                f"no rota found within {p.time_limit:g} s; allow more time or relax the rules",
            ),
        ),
    )
