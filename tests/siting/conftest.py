"""Seeded small instances and the independent references the siting tests compare against.

Every reference here is written from the model's definition, not from :mod:`mokmin.siting`: enumeration of all
site sets with :func:`itertools.combinations`, dense NumPy arithmetic for coverage and nearest-site costs, and for
the capacitated models a transportation LP per site set solved with :func:`scipy.optimize.linprog` (a different
SciPy entry point than the package's :func:`scipy.optimize.milp`, and an LP, so no branch and bound is trusted).
The instances are small enough (at most a few thousand subsets) that the whole folder runs in seconds.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linprog

from mokmin.siting.solver import TIME_LIMIT, HighsSolver, MilpModel, MilpResult
from tests.conftest import SHARED

PMED = SHARED / "pmed"
SPOPT_SF = SHARED / "spopt_sf"
TOL = 1e-6


@dataclass(frozen=True)
class Instance:
    """A small random instance as plain arrays: ``cost`` (demand x candidate), ``weights``, ``fixed`` indices."""

    cost: NDArray[np.float64]
    weights: NDArray[np.float64]
    fixed: tuple[int, ...]
    capacities: NDArray[np.float64] | None = None

    @property
    def free(self) -> list[int]:
        return [j for j in range(self.cost.shape[1]) if j not in self.fixed]


class StoppedSolver:
    """Stops every MILP at its time limit before an incumbent (as HiGHS may on a large model); LPs (no integer
    column) are solved by HiGHS. ``calls`` counts the MILPs it was given."""

    def __init__(self) -> None:
        self.calls = 0

    def solve(self, model: MilpModel, *, time_limit: float | None = None, mip_rel_gap: float = 1e-6) -> MilpResult:
        if not model.integrality.any():
            return HighsSolver().solve(model)
        self.calls += 1
        return MilpResult(TIME_LIMIT, None, math.inf, -math.inf, 0.0, "stopped")


def random_instance(seed: int, n: int = 14, m: int = 8, *, n_fixed: int = 0, integral: bool = False,
                    capacities: bool = False) -> Instance:
    """Demand and candidates uniform in a 1 km square; Euclidean costs (rounded when ``integral``), weights 1-9."""
    rng = np.random.default_rng(seed)
    demand, cand = rng.uniform(0, 1000, (n, 2)), rng.uniform(0, 1000, (m, 2))
    cost = np.sqrt(((demand[:, None, :] - cand[None, :, :]) ** 2).sum(axis=2))
    if integral:
        cost = np.round(cost)
    weights = rng.integers(1, 10, n).astype(np.float64)
    fixed = tuple(int(j) for j in sorted(rng.choice(m, n_fixed, replace=False)))
    caps = rng.integers(5, 25, m).astype(np.float64) if capacities else None
    return Instance(cost, weights, fixed, caps)


def subsets(instance: Instance, k: int) -> list[tuple[int, ...]]:
    """Every set of ``k`` new sites, each with the fixed ones prepended."""
    return [instance.fixed + combo for combo in itertools.combinations(instance.free, k)]


def brute_cover(covers: NDArray[np.bool_], weights: NDArray[np.float64], fixed: tuple[int, ...], k: int,
                free: list[int] | None = None) -> float:
    """The MCLP optimum: the largest weight covered by the fixed sites plus any ``k`` others."""
    m = covers.shape[1]
    free = [j for j in range(m) if j not in fixed] if free is None else free
    best = -np.inf
    for combo in itertools.combinations(free, k):
        sites = list(fixed) + list(combo)
        best = max(best, float(weights[covers[:, sites].any(axis=1)].sum()) if sites else 0.0)
    return best


def brute_median(instance: Instance, p: int) -> float:
    """The p-median optimum: the smallest weighted nearest-site cost over all sets of ``p`` new sites."""
    return min(float(instance.weights @ instance.cost[:, list(s)].min(axis=1)) for s in subsets(instance, p))


def served_lp(covers: NDArray[np.bool_], weights: NDArray[np.float64], capacities: NDArray[np.float64],
              sites: tuple[int, ...]) -> float:
    """Most demand the open ``sites`` can serve: ``max sum z_ij`` over covered pairs, ``sum_j z_ij <= w_i``,
    ``sum_i z_ij <= cap_j`` (a transportation LP)."""
    pairs = [(i, j) for j in sites for i in np.flatnonzero(covers[:, j])]
    if not pairs:
        return 0.0
    n = covers.shape[0]
    a = np.zeros((n + len(sites), len(pairs)))
    for e, (i, j) in enumerate(pairs):
        a[i, e] = 1.0
        a[n + sites.index(j), e] = 1.0
    b = np.concatenate([weights, capacities[list(sites)]])
    res = linprog(-np.ones(len(pairs)), A_ub=a, b_ub=b, bounds=(0, None), method="highs")
    assert res.status == 0
    return float(-res.fun)


def capacitated_cost_lp(instance: Instance, sites: tuple[int, ...], penalty: float) -> float:
    """Cheapest capacitated assignment to ``sites``: fractions ``z_ij`` and unserved ``u_i`` with
    ``sum_j z_ij + u_i = 1``, ``sum_i w_i z_ij <= cap_j``; cost ``sum w_i d_ij z_ij + penalty sum w_i u_i``."""
    assert instance.capacities is not None
    n, s = instance.cost.shape[0], len(sites)
    w = instance.weights
    c = np.concatenate([(w[:, None] * instance.cost[:, list(sites)]).ravel(), w * penalty])
    a_eq = np.zeros((n, n * s + n))
    a_ub = np.zeros((s, n * s + n))
    for i in range(n):
        a_eq[i, i * s:(i + 1) * s] = 1.0
        a_eq[i, n * s + i] = 1.0
        a_ub[np.arange(s), i * s + np.arange(s)] = w[i]
    res = linprog(c, A_ub=a_ub, b_ub=instance.capacities[list(sites)], A_eq=a_eq, b_eq=np.ones(n),
                  bounds=(0, None), method="highs")
    assert res.status == 0
    return float(res.fun)


def nondecreasing(values: list[float]) -> bool:
    """Each value at least the one before it (within TOL)."""
    return bool((np.diff(np.asarray(values, dtype=np.float64)) >= -TOL).all())


def orlib_text(n: int, p: int, edges: list[tuple[int, int, float]]) -> str:
    """An OR-Library p-median file's text: ``n m p`` then one ``i j cost`` line per edge (1-based)."""
    lines = [f"{n} {len(edges)} {p}"] + [f"{i} {j} {c:g}" for i, j, c in edges]
    return "\n".join(lines) + "\n"


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="ascii")
    return path
