"""Lagrangian bounds for the p-median and the reductions they prove (used by :mod:`.pmedian`).

Relaxing the assignment constraints ``sum_j x_ij = 1`` of the classic formulation
(``min sum w_i d_ij x_ij``, ``x_ij <= y_j``, ``sum_j y_j = P``) with multipliers ``lambda_i`` leaves::

    L(lambda) = sum_i lambda_i + sum_{j in F} rho_j + (sum of the p smallest rho_j over the free candidates)
    rho_j     = sum_i min(0, w_i d_ij - lambda_i)

``L(lambda) <= OPT`` for every ``lambda`` (F: facilities that must be open); subgradient steps maximise it,
reaching the LP bound of the formulation. The same ``rho`` bound every restricted problem, which proves facts
about all solutions cheaper than a threshold (the incumbent's cost, less 1 with integral data):

- **reduced-cost fixing**: opening an unpicked ``j`` costs at least ``rho_j - rho_(p)``; closing a picked one
  at least ``rho_(p+1) - rho_j`` (:func:`reduced_cost_fixing`);
- **probing**: the dual re-optimised with ``y_j = 1`` forced, for each candidate (:func:`probe_fixing`);
- **radius caps**: for client ``i`` and the set ``S_k`` of candidates within its ``k``-th distance, the bound
  with all of ``S_k`` closed; once it passes the threshold, every improving solution opens a facility within
  ``D_i^k`` (:func:`radius_caps`), which cuts the client's distance levels and adds a covering row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mokmin.siting.problems import MedianProblem


@dataclass(frozen=True)
class LagrangianBound:
    """The best Lagrangian bound found, with the multipliers and reduced costs ``rho`` that gave it."""

    bound: float
    multipliers: NDArray[np.float64]
    rho: NDArray[np.float64]
    iterations: int
    selected: tuple[int, ...] = ()  # the new sites the best relaxed solution opens: a good start for interchange


def lagrangian_median(problem: MedianProblem, p: int, upper: float, *, iterations: int = 300,
                      start: NDArray[np.float64] | None = None, stop_at: float | None = None) -> LagrangianBound:
    """Subgradient optimisation of the Lagrangian dual of the p-median (see the module docstring).

    ``upper`` is the cost of a known solution (it sets the step size); the search stops once the bound passes
    ``stop_at`` (default: reaches ``upper``). ``start``: initial multipliers, e.g. each client's weighted
    distance in that solution. The step halves after 20 iterations without improvement.
    """
    stop = upper - 1e-9 * max(1.0, abs(upper)) if stop_at is None else stop_at
    cost, w = problem.cost, problem.weights
    wc = w[:, None] * cost
    fixed = problem.fixed
    free = np.flatnonzero(~fixed)
    lam = np.array(start, dtype=np.float64) if start is not None else np.sort(wc, axis=1)[:, min(1, wc.shape[1] - 1)]
    # rho always belongs to the multipliers beside it (callers rebuild bounds from the pair, as radius_caps does),
    # even before the first iteration: zeros here once made every radius cap level 1 with iterations=0.
    best = LagrangianBound(-np.inf, lam.copy(), np.minimum(0.0, wc - lam[:, None]).sum(axis=0), 0)
    pick = free[:0]
    theta, stale = 2.0, 0
    for it in range(1, iterations + 1):
        reduced = np.minimum(0.0, wc - lam[:, None])
        rho = reduced.sum(axis=0)
        pick = free[np.argpartition(rho[free], p - 1)[:p]] if p > 0 else free[:0]
        selected = np.concatenate([np.flatnonzero(fixed), pick])
        value = float(lam.sum() + rho[selected].sum())
        if value > best.bound + 1e-12 * max(1.0, abs(value)):
            best, stale = LagrangianBound(value, lam.copy(), rho.copy(), it, tuple(int(j) for j in pick)), 0
        else:
            stale += 1
            if stale >= 20:
                theta, stale = theta / 2, 0
        if best.bound > stop or theta < 1e-4:
            break
        g = 1.0 - (reduced[:, selected] < 0).sum(axis=1)
        norm = float(g @ g)
        if norm == 0:
            best = LagrangianBound(max(best.bound, value), lam.copy(), rho.copy(), it, tuple(int(j) for j in pick))
            break
        lam = lam + theta * (upper - value) / norm * g
    return best


def reduced_cost_fixing(lagrange: LagrangianBound, fixed: NDArray[np.bool_], p: int, threshold: float
                        ) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Candidates that every solution of cost ``<= threshold`` must close (first) or open (second).

    Forcing closed candidate ``j`` open costs at least ``L + rho_j - rho_(p)`` (it replaces the p-th cheapest
    pick); forcing a picked one closed costs at least ``L + rho_(p+1) - rho_j``. When that exceeds
    ``threshold`` (the incumbent's cost, less 1 for integral data), no improving solution makes that choice.
    """
    m = lagrange.rho.size
    must_close = np.zeros(m, dtype=bool)
    must_open = np.zeros(m, dtype=bool)
    free = np.flatnonzero(~fixed)
    if p <= 0 or p >= free.size:
        return must_close, must_open
    order = free[np.argsort(lagrange.rho[free], kind="stable")]
    rho = lagrange.rho
    pth, next_ = rho[order[p - 1]], rho[order[p]]
    closed, picked = order[p:], order[:p]
    must_close[closed] = lagrange.bound + rho[closed] - pth > threshold
    must_open[picked] = lagrange.bound + next_ - rho[picked] > threshold
    return must_close, must_open


