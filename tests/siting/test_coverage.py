"""Maximal covering (MCLP) with fixed facilities and the coverage curve, against enumeration of every site set.

Each seeded instance has 20 demand points and 9 candidates in a 1 km square, covered within 300 m, so every
``k``-subset (at most C(9, 3) = 84) is checked by :func:`tests.siting.conftest.brute_cover`.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mokmin.errors import InputError
from mokmin.siting.coverage import cover_rows, coverage_curve, mclp_model, solve_mclp
from mokmin.siting.heuristics import greedy_cover, interchange_cover
from mokmin.siting.problems import CoverageProblem
from mokmin.siting.solver import OPTIMAL, TIME_LIMIT, HighsSolver
from tests.siting.conftest import TOL, Instance, StoppedSolver, brute_cover, nondecreasing, random_instance

RADIUS = 300.0
SEEDS = range(24)


def _instance(seed: int, n_fixed: int) -> tuple[Instance, np.ndarray, CoverageProblem]:
    inst = random_instance(seed, 20, 9, n_fixed=n_fixed)
    covers = inst.cost <= RADIUS
    return inst, covers, CoverageProblem.from_coverage(covers, inst.weights, fixed=list(inst.fixed))


def _covered(covers: np.ndarray, weights: np.ndarray, sites: list[int]) -> float:
    return float(weights[covers[:, sites].any(axis=1)].sum()) if sites else 0.0


@pytest.mark.parametrize("n_fixed", [0, 2])
@pytest.mark.parametrize("seed", SEEDS)
def test_mclp_matches_enumeration(seed: int, n_fixed: int) -> None:
    inst, covers, problem = _instance(seed, n_fixed)
    for k in (1, 2, 3):
        result = solve_mclp(problem, k)
        best = brute_cover(covers, inst.weights, inst.fixed, k)
        assert result.objective == pytest.approx(best, abs=TOL)
        assert result.status == OPTIMAL and result.bound >= result.objective - TOL
        assert len(result.chosen) == k == len(set(result.chosen))
        assert not set(result.chosen) & set(inst.fixed) and result.fixed == inst.fixed
        assert _covered(covers, inst.weights, [*inst.fixed, *result.chosen]) == pytest.approx(result.objective)
        assert result.fixed_objective == pytest.approx(_covered(covers, inst.weights, list(inst.fixed)))
        assert result.total_demand == inst.weights.sum()


@pytest.mark.parametrize("seed", SEEDS)
def test_reduced_model_is_exact(seed: int) -> None:
    """The MILP handed to HiGHS (dominated candidates dropped, identical rows merged, single-candidate rows
    folded into the objective) has the enumerated optimum, whatever the heuristics found."""
    inst, covers, problem = _instance(seed, 2)
    for k in (1, 3):
        model, cols, fixed_value = mclp_model(problem, k)
        res = HighsSolver().solve(model)
        assert res.status == OPTIMAL
        assert -res.objective == pytest.approx(brute_cover(covers, inst.weights, inst.fixed, k), abs=TOL)
        assert fixed_value == pytest.approx(_covered(covers, inst.weights, list(inst.fixed)))
        picked = [int(j) for j in cols[res.x[: cols.size] > 0.5]]
        assert len(picked) <= k and not set(picked) & set(inst.fixed)
        assert _covered(covers, inst.weights, [*inst.fixed, *picked]) == pytest.approx(-res.objective)


@pytest.mark.parametrize("seed", SEEDS)
def test_site_rows_add_up(seed: int) -> None:
    """Greedy re-ranking: gains add up to the objective, never increase among the new sites (submodularity),
    each covered point is attributed to an open site within the radius, and ``reach`` is the site's own demand."""
    inst, covers, problem = _instance(seed, 2)
    result = solve_mclp(problem, 3)
    rows = result.sites
    assert {r.index for r in rows if r.fixed} == set(inst.fixed)
    assert [r.rank for r in rows] == list(range(len(rows)))
    assert sum(r.marginal_gain for r in rows) == pytest.approx(result.objective)
    assert sum(r.marginal_gain for r in rows if r.fixed) == pytest.approx(result.fixed_objective)
    gains = [r.marginal_gain for r in rows if not r.fixed]
    assert nondecreasing(gains[::-1])
    for r in rows:
        assert r.reach == pytest.approx(inst.weights[covers[:, r.index]].sum())
        assert r.load == pytest.approx(r.marginal_gain)
    owner = result.assignment
    open_ = [*inst.fixed, *result.chosen]
    covered = covers[:, open_].any(axis=1)
    assert ((owner >= 0) == covered).all()
    assert all(covers[i, owner[i]] and owner[i] in open_ for i in np.flatnonzero(covered))


