"""Exact p-median with the radius formulation, lazily grown, after a Lagrangian reduction.

Problem: open ``p`` of the candidates (existing facilities ``F`` stay open) to minimise
``sum_i w_i min_{j open} d_ij``.

Formulation (Elloumi 2010, "A tighter formulation of the p-median problem", J. Comb. Optim.; García, Labbé &
Marín 2011, "Solving large p-median problems with a radius formulation", INFORMS J. Comput.). For client ``i``
let ``D_i^1 < D_i^2 < ... < D_i^{K_i}`` be its distinct distances to the candidates, and ``z_i^k`` (continuous)
stand for "no open facility within ``D_i^k``"::

    min  sum_i w_i ( D_i^1 + sum_{k=1}^{K_i - 1} (D_i^{k+1} - D_i^k) z_i^k )
    s.t. z_i^1 + sum_{j: d_ij = D_i^1} y_j >= 1                        for every client i
         z_i^k - z_i^{k-1} + sum_{j: d_ij = D_i^k} y_j >= 0            for every i and k = 2..K_i - 1
         sum_j y_j = p + |F|,   y_j = 1 (j in F),   y_j in {0, 1},   0 <= z_i^k <= 1

Elloumi writes the constraints cumulatively (``z_i^k + sum_{j: d_ij <= D_i^k} y_j >= 1``); the chained form
above has the same LP relaxation in ``y`` (sum the chain to get the cumulative row; the cumulative optimum
``z_i^k = max(0, 1 - sum y)`` satisfies the chain), with O(n m) instead of O(n m K) non-zeros. Unlike the
classic assignment formulation (``x_ij`` for every pair) it has one variable per distinct distance level, and
its LP bound is at least as tight.

Three reductions keep it small, all exact:

1. **Truncated levels, grown lazily.** Keeping only levels ``k <= T_i`` drops non-negative terms, so the
   truncated model is a relaxation: its optimum is a lower bound and its cost of a solution is
   ``min(true distance, D_i^{T_i + 1})``. ``T_i`` starts at the client's level in the heuristic solution; after
   each solve the clients whose true distance exceeds ``D_i^{T_i + 1}`` get their levels extended. When the
   truncated optimum reaches the best true cost found, that solution is optimal.
2. **Levels no solution needs.** With ``P`` facilities open, the nearest is never farther than the
   ``(m - P + 1)``-th nearest candidate, nor than the nearest facility that must be open.
3. **Lagrangian reduced-cost fixing** (:func:`mokmin.siting.heuristics.reduced_cost_fixing`): candidates that no
   solution cheaper than the heuristic one can open are removed, those it must open are fixed. When the
   Lagrangian bound alone meets the heuristic cost, no MILP is solved at all.

With integral data (OR-Library) the bound is rounded up, so "proven optimal" means gap exactly 0.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from mokmin.errors import ErrorLocation, InputError
from mokmin.siting.heuristics import greedy_median, interchange_median
from mokmin.siting.lagrangian import lagrangian_median, probe_fixing, radius_caps, reduced_cost_fixing
from mokmin.siting.problems import MedianProblem, SiteRow, SitingResult, check_k
from mokmin.siting.solver import INFEASIBLE, OPTIMAL, TIME_LIMIT, HighsSolver, MilpModel, Solver


@dataclass
class _Levels:
    """Per client: candidates sorted by distance (active ones only) and their distinct-distance level (1-based)."""

    order: NDArray[np.int64]  # n x a, candidate indices (into the active list) by distance
    dist: NDArray[np.float64]  # n x a sorted distances
    level: NDArray[np.int64]  # n x a, level of each position
    cap: NDArray[np.int64]  # n, largest T_i a solution (an improving one, when enforced) can need
    enforce: NDArray[np.bool_]  # n, cap proven for improving solutions only: add "open one within level cap+1"

    def tighten(self, first_level: NDArray[np.int64]) -> None:
        """Improving solutions open a facility within level ``first_level``: cap there and enforce it."""
        new = first_level - 1
        self.enforce = self.enforce | (new < self.cap)
        self.cap = np.minimum(self.cap, new)

    def below(self, h: NDArray[np.float64]) -> NDArray[np.int64]:
        """Number of distinct distances strictly below ``h_i`` (a client's level count for distance h)."""
        starts = np.ones_like(self.dist, dtype=bool)
        starts[:, 1:] = self.dist[:, 1:] > self.dist[:, :-1]
        return (starts & (self.dist < h[:, None] - 1e-9)).sum(axis=1)


def _levels(cost: NDArray[np.float64], active: NDArray[np.int64], forced: NDArray[np.bool_], total_open: int
            ) -> _Levels:
    sub = cost[:, active]
    order = np.argsort(sub, axis=1, kind="stable")
    dist = np.take_along_axis(sub, order, axis=1)
    level = np.ones_like(order)
    level[:, 1:] = 1 + np.cumsum(dist[:, 1:] > dist[:, :-1], axis=1)
    n = cost.shape[0]
    levels = _Levels(order, dist, level, np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool))
    limit = dist[:, max(active.size - total_open, 0)]
    if forced.any():
        limit = np.minimum(limit, sub[:, forced].min(axis=1))
    levels.cap = levels.below(limit)
    return levels