def probe_fixing(problem: MedianProblem, p: int, upper: float, lagrange: LagrangianBound, active: NDArray[np.bool_],
                 *, threshold: float, iterations: int = 150) -> NDArray[np.bool_]:
    """Close the active candidates whose forced opening provably cannot beat ``threshold`` (Lagrangian probing).

    For each active, non-fixed candidate ``j`` the Lagrangian dual is re-optimised (from ``lagrange``'s
    multipliers) with ``y_j = 1`` over the active candidates only; a bound above ``threshold`` proves that no
    solution of cost ``<= threshold`` opens ``j``. Stronger than reduced-cost fixing, which keeps the
    multipliers fixed. Returns the new active mask.
    """
    cols = np.flatnonzero(active)
    sub = MedianProblem(problem.cost[:, cols], problem.weights, problem.fixed[cols])
    keep = active.copy()
    for pos, j in enumerate(cols):
        if problem.fixed[j] or p < 1:
            continue
        forced = sub.fixed.copy()
        forced[pos] = True
        probe = lagrangian_median(MedianProblem(sub.cost, sub.weights, forced), p - 1, upper, iterations=iterations,
                                  start=lagrange.multipliers, stop_at=threshold)
        if probe.bound > threshold:
            keep[j] = False
    return keep


def radius_caps(rho: NDArray[np.float64], base: float, order: NDArray[np.int64], level: NDArray[np.int64],
                forced: NDArray[np.bool_], p_free: int, threshold: float) -> NDArray[np.int64]:
    """Per client, the first level ``k`` at which closing every candidate within ``D_i^k`` lifts the Lagrangian
    bound above ``threshold`` (``level.max() + 1`` when none does).

    ``rho``: reduced costs of the candidates (a restricted problem's columns), ``base``: ``sum lambda`` plus the
    forced candidates' ``rho``; ``order``/``level``: each client's candidates by distance and their level. The
    bound with a set closed keeps the ``p_free`` smallest ``rho`` outside it, updated one candidate at a time.
    """
    free = np.flatnonzero(~forced)
    ranked = free[np.argsort(rho[free], kind="stable")]
    rank_of = np.full(rho.size, -1, dtype=np.int64)
    rank_of[ranked] = np.arange(ranked.size)
    sorted_rho = rho[ranked].tolist()
    n_free = ranked.size
    start_sum = float(sum(sorted_rho[:p_free]))
    none = int(level.max(initial=0)) + 1
    caps = np.full(order.shape[0], none, dtype=np.int64)
    ranks, levels = rank_of[order].tolist(), level.tolist()
    for i in range(order.shape[0]):
        closed = bytearray(n_free)
        ptr, total = p_free, start_sum
        row_rank, row_level = ranks[i], levels[i]
        width = len(row_rank)
        for q in range(width):
            r = row_rank[q]
            if r < 0:  # a facility that must be open: no solution closes it
                caps[i] = row_level[q]
                break
            closed[r] = 1
            if r < ptr:
                total -= sorted_rho[r]
                while ptr < n_free and closed[ptr]:
                    ptr += 1
                if ptr >= n_free:
                    caps[i] = row_level[q]
                    break
                total += sorted_rho[ptr]
                ptr += 1
            if (q + 1 == width or row_level[q + 1] != row_level[q]) and base + total > threshold:
                caps[i] = row_level[q]
                break
    return caps


__all__ = ["LagrangianBound", "lagrangian_median", "probe_fixing", "radius_caps", "reduced_cost_fixing"]