def test_site_rows_of_a_hand_example() -> None:
    """Demand a (w 5), b (w 3), c (w 1); site 0 covers a, b; site 1 covers b, c; site 2 covers c.

    Re-ranking {1, 0}: site 0 first (gain 8), then site 1 adds only c (gain 1); b is attributed to site 0.
    """
    problem = CoverageProblem.from_coverage([[1, 0, 0], [1, 1, 0], [0, 1, 1]], [5, 3, 1])
    rows, owner = cover_rows(problem, [1, 0])
    assert [(r.index, r.marginal_gain, r.reach) for r in rows] == [(0, 8.0, 8.0), (1, 1.0, 4.0)]
    assert owner.tolist() == [0, 0, 1]
    result = solve_mclp(problem, 1)
    assert result.chosen == (0,) and result.objective == 8 and result.coverage_share == pytest.approx(8 / 9)


def test_fixed_facilities_are_counted_first() -> None:
    """Same matrix with site 0 existing: the best new site is 1 (adds c), not 2 (adds c too, tie on index)."""
    problem = CoverageProblem.from_coverage([[1, 0, 0], [1, 1, 0], [0, 1, 1]], [5, 3, 1], fixed=[0])
    result = solve_mclp(problem, 1)
    assert result.fixed == (0,) and result.fixed_objective == 8 and result.objective == 9
    assert result.chosen in {(1,), (2,)}


@pytest.mark.parametrize("n_fixed", [0, 2])
@pytest.mark.parametrize("seed", SEEDS)
def test_coverage_curve_exact_and_bounded(seed: int, n_fixed: int) -> None:
    inst, covers, problem = _instance(seed, n_fixed)
    curve = coverage_curve(problem, 4, exact="all")
    optimum = [brute_cover(covers, inst.weights, inst.fixed, k) for k in range(5)]
    assert [p.k for p in curve] == list(range(5))
    for point, best in zip(curve, optimum, strict=True):
        assert point.bound >= best - TOL and point.objective <= best + TOL
        assert point.status == OPTIMAL and point.objective == pytest.approx(best, abs=TOL)
        assert len(point.sites) == point.k and not set(point.sites) & set(inst.fixed)
        assert _covered(covers, inst.weights, [*inst.fixed, *point.sites]) == pytest.approx(point.objective)
    values = [p.objective for p in curve]
    assert nondecreasing(values)


@pytest.mark.parametrize("seed", SEEDS)
def test_greedy_curve_bounds_are_valid(seed: int) -> None:
    """Without exact solves every point is the greedy value, at least (1 - 1/e) of the optimum, and its bound
    (the submodular online bound) is at least the optimum."""
    inst, covers, problem = _instance(seed, 1)
    curve = coverage_curve(problem, 5, exact="none")
    for point in curve:
        best = brute_cover(covers, inst.weights, inst.fixed, point.k)
        assert point.bound >= best - TOL
        assert (1 - 1 / math.e) * best - TOL <= point.objective <= best + TOL
        assert point.method == "greedy"
        assert (point.status == OPTIMAL) == (point.bound - point.objective <= TOL)
        assert _covered(covers, inst.weights, [*inst.fixed, *point.sites]) == pytest.approx(point.objective)
    values, bounds = [p.objective for p in curve], [p.bound for p in curve]
    assert nondecreasing(values)
    assert nondecreasing(bounds)