def _model(levels: _Levels, t: NDArray[np.int64], w: NDArray[np.float64], free_col: NDArray[np.int64],
           n_free: int, n_pick: int) -> MilpModel:
    """The truncated chained radius model: columns ``[y_free..., z_(i,k)...]``; rows: one per kept level, one
    covering row per enforced cap, the cardinality row."""
    n = t.size
    offsets = np.concatenate([[0], np.cumsum(t)])
    n_z = int(offsets[-1])
    rows_i = np.repeat(np.arange(n), t)
    k_of = np.arange(n_z) - offsets[rows_i] + 1  # level 1..T_i of each z
    # y entries: free candidates at a kept level enter the row of that level
    keep = (levels.level <= t[:, None]) & (free_col[levels.order] >= 0)
    ci, cpos = np.nonzero(keep)
    y_rows = offsets[ci] + levels.level[ci, cpos] - 1
    y_cols = free_col[levels.order[ci, cpos]]
    z_ids = np.arange(n_z)
    chain = k_of >= 2
    r = np.concatenate([y_rows, z_ids, z_ids[chain]])
    c = np.concatenate([y_cols, n_free + z_ids, n_free + z_ids[chain] - 1])
    v = np.concatenate([np.ones(y_rows.size), np.ones(n_z), -np.ones(int(chain.sum()))])
    # covering rows "some facility within level cap_i + 1" for the clients whose cap is proven by the bound
    cover = levels.enforce[:, None] & (levels.level <= levels.cap[:, None] + 1) & (free_col[levels.order] >= 0)
    ei, epos = np.nonzero(cover)
    enforced = np.flatnonzero(levels.enforce)
    cover_row = np.full(n, -1, dtype=np.int64)
    cover_row[enforced] = n_z + np.arange(enforced.size)
    n_rows = n_z + enforced.size + 1
    r = np.concatenate([r, cover_row[ei], np.full(n_free, n_rows - 1)])
    c = np.concatenate([c, free_col[levels.order[ei, epos]], np.arange(n_free)])
    v = np.concatenate([v, np.ones(ei.size), np.ones(n_free)])
    a = sparse.csr_array((v, (r, c)), shape=(n_rows, n_free + n_z))
    lower = np.where(k_of == 1, 1.0, 0.0)
    row_lower = np.concatenate([lower, np.ones(enforced.size), [n_pick]])
    row_upper = np.concatenate([np.full(n_z + enforced.size, np.inf), [n_pick]])
    # objective: w_i (D^{k+1} - D^k) on z_(i,k), D^k read from the flattened distinct distances of each client
    starts = np.ones_like(levels.dist, dtype=bool)
    starts[:, 1:] = levels.dist[:, 1:] > levels.dist[:, :-1]
    distinct = levels.dist[starts]
    first = np.concatenate([[0], np.cumsum(starts.sum(axis=1))[:-1]])
    at = first[rows_i] + k_of - 1
    step = distinct[at + 1] - distinct[at]
    objective = np.concatenate([np.zeros(n_free), w[rows_i] * step])
    offset = float(w @ levels.dist[:, 0])
    integrality = np.concatenate([np.ones(n_free, dtype=np.int8), np.zeros(n_z, dtype=np.int8)])
    return MilpModel(objective, a, row_lower, row_upper, np.zeros(n_free + n_z), np.ones(n_free + n_z),
                     integrality, offset)


