"""Capacitated siting for public parking lots: covering within walking distance, and the p-median variant.

**Capacitated maximal covering.** Demand ``i`` (chronic parking demand: long-duration and night-time
violations, complaints; in cars) may use lot ``j`` only within walking distance (``covers[i, j] = 1``); a lot
holds at most ``cap_j`` cars. ``z_ij`` is the demand of ``i`` served at ``j``, ``x_j = 1`` builds lot ``j``,
existing lots ``F`` stay open::

    max  sum_{(i,j) in E} z_ij
    s.t. sum_j z_ij <= w_i                    every demand point i (served at most once)
         sum_i z_ij <= cap_j x_j              every candidate j (capacity, only if built)
         z_ij <= w_i x_j                      every pair (valid; tightens the LP relaxation)
         sum_{j not in F} x_j <= k,  x_j = 1 (j in F),  x binary,  z >= 0

**Capacitated p-median.** Every demand is assigned (fractions ``z_ij``) to open lots, capacities respected,
minimising walked distance x demand; demand that no open lot can hold is "unserved" at a penalty per car
(default: twice the largest distance), so the model is always feasible and the shortfall is visible::

    min  sum_ij w_i d_ij z_ij + P sum_i w_i u_i
    s.t. sum_j z_ij + u_i = 1                 every demand point i
         sum_i w_i z_ij <= cap_j y_j          every candidate j
         z_ij <= y_j,   sum_{j not in F} y_j = p,   y_j = 1 (j in F),   y binary,   z, u >= 0

Both go to the injected solver as they are (they are small after aggregating demand to cells). When the time
limit stops it, the result is the better of its incumbent's lots and the greedy lots, each re-assigned by an LP,
with the solver's bound (and for covering the greedy covering bound): a time limit never leaves the user without
lots. Without
capacities the covering model is the MCLP (:func:`mokmin.siting.coverage.solve_mclp`) and the median model the
radius formulation (:func:`mokmin.siting.pmedian.solve_pmedian`).
"""

from __future__ import annotations

import time

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from mokmin.errors import ErrorLocation, InputError
from mokmin.siting.coverage import _pad, solve_mclp
from mokmin.siting.heuristics import greedy_cover
from mokmin.siting.problems import CoverageProblem, MedianProblem, SiteRow, SitingResult, check_k
from mokmin.siting.solver import OPTIMAL, TIME_LIMIT, HighsSolver, MilpModel, MilpResult, Solver, stack_rows

MAX_PAIRS = 5_000_000


