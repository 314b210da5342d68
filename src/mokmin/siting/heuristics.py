"""Fast heuristics with a proven bound, for instances too large to solve exactly (and as warm starts).

Maximal covering (:func:`greedy_cover`): greedy by marginal gain, then best-improvement 1-swaps. Coverage
``f(S)`` is monotone submodular, so for *any* set ``S`` and any ``k``::

    OPT_k <= f(S) + (sum of the k largest marginal gains  f(S + j) - f(S))

(Nemhauser, Wolsey & Fisher 1978; the "online bound" of Leskovec et al. 2007). Evaluated at every greedy
prefix, the smallest value is a valid upper bound on the optimum for every k at once, which also gives the
coverage curve its error bars. The greedy value itself is at least ``(1 - 1/e)`` of the optimum.

p-median (:func:`greedy_median` + :func:`interchange_median`): greedy addition, then Teitz-Bart interchange with
the best-improvement swap found in one vectorised pass per move (Whitaker's fast interchange, with the nearest and
second-nearest open facility per client). Its lower bound is Lagrangian: :mod:`mokmin.siting.lagrangian`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from mokmin.siting.problems import CoverageProblem, MedianProblem


@dataclass(frozen=True)
class CoverHeuristic:
    """Greedy order of new sites, coverage after each pick (index 0: existing only), upper bound per k."""

    order: tuple[int, ...]
    values: NDArray[np.float64]  # values[t] = coverage with the first t greedy sites (plus the fixed ones)
    bounds: NDArray[np.float64]  # bounds[k] >= OPT with k new sites, k = 0..len(order)


def greedy_cover(problem: CoverageProblem, k_max: int) -> CoverHeuristic:
    """Greedy maximal covering up to ``k_max`` new sites, with the submodular upper bound for each k <= k_max."""
    a = problem.covers
    at = sparse.csr_array(a.T)
    w = problem.weights
    open_ = problem.fixed.copy()
    uncovered = ~problem.covered_mask(np.flatnonzero(open_))
    value = float(w[~uncovered].sum())
    values = [value]
    bounds = np.full(k_max + 1, np.inf)
    order: list[int] = []
    for t in range(k_max + 1):
        gains = at @ (w * uncovered)
        gains[open_] = -1.0
        top = np.sort(gains[gains > 0])[::-1]
        prefix = np.concatenate([[0.0], np.cumsum(top)])
        ks = np.arange(k_max + 1)
        bounds = np.minimum(bounds, value + prefix[np.minimum(ks, top.size)])
        if t == k_max:
            break
        free = np.flatnonzero(~open_)
        if free.size == 0:
            bounds = np.minimum(bounds, value)  # every candidate open: nothing more to cover
            break
        j = int(free[np.argmax(gains[free])])
        order.append(j)
        open_[j] = True
        uncovered[at.indices[at.indptr[j]:at.indptr[j + 1]]] = False
        value = float(w[~uncovered].sum())
        values.append(value)
    bounds = np.minimum.accumulate(bounds[::-1])[::-1]  # OPT_k <= OPT_k+1 <= bound_k+1
    return CoverHeuristic(tuple(order), np.asarray(values), bounds[: len(values)])


def interchange_cover(problem: CoverageProblem, sites: list[int], *, max_moves: int = 10_000) -> list[int]:
    """Best-improvement 1-swaps (one new site out, one candidate in) until no swap adds coverage.

    With ``c_i`` the number of open sites covering ``i``, swapping ``r`` out and ``j`` in changes coverage by
    ``gain_j - loss_r + shared(r, j)``: ``gain_j = sum w_i [i in N(j), c_i = 0]``, ``loss_r = sum w_i
    [i in N(r), c_i = 1]`` and ``shared(r, j) = sum w_i [i in N(r) and N(j), c_i = 1]`` (a sparse product).
    """
    a = problem.covers
    at = sparse.csr_array(a.T)
    w = problem.weights
    chosen = list(sites)
    fixed = list(np.flatnonzero(problem.fixed))
    for _ in range(max_moves):
        if not chosen:
            break
        open_idx = np.asarray(fixed + chosen, dtype=np.int64)
        count = np.asarray(a[:, open_idx].sum(axis=1)).ravel()
        once = w * (count == 1)
        gain = at @ (w * (count == 0))
        rows = at[np.asarray(chosen)]
        loss = rows @ once
        shared = (rows.multiply(once[None, :]) @ a).toarray() if rows.nnz else np.zeros((len(chosen), a.shape[1]))
        delta = gain[None, :] - loss[:, None] + shared
        delta[:, open_idx] = -np.inf
        r, j = np.unravel_index(int(np.argmax(delta)), delta.shape)
        if delta[r, j] <= 1e-9 * max(1.0, float(w.sum())):
            break
        chosen[int(r)] = int(j)
    return chosen


def _nearest_two(cost: NDArray[np.float64], open_idx: NDArray[np.int64]
                 ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    """Distance to the nearest and second-nearest open site, and the nearest one's candidate index."""
    sub = cost[:, open_idx]
    if open_idx.size == 1:
        return sub[:, 0].copy(), np.full(cost.shape[0], np.inf), np.full(cost.shape[0], open_idx[0])
    part = np.argpartition(sub, 1, axis=1)[:, :2]
    rows = np.arange(cost.shape[0])
    a, b = sub[rows, part[:, 0]], sub[rows, part[:, 1]]
    swap = b < a
    first = np.where(swap, part[:, 1], part[:, 0])
    return np.minimum(a, b), np.maximum(a, b), open_idx[first]