def _integral(problem: MedianProblem) -> bool:
    wc = problem.weights[:, None] * problem.cost
    return bool(np.all(wc == np.round(wc)))


@dataclass
class _Search:
    """The incumbent, the proven lower bound and what the reductions did, shared by the steps below."""

    problem: MedianProblem
    p: int
    best: list[int]
    upper: float
    lower: float
    tol: float
    details: dict[str, object]

    @property
    def threshold(self) -> float:
        """Only solutions of cost <= threshold improve on the incumbent (by at least 1 with integral data)."""
        return self.upper - self.tol

    @property
    def solved(self) -> bool:
        return self.lower > self.threshold

    def offer(self, chosen: list[int]) -> None:
        fixed = np.flatnonzero(self.problem.fixed)
        value = self.problem.objective(np.concatenate([fixed, np.asarray(chosen, dtype=np.int64)]).astype(np.int64))
        if value < self.upper - 1e-9:
            self.upper, self.best = value, [int(j) for j in chosen]


@dataclass(frozen=True)
class _Reduction:
    """What the Lagrangian proved: candidates left, those that must open, and reduced costs over the active ones
    (``base`` = sum of multipliers + the forced candidates' reduced costs) for the radius caps."""

    active: NDArray[np.bool_]
    forced: NDArray[np.bool_]
    rho: NDArray[np.float64]
    base: float


def _reduce(search: _Search, iterations: int, probe_limit: int) -> _Reduction | None:
    """Lagrangian bound and heuristic, reduced-cost fixing, probing, then the bound over what is left.

    Returns None when the bound alone proves the incumbent optimal."""
    problem, p = search.problem, search.p
    fixed = np.flatnonzero(problem.fixed)
    sites = np.concatenate([fixed, search.best]).astype(np.int64)
    start = problem.weights * problem.cost[:, sites].min(axis=1)
    lag = lagrangian_median(problem, p, search.upper, iterations=iterations, start=start, stop_at=search.threshold)
    if lag.selected:
        search.offer(interchange_median(problem, list(lag.selected)))
    search.lower = max(search.lower, lag.bound)
    search.details.update(lagrangian=round(lag.bound, 6))
    if search.solved:
        return None
    close, open_ = reduced_cost_fixing(lag, problem.fixed, p, search.threshold)
    active = ~close
    if iterations and 0 < int((active & ~problem.fixed).sum()) <= probe_limit:
        active = probe_fixing(problem, p, search.upper, lag, active, threshold=search.threshold)
    forced = problem.fixed | open_
    search.details.update(removed=int((~active).sum()), forced_open=int(open_.sum()))
    cols = np.flatnonzero(active)
    p_free = p + fixed.size - int(forced[cols].sum())
    if (forced & ~active).any() or p_free < 0 or int((~forced[cols]).sum()) < p_free:
        search.lower = search.upper  # no improving solution can exist
        return None
    sub = MedianProblem(problem.cost[:, cols], problem.weights, forced[cols])
    restricted = lagrangian_median(sub, p_free, search.upper, iterations=iterations, start=lag.multipliers,
                                   stop_at=search.threshold)
    if restricted.bound > search.threshold:
        search.lower = search.upper
        return None
    base = float(restricted.multipliers.sum() + restricted.rho[forced[cols]].sum())
    return _Reduction(active, forced, restricted.rho, base)