def _fixed_x(n_cand: int, fixed: NDArray[np.bool_]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Column of each free candidate's x (-1 for fixed) and the free candidates."""
    free = np.flatnonzero(~fixed)
    col = np.full(n_cand, -1, dtype=np.int64)
    col[free] = np.arange(free.size)
    return col, free


def capacitated_cover_model(problem: CoverageProblem, k: int, *, integral: bool = True) -> MilpModel:
    """The covering model above; columns ``[x_free..., z_e...]`` with ``e`` the covered pairs in CSR order."""
    cap = problem.capacities
    assert cap is not None
    pairs = sparse.coo_array(problem.covers)
    keep = problem.weights[pairs.row] > 0
    di, cj = pairs.row[keep], pairs.col[keep]
    xcol, free = _fixed_x(problem.n_candidates, problem.fixed)
    n_x, n_z = free.size, di.size
    e = np.arange(n_z)
    # demand rows: sum_j z_ij <= w_i
    demand = sparse.coo_array((np.ones(n_z), (di, n_x + e)), shape=(problem.n_demand, n_x + n_z))
    # capacity rows: sum_i z_ij - cap_j x_j <= 0 (free), <= cap_j (fixed)
    is_free = xcol >= 0
    cr = np.concatenate([cj, free])
    cc = np.concatenate([n_x + e, np.arange(n_x)])
    cv = np.concatenate([np.ones(n_z), -cap[free]])
    capacity = sparse.coo_array((cv, (cr, cc)), shape=(problem.n_candidates, n_x + n_z))
    cap_upper = np.where(is_free, 0.0, cap)
    # pair rows: z_ij - w_i x_j <= 0 for free j
    pf = np.flatnonzero(is_free[cj])
    link = sparse.coo_array((np.concatenate([np.ones(pf.size), -problem.weights[di[pf]]]),
                             (np.concatenate([np.arange(pf.size)] * 2), np.concatenate([n_x + pf, xcol[cj[pf]]]))),
                            shape=(pf.size, n_x + n_z))
    card = sparse.coo_array((np.ones(n_x), (np.zeros(n_x, dtype=np.int64), np.arange(n_x))), shape=(1, n_x + n_z))
    inf = np.inf
    a, lo, hi = stack_rows([(demand, np.full(problem.n_demand, -inf), problem.weights),
                            (capacity, np.full(problem.n_candidates, -inf), cap_upper),
                            (link, np.full(pf.size, -inf), np.zeros(pf.size)),
                            (card, np.array([-inf]), np.array([float(k)]))], n_x + n_z)
    c = np.concatenate([np.zeros(n_x), -np.ones(n_z)])
    upper = np.concatenate([np.ones(n_x), problem.weights[di]])
    integrality = np.concatenate([np.full(n_x, 1 if integral else 0, dtype=np.int8), np.zeros(n_z, dtype=np.int8)])
    return MilpModel(c, a, lo, hi, np.zeros(n_x + n_z), upper, integrality)


def solve_capacitated_cover(problem: CoverageProblem, k: int, *, solver: Solver | None = None,
                            time_limit: float | None = 60.0, mip_rel_gap: float = 1e-6) -> SitingResult:
    """Choose ``k`` new lots maximising served demand within walking distance, capacities respected."""
    if problem.capacities is None:
        return solve_mclp(problem, k, solver=solver, time_limit=time_limit, mip_rel_gap=mip_rel_gap)
    begin = time.perf_counter()
    k = check_k(k, int((~problem.fixed).sum()))
    solver = solver or HighsSolver()
    model = capacitated_cover_model(problem, k)
    res = solver.solve(model, time_limit=time_limit, mip_rel_gap=mip_rel_gap)
    if res.status != OPTIMAL:
        res = _best_known_cover(problem, k, solver, res, model.shape[1])
    _, free = _fixed_x(problem.n_candidates, problem.fixed)
    chosen = [int(j) for j in free[res.x[: free.size] > 0.5]]
    pairs = sparse.coo_array(problem.covers)
    keep = problem.weights[pairs.row] > 0
    flow = sparse.coo_array((res.x[free.size:], (pairs.row[keep], pairs.col[keep])), shape=problem.covers.shape)
    value = -res.objective
    bound = max(-res.bound, value)
    rows = _cover_rows(problem, chosen, flow, solver)
    main = np.asarray(sparse.csr_array(flow).argmax(axis=1)).ravel()
    served = np.asarray(flow.sum(axis=1)).ravel() > 1e-9
    assignment = np.where(served, main, -1).astype(np.int64)
    status = OPTIMAL if res.status == OPTIMAL else TIME_LIMIT
    return SitingResult("capacitated_cover", "max", tuple(r.index for r in rows if not r.fixed),
                        tuple(int(j) for j in np.flatnonzero(problem.fixed)), value, value if status == OPTIMAL
                        else bound, status, "exact", time.perf_counter() - begin, float(problem.weights.sum()),
                        _served(problem, np.flatnonzero(problem.fixed), solver), tuple(rows), assignment,
                        {"solver_seconds": round(res.seconds, 3), "nodes": res.nodes})


def _best_known_cover(problem: CoverageProblem, k: int, solver: Solver, stopped: MilpResult, width: int
                      ) -> MilpResult:
    """The solver stopped at its limit: the better of its incumbent's lots (if any) and the greedy covering lots,
    each with its best assignment (an LP: an early incumbent's flows can serve far less than its lots can), in
    the model's column layout. Served demand never exceeds uncapacitated coverage, so the greedy covering bound
    holds beside the solver's."""
    greedy = greedy_cover(problem, k)
    _, free = _fixed_x(problem.n_candidates, problem.fixed)
    options = [_pad(problem, list(greedy.order), k)]
    if stopped.x is not None:
        options.append([int(j) for j in free[stopped.x[: free.size] > 0.5]])
    results = [solver.solve(capacitated_cover_model(CoverageProblem(
        problem.covers, problem.weights, _opened(problem.fixed, sites), problem.capacities), 0, integral=False))
        for sites in options]
    pos = int(np.argmin([lp.objective for lp in results]))
    lp, sites = results[pos], options[pos]
    assert lp.x is not None, "the transportation LP is always feasible (serve nothing)"
    x = np.concatenate([np.isin(free, sites).astype(np.float64), lp.x[lp.x.size - (width - free.size):]])
    upper = min(float(greedy.bounds[min(k, greedy.bounds.size - 1)]), -stopped.bound)
    return MilpResult(TIME_LIMIT, x, lp.objective, -upper, stopped.seconds, "best known", stopped.nodes)


def _opened(fixed: NDArray[np.bool_], sites: list[int]) -> NDArray[np.bool_]:
    """``fixed`` with ``sites`` opened too: a model built with it has no integer columns left."""
    opened = fixed.copy()
    opened[np.asarray(sites, dtype=np.int64)] = True
    return opened


def _served(problem: CoverageProblem, sites: NDArray[np.int64], solver: Solver) -> float:
    """Demand the given open lots can serve (a transportation LP; 0 for no lots)."""
    if sites.size == 0:
        return 0.0
    only = np.zeros(problem.n_candidates, dtype=bool)
    only[sites] = True
    sub = CoverageProblem(sparse.csr_array(problem.covers[:, sites]), problem.weights, np.ones(sites.size, bool),
                          None if problem.capacities is None else problem.capacities[sites])
    res = solver.solve(capacitated_cover_model(sub, 0, integral=False))
    return float(-res.objective) if res.x is not None else 0.0


def _cover_rows(problem: CoverageProblem, chosen: list[int], flow: sparse.coo_array, solver: Solver
                ) -> list[SiteRow]:
    """Existing lots first, then the new ones by greedy re-ranking: each adds the most served demand (an LP per
    trial, on the open lots only). ``load``: demand served at the lot in the optimal assignment."""
    load = np.asarray(sparse.csr_array(flow).sum(axis=0)).ravel()
    reach = sparse.csr_array(problem.covers.T) @ problem.weights
    cap = problem.capacities
    order = [int(j) for j in np.flatnonzero(problem.fixed)]
    rows, current = [], 0.0
    for rank, j in enumerate(order):
        value = _served(problem, np.asarray(order[: rank + 1]), solver)
        rows.append(SiteRow(j, True, rank, value - current, float(reach[j]), float(load[j]),
                            None if cap is None else float(cap[j])))
        current = value
    left = list(chosen)
    while left:
        trials = [_served(problem, np.asarray([*order, j]), solver) for j in left]
        pos = int(np.argmax(trials))
        j = left.pop(pos)
        order.append(j)
        rows.append(SiteRow(j, False, len(rows), trials[pos] - current, float(reach[j]), float(load[j]),
                            None if cap is None else float(cap[j])))
        current = trials[pos]
    return rows


def capacitated_median_model(problem: MedianProblem, p: int, penalty: float, *, integral: bool = True) -> MilpModel:
    """The capacitated p-median model above; columns ``[y_free..., z_ij (row-major)..., u_i...]``
    (``integral=False``: its LP relaxation)."""
    assert problem.capacities is not None
    n, m = problem.cost.shape
    cap, w = problem.capacities, problem.weights
    xcol, free = _fixed_x(m, problem.fixed)
    ny = free.size
    zi, zj = np.divmod(np.arange(n * m), m)
    nz = n * m
    zc = ny + np.arange(nz)
    uc = ny + nz + np.arange(n)
    width = ny + nz + n
    assign = sparse.coo_array((np.ones(nz + n), (np.concatenate([zi, np.arange(n)]), np.concatenate([zc, uc]))),
                              shape=(n, width))
    cr = np.concatenate([zj, free])
    cc = np.concatenate([zc, np.arange(ny)])
    capacity = sparse.coo_array((np.concatenate([w[zi], -cap[free]]), (cr, cc)), shape=(m, width))
    pf = np.flatnonzero(xcol[zj] >= 0)
    link = sparse.coo_array((np.concatenate([np.ones(pf.size), -np.ones(pf.size)]),
                             (np.concatenate([np.arange(pf.size)] * 2), np.concatenate([zc[pf], xcol[zj[pf]]]))),
                            shape=(pf.size, width))
    card = sparse.coo_array((np.ones(ny), (np.zeros(ny, dtype=np.int64), np.arange(ny))), shape=(1, width))
    inf = np.inf
    a, lo, hi = stack_rows([(assign, np.ones(n), np.ones(n)),
                            (capacity, np.full(m, -inf), np.where(xcol >= 0, 0.0, cap)),
                            (link, np.full(pf.size, -inf), np.zeros(pf.size)),
                            (card, np.array([float(p)]), np.array([float(p)]))], width)
    c = np.concatenate([np.zeros(ny), (w[:, None] * problem.cost).ravel(), w * penalty])
    integrality = np.concatenate([np.full(ny, 1 if integral else 0, dtype=np.int8), np.zeros(nz + n, dtype=np.int8)])
    return MilpModel(c, a, lo, hi, np.zeros(width), np.ones(width), integrality)


def _best_known_median(problem: MedianProblem, p: int, penalty: float, solver: Solver, stopped: MilpResult
                       ) -> MilpResult:
    """The solver stopped at its limit: the better of its incumbent's lots (if any) and the uncapacitated greedy +
    interchange lots, each with its best assignment (an LP, always feasible thanks to the unserved slack). Costs
    are >= 0, so 0 is a lower bound when the solver proved none."""
    from mokmin.siting.heuristics import greedy_median, interchange_median

    _, free = _fixed_x(problem.n_candidates, problem.fixed)
    options = [interchange_median(problem, greedy_median(problem, p)) if p else []]
    if stopped.x is not None:
        options.append([int(j) for j in free[stopped.x[: free.size] > 0.5]])
    results = [solver.solve(capacitated_median_model(MedianProblem(
        problem.cost, problem.weights, _opened(problem.fixed, sites), problem.capacities), 0, penalty,
        integral=False)) for sites in options]
    pos = int(np.argmin([lp.objective for lp in results]))
    lp, sites = results[pos], options[pos]
    assert lp.x is not None, "the assignment LP is always feasible (leave demand unserved)"
    flows = lp.x[lp.x.size - problem.cost.size - problem.n_demand:]  # z and u: the same columns in both models
    x = np.concatenate([np.isin(free, sites).astype(np.float64), flows])
    return MilpResult(TIME_LIMIT, x, lp.objective, min(max(stopped.bound, 0.0), lp.objective), stopped.seconds,
                      "best known", stopped.nodes)


def solve_capacitated_median(problem: MedianProblem, p: int, *, solver: Solver | None = None,
                             time_limit: float | None = 60.0, mip_rel_gap: float = 1e-6,
                             unserved_penalty: float | None = None) -> SitingResult:
    """Open ``p`` new lots minimising demand-weighted distance with capacities (see the module docstring)."""
    from mokmin.siting.pmedian import median_rows, solve_pmedian

    if problem.capacities is None:
        return solve_pmedian(problem, p, solver=solver, time_limit=time_limit)
    begin = time.perf_counter()
    n, m = problem.cost.shape
    if n * m > MAX_PAIRS:
        raise InputError(f"수요 {n} x 후보 {m} 쌍은 너무 많습니다. 수요를 격자로 묶으십시오",
                         f"{n} demand x {m} candidates is too many pairs; aggregate demand to grid cells",
                         location=ErrorLocation(field="demand", value=n))
    p = check_k(p, int((~problem.fixed).sum()))
    penalty = float(unserved_penalty if unserved_penalty is not None else 2 * problem.cost.max(initial=1.0))
    model = capacitated_median_model(problem, p, penalty)
    ny = int((~problem.fixed).sum())
    nz = n * m
    w = problem.weights
    solver = solver or HighsSolver()
    res = solver.solve(model, time_limit=time_limit, mip_rel_gap=mip_rel_gap)
    if res.status != OPTIMAL:
        res = _best_known_median(problem, p, penalty, solver, res)
    _, free = _fixed_x(m, problem.fixed)
    chosen = [int(j) for j in free[res.x[:ny] > 0.5]]
    z = res.x[ny:ny + nz].reshape(n, m)
    unserved = float(w @ res.x[ny + nz:])
    assignment = np.where(z.max(axis=1) > 1e-9, z.argmax(axis=1), -1).astype(np.int64)
    rows = median_rows(problem, chosen, assignment)
    loads = w @ z
    rows = [SiteRow(r.index, r.fixed, r.rank, r.marginal_gain, r.reach, float(loads[r.index]), r.capacity)
            for r in rows]
    status = OPTIMAL if res.status == OPTIMAL else TIME_LIMIT
    return SitingResult("capacitated_p_median", "min", tuple(r.index for r in rows if not r.fixed),
                        tuple(int(j) for j in np.flatnonzero(problem.fixed)), res.objective,
                        res.objective if status == OPTIMAL else res.bound, status, "exact",
                        time.perf_counter() - begin, float(w.sum()), sites=tuple(rows), assignment=assignment,
                        details={"unserved_demand": unserved, "unserved_penalty": penalty,
                                 "solver_seconds": round(res.seconds, 3)})


__all__ = ["capacitated_cover_model", "solve_capacitated_cover", "solve_capacitated_median"]
