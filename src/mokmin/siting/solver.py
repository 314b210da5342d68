"""The injected MILP solver: a one-method protocol, a neutral model, and HiGHS through SciPy as the default.

The siting models build a :class:`MilpModel` (minimise ``c @ x`` subject to ``row_lower <= A x <= row_upper``,
``lower <= x <= upper``, some ``x`` integer) and hand it to any object with the :class:`Solver` method. The
default, :class:`HighsSolver`, calls :func:`scipy.optimize.milp`, i.e. the HiGHS copy vendored inside SciPy.
It deliberately does not use ``highspy`` or ``pulp``: importing pulp loads highspy, and highspy >= 1.15 and
OR-Tools crash in one process (google/or-tools#5246, DESIGN.md). Another backend (CBC, Gurobi, ...) is a class
with the same ``solve`` method; nothing else in :mod:`mokmin.siting` knows which one runs.

Statuses are plain strings so results serialise to JSON as they are:
``optimal`` (proven, within ``mip_rel_gap``), ``time_limit`` (stopped by the limit; ``x`` is the incumbent when
one was found, ``None`` otherwise), ``infeasible``, ``unbounded``, ``error``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

OPTIMAL = "optimal"
TIME_LIMIT = "time_limit"
INFEASIBLE = "infeasible"
UNBOUNDED = "unbounded"
ERROR = "error"


@dataclass(frozen=True)
class MilpModel:
    """``min c @ x  s.t.  row_lower <= a @ x <= row_upper,  lower <= x <= upper,  x[integrality == 1] integer``.

    ``offset`` is a constant added to every reported objective and bound (e.g. demand already covered by
    existing facilities), so relative gaps are measured against the whole objective.
    """

    c: NDArray[np.float64]
    a: sparse.csr_array
    row_lower: NDArray[np.float64]
    row_upper: NDArray[np.float64]
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]
    integrality: NDArray[np.int8]
    offset: float = 0.0

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns) of the constraint matrix."""
        return int(self.a.shape[0]), int(self.a.shape[1])


@dataclass(frozen=True)
class MilpResult:
    """What a solver returns, always in the minimisation sense of the model (``offset`` included)."""

    status: str
    x: NDArray[np.float64] | None
    objective: float  # value of x (inf when there is no x)
    bound: float  # proven lower bound on the optimum (-inf when unknown)
    seconds: float
    message: str = ""
    nodes: int = 0

    @property
    def gap(self) -> float:
        """Relative gap ``(objective - bound) / |objective|``, 0 when proven optimal, inf when unknown."""
        return relative_gap(self.objective, self.bound)


def relative_gap(incumbent: float, bound: float) -> float:
    """``|incumbent - bound| / max(|incumbent|, 1e-9)``; ``inf`` when either side is missing."""
    if not (math.isfinite(incumbent) and math.isfinite(bound)):
        return math.inf
    return max(0.0, abs(incumbent - bound)) / max(abs(incumbent), 1e-9)


@runtime_checkable
class Solver(Protocol):
    """Anything that solves a :class:`MilpModel`. ``time_limit`` in seconds (None: no limit)."""

    def solve(self, model: MilpModel, *, time_limit: float | None = None,
              mip_rel_gap: float = 1e-6) -> MilpResult: ...


class HighsSolver:
    """HiGHS branch-and-cut through :func:`scipy.optimize.milp` (no extra dependency, no highspy).

    SciPy's interface accepts no starting solution and no callbacks, so the siting models pass heuristic
    solutions around it: they keep the better of HiGHS's incumbent and their own, and the tighter bound.
    """

    def __init__(self, *, presolve: bool = True, verbose: bool = False) -> None:
        self.presolve = presolve
        self.verbose = verbose

    def solve(self, model: MilpModel, *, time_limit: float | None = None,
              mip_rel_gap: float = 1e-6) -> MilpResult:
        from scipy.optimize import Bounds, LinearConstraint, milp

        options: dict[str, object] = {"disp": self.verbose, "presolve": self.presolve,
                                      "mip_rel_gap": float(mip_rel_gap)}
        if time_limit is not None:
            options["time_limit"] = max(float(time_limit), 0.01)
        start = time.perf_counter()
        if model.c.size == 0:  # nothing to decide (e.g. a lot that reaches no demand): HiGHS refuses empty models
            bad = bool(np.any(model.row_lower > 0) or np.any(model.row_upper < 0))
            return MilpResult(INFEASIBLE if bad else OPTIMAL, None if bad else np.zeros(0),
                              math.inf if bad else model.offset, model.offset, time.perf_counter() - start)
        constraints = [LinearConstraint(model.a, model.row_lower, model.row_upper)] if model.shape[0] else []
        res = milp(model.c, integrality=model.integrality, bounds=Bounds(model.lower, model.upper),
                   constraints=constraints, options=options)
        seconds = time.perf_counter() - start
        x = None if res.x is None else np.asarray(res.x, dtype=np.float64)
        objective = math.inf if x is None else float(model.c @ x) + model.offset
        raw_bound = getattr(res, "mip_dual_bound", None)
        bound = -math.inf if raw_bound is None or not np.isfinite(raw_bound) else float(raw_bound) + model.offset
        if res.status == 0:
            status = OPTIMAL
            if not math.isfinite(bound):  # LP-only models report no dual bound
                bound = objective
        elif res.status == 1:
            status = TIME_LIMIT
        elif res.status == 2:
            status = INFEASIBLE
        elif res.status == 3:
            status = UNBOUNDED
        else:
            status = ERROR
        nodes = int(getattr(res, "mip_node_count", 0) or 0)
        return MilpResult(status, x, objective, min(bound, objective), seconds, str(res.message), nodes)


def stack_rows(blocks: list[tuple[sparse.coo_array, NDArray[np.float64], NDArray[np.float64]]],
               n_cols: int) -> tuple[sparse.csr_array, NDArray[np.float64], NDArray[np.float64]]:
    """Stack (matrix, lower, upper) row blocks into one CSR matrix with its bound vectors."""
    kept = [b for b in blocks if b[0].shape[0]]
    if not kept:
        empty = np.zeros(0)
        return sparse.csr_array((0, n_cols)), empty, empty
    a = sparse.vstack([sparse.csr_array(m) for m, _, _ in kept], format="csr")
    return (sparse.csr_array(a), np.concatenate([lo for _, lo, _ in kept]),
            np.concatenate([hi for _, _, hi in kept]))


__all__ = ["ERROR", "INFEASIBLE", "OPTIMAL", "TIME_LIMIT", "UNBOUNDED", "HighsSolver", "MilpModel", "MilpResult",
           "Solver", "relative_gap", "stack_rows"]