def greedy_median(problem: MedianProblem, p: int) -> list[int]:
    """Greedy addition: each step opens the candidate that lowers the weighted cost most (fixed ones open)."""
    cost, w = problem.cost, problem.weights
    open_ = problem.fixed.copy()
    near = cost[:, open_].min(axis=1) if open_.any() else np.full(problem.n_demand, np.inf)
    chosen: list[int] = []
    for _ in range(p):
        totals = w @ np.minimum(cost, near[:, None])
        totals[open_] = np.inf
        j = int(np.argmin(totals))
        chosen.append(j)
        open_[j] = True
        near = np.minimum(near, cost[:, j])
    return chosen


def interchange_median(problem: MedianProblem, sites: list[int], *, max_moves: int = 100_000) -> list[int]:
    """Teitz-Bart interchange, best improvement per move, vectorised over all (out, in) pairs.

    Swapping open ``r`` for closed ``j`` changes the cost by ``sum_i w_i (min(d_ij, d1_i) - d1_i)`` plus, for the
    clients whose nearest site is ``r``, ``sum w_i (min(d_ij, d2_i) - min(d_ij, d1_i))``.
    """
    cost, w = problem.cost, problem.weights
    n, m = cost.shape
    fixed = np.flatnonzero(problem.fixed)
    chosen = list(sites)
    tol = 1e-9 * max(1.0, float(w @ cost.min(axis=1)))
    for _ in range(max_moves):
        if not chosen or len(chosen) + fixed.size >= m:
            break
        open_idx = np.concatenate([fixed, np.asarray(chosen, dtype=np.int64)])
        d1, d2, c1 = _nearest_two(cost, open_idx)
        with_j_d1 = np.minimum(cost, d1[:, None])
        base = w @ (with_j_d1 - d1[:, None])
        diff = w[:, None] * (np.minimum(cost, d2[:, None]) - with_j_d1)
        where = {site: pos for pos, site in enumerate(chosen)}
        owner = np.array([where.get(int(c), -1) for c in c1])
        mine = owner >= 0
        onehot = sparse.csr_array((np.ones(int(mine.sum())), (owner[mine], np.flatnonzero(mine))),
                                  shape=(len(chosen), n))
        delta = base[None, :] + onehot @ diff
        delta[:, open_idx] = np.inf
        r, j = np.unravel_index(int(np.argmin(delta)), delta.shape)
        if delta[r, j] >= -tol:
            break
        chosen[int(r)] = int(j)
    return chosen


__all__ = ["CoverHeuristic", "greedy_cover", "greedy_median", "interchange_cover", "interchange_median"]