def test_curve_with_chosen_exact_points() -> None:
    inst, covers, problem = _instance(3, 1)
    curve = coverage_curve(problem, 4, exact=[2, 9])
    assert curve[2].objective == pytest.approx(brute_cover(covers, inst.weights, inst.fixed, 2))
    assert curve[2].status == OPTIMAL


def test_heuristics_on_their_own() -> None:
    """Greedy values are the coverage of its prefixes; interchange never loses coverage."""
    for seed in SEEDS:
        inst, covers, problem = _instance(seed, 1)
        greedy = greedy_cover(problem, 4)
        for t, value in enumerate(greedy.values):
            assert value == pytest.approx(_covered(covers, inst.weights, [*inst.fixed, *greedy.order[:t]]))
        swapped = interchange_cover(problem, list(greedy.order[:3]))
        assert len(set(swapped)) == 3 and not set(swapped) & set(inst.fixed)
        assert _covered(covers, inst.weights, [*inst.fixed, *swapped]) >= greedy.values[3] - TOL


def test_solver_stopped_without_incumbent_keeps_the_heuristic() -> None:
    """When the MILP stops with nothing, the greedy + swap solution is returned with the greedy bound; seeds where
    the heuristic is not proven optimal are the ones that reach the solver."""
    reached = 0
    for seed in SEEDS:
        inst, covers, problem = _instance(seed, 0)
        solver = StoppedSolver()
        result = solve_mclp(problem, 3, solver=solver)
        best = brute_cover(covers, inst.weights, inst.fixed, 3)
        assert result.bound >= best - TOL and result.objective <= best + TOL
        assert len(result.chosen) == 3
        assert _covered(covers, inst.weights, list(result.chosen)) == pytest.approx(result.objective)
        if solver.calls:
            reached += 1
            assert result.status == TIME_LIMIT and result.gap > 0
    assert reached > 0, "some instance must need the MILP, or this test proves nothing"


def test_tiny_time_limit_returns_a_feasible_solution() -> None:
    """A larger instance (3000 points, 400 candidates, k = 25) with 10 ms: feasible, bound above the value."""
    rng = np.random.default_rng(7)
    demand, cand = rng.uniform(0, 5000, (3000, 2)), rng.uniform(0, 5000, (400, 2))
    covers = np.sqrt(((demand[:, None] - cand[None]) ** 2).sum(axis=2)) <= 250
    weights = rng.integers(1, 20, 3000).astype(float)
    problem = CoverageProblem.from_coverage(covers, weights, fixed=[0, 1])
    result = solve_mclp(problem, 25, time_limit=0.01)
    assert len(result.chosen) == 25 and not {0, 1} & set(result.chosen)
    assert _covered(covers, weights, [0, 1, *result.chosen]) == pytest.approx(result.objective)
    assert result.bound >= result.objective
    assert result.status in {OPTIMAL, TIME_LIMIT}
    assert result.as_dict()["gap"] == result.gap
    # the bound is valid: at least the optimum this instance has when solved without a limit
    assert result.bound >= solve_mclp(problem, 25, time_limit=None).objective - TOL


@pytest.mark.parametrize("k", [-1, 8, 1.5])
def test_k_out_of_range(k: float) -> None:
    _, _, problem = _instance(0, 2)
    with pytest.raises(InputError) as info:
        solve_mclp(problem, k)  # type: ignore[arg-type]
    assert info.value.location.field == "k"


def test_k_equal_to_all_free_candidates() -> None:
    inst, covers, problem = _instance(5, 2)
    result = solve_mclp(problem, 7)
    assert set(result.chosen) == set(inst.free) and result.proven_optimal
    assert result.objective == pytest.approx(_covered(covers, inst.weights, list(range(9))))
