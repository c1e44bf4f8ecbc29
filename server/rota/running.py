"""The CP-SAT searches running in this process, so a stopping server can end them at
once (each returns the best rota found so far) instead of waiting out their time limit."""

from __future__ import annotations

import threading

from ortools.sat.python import cp_model

_lock = threading.Lock()
_running: set[cp_model.CpSolver] = set()


def search(solver: cp_model.CpSolver, model: cp_model.CpModel) -> cp_model.CpSolverStatus:
    """``solver.solve(model)``, stoppable from another thread by :func:`stop_all`."""
    with _lock:
        _running.add(solver)
    try:
        return solver.solve(model)
    finally:
        with _lock:
            _running.discard(solver)


def stop_all() -> int:
    """Ask every running search to stop; returns how many were asked. A search that is
    between registering and starting misses the request: callers repeat it until the
    solves they wait for have ended."""
    with _lock:
        solvers = list(_running)
    for s in solvers:
        s.stop_search()
    return len(solvers)