def _radius_rounds(search: _Search, reduction: _Reduction, solver: Solver, deadline: float | None, strategy: str
                   ) -> str:
    """Solve the reduced radius model, growing levels until the bound meets the incumbent. Returns the status."""
    problem = search.problem
    fixed = np.flatnonzero(problem.fixed)
    total_open = search.p + fixed.size
    forced_mask = reduction.forced
    active = np.flatnonzero(reduction.active)
    n_pick = total_open - int(forced_mask.sum())
    free_local = np.flatnonzero(~forced_mask[active])
    levels = _levels(problem.cost, active, forced_mask[active], total_open)
    levels.tighten(radius_caps(reduction.rho, reduction.base, levels.order, levels.level, forced_mask[active],
                               n_pick, search.threshold))
    free_col = np.full(active.size, -1, dtype=np.int64)
    free_col[free_local] = np.arange(free_local.size)
    served = problem.cost[:, np.concatenate([fixed, search.best]).astype(np.int64)].min(axis=1)
    lazy = np.minimum(levels.below(served), levels.cap)
    full = int(levels.cap.sum())
    if strategy == "auto":
        strategy = "full" if full <= max(20_000, 3 * int(lazy.sum())) else "lazy"
    t = levels.cap.copy() if strategy == "full" else lazy
    integral = search.tol > 0.5
    search.details.update(strategy=strategy, full_levels=full, enforced=int(levels.enforce.sum()))
    while not search.solved:
        remaining = None if deadline is None else deadline - time.perf_counter()
        if remaining is not None and remaining <= 0:
            return TIME_LIMIT
        model = _model(levels, t, problem.weights, free_col, free_local.size, n_pick)
        gap = min(1e-4, 0.999 / max(search.upper - model.offset, 1.0)) if integral else 1e-9
        res = solver.solve(model, time_limit=remaining, mip_rel_gap=gap)
        search.details.update(rounds=int(search.details.get("rounds", 0)) + 1, levels=int(t.sum()))
        if res.status == INFEASIBLE:
            search.lower = search.upper
            return OPTIMAL
        if res.x is None:
            search.lower = max(search.lower, res.bound)
            return TIME_LIMIT
        picked = active[free_local[np.flatnonzero(res.x[: free_local.size] > 0.5)]]
        sites = np.concatenate([np.flatnonzero(forced_mask), picked]).astype(np.int64)
        search.offer([int(j) for j in sites if not problem.fixed[j]])
        search.lower = max(search.lower, res.objective if res.status == OPTIMAL and integral else res.bound)
        if search.solved:
            break
        if res.status != OPTIMAL:
            return TIME_LIMIT
        need = np.minimum(levels.below(problem.cost[:, sites].min(axis=1) + 1e-9), levels.cap)
        if not (need > t).any():  # the truncated optimum is the true cost: cannot happen below the incumbent
            search.lower = max(search.lower, res.objective)
            break
        t = np.maximum(t, need)
    return OPTIMAL if search.solved else TIME_LIMIT


def solve_pmedian(problem: MedianProblem, p: int, *, solver: Solver | None = None,
                  time_limit: float | None = 600.0, lagrangian_iterations: int = 400, probe_limit: int = 2000,
                  strategy: str = "auto") -> SitingResult:
    """Open ``p`` new candidates minimising weighted distance, proven optimal unless the time limit stops it.

    Returns the best solution found; ``bound`` is a proven lower bound and ``status`` is ``optimal`` or
    ``time_limit``. ``strategy``: ``lazy`` (grow levels), ``full`` (every level a solution can need) or
    ``auto`` (full when that is small). ``details`` records the reductions, levels and rounds.
    ``lagrangian_iterations=0`` switches the Lagrangian reduction off entirely (probing included), so the radius
    MILP alone proves the optimum.
    """
    if problem.capacities is not None:
        from mokmin.siting.capacitated import solve_capacitated_median

        return solve_capacitated_median(problem, p, solver=solver, time_limit=time_limit)
    begin = time.perf_counter()
    deadline = None if time_limit is None else begin + time_limit
    fixed = np.flatnonzero(problem.fixed)
    p = check_k(p, problem.n_candidates - fixed.size)
    if p + fixed.size == 0:
        raise InputError("기존 시설이 없으면 p는 1 이상이어야 합니다", "with no existing facility p must be at least 1",
                         location=ErrorLocation(field="k", value=p))
    integral = _integral(problem)
    best = interchange_median(problem, greedy_median(problem, p)) if p else []
    search = _Search(problem, p, [], math.inf, -math.inf, 0.0, {"rounds": 0})
    search.offer(best)
    search.tol = (1.0 - 1e-6) if integral else 1e-9 * max(1.0, abs(search.upper))
    search.details["heuristic"] = search.upper
    status = OPTIMAL
    if p and p < problem.n_candidates - fixed.size:
        reduction = _reduce(search, lagrangian_iterations, probe_limit)
        if reduction is not None and not search.solved:
            status = _radius_rounds(search, reduction, solver or HighsSolver(), deadline, strategy)
    else:
        search.lower = search.upper
    lower = float(math.ceil(search.lower - 1e-6)) if integral and math.isfinite(search.lower) else search.lower
    if status == OPTIMAL or lower >= search.upper:
        status, lower = OPTIMAL, search.upper
    sites_all = np.concatenate([fixed, np.asarray(search.best, dtype=np.int64)]).astype(np.int64)
    nearest = sites_all[np.argmin(problem.cost[:, sites_all], axis=1)] if sites_all.size else None
    return SitingResult("p_median", "min", tuple(_rank(problem, search.best)), tuple(int(j) for j in fixed),
                        float(search.upper), float(lower), status, "exact", time.perf_counter() - begin,
                        float(problem.weights.sum()), sites=tuple(median_rows(problem, search.best, nearest)),
                        assignment=nearest, details=search.details)


def _rank(problem: MedianProblem, chosen: list[int]) -> list[int]:
    """The chosen sites in greedy order: each next one lowers the cost most given the ones before it."""
    fixed = np.flatnonzero(problem.fixed)
    near = problem.cost[:, fixed].min(axis=1) if fixed.size else np.full(problem.n_demand, np.inf)
    left, order = list(chosen), []
    while left:
        totals = [float(problem.weights @ np.minimum(near, problem.cost[:, j])) for j in left]
        j = left.pop(int(np.argmin(totals)))
        order.append(j)
        near = np.minimum(near, problem.cost[:, j])
    return order


def median_rows(problem: MedianProblem, chosen: list[int], nearest: NDArray[np.int64] | None) -> list[SiteRow]:
    """Per open site: greedy rank (existing first), the cost saved at its turn, and the demand it serves.

    The first site of a problem without existing facilities has nothing to be compared with: its gain is 0.
    """
    fixed = [int(j) for j in np.flatnonzero(problem.fixed)]
    order = fixed + _rank(problem, chosen)
    near = np.full(problem.n_demand, np.inf)
    rows = []
    for rank, j in enumerate(order):
        before = float(problem.weights @ near) if np.isfinite(near).all() else math.nan
        near = np.minimum(near, problem.cost[:, j])
        after = float(problem.weights @ near)
        gain = before - after if math.isfinite(before) else 0.0
        load = float(problem.weights[nearest == j].sum()) if nearest is not None else 0.0
        cap = None if problem.capacities is None else float(problem.capacities[j])
        rows.append(SiteRow(j, j in fixed, rank, gain, load, load, cap))
    return rows


__all__ = ["median_rows", "solve_pmedian"]
