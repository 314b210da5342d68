"""Capacitated covering and capacitated p-median (parking lots) against enumeration: for every set of lots, the
best assignment is a transportation LP solved in the test with :func:`scipy.optimize.linprog`
(:func:`tests.siting.conftest.served_lp`, :func:`tests.siting.conftest.capacitated_cost_lp`); the optimum is the
best set. Instances: 14 demand points (1-9 cars), 8 candidate lots (capacity 5-24), covered within 400 m.
"""

from __future__ import annotations

import numpy as np
import pytest

from mokmin.siting.capacitated import solve_capacitated_cover, solve_capacitated_median
from mokmin.siting.pmedian import solve_pmedian
from mokmin.siting.problems import CoverageProblem, MedianProblem
from mokmin.siting.solver import OPTIMAL, TIME_LIMIT
from tests.siting.conftest import TOL, Instance, StoppedSolver, capacitated_cost_lp, random_instance, served_lp, subsets

RADIUS = 400.0
SEEDS = range(12)


def _cover(seed: int, n_fixed: int) -> tuple[Instance, np.ndarray, CoverageProblem]:
    inst = random_instance(seed, n_fixed=n_fixed, capacities=True)
    covers = inst.cost <= RADIUS
    problem = CoverageProblem.from_coverage(covers, inst.weights, fixed=list(inst.fixed), capacities=inst.capacities)
    return inst, covers, problem


@pytest.mark.parametrize("n_fixed", [0, 2])
@pytest.mark.parametrize("seed", SEEDS)
def test_capacitated_cover_matches_enumeration(seed: int, n_fixed: int) -> None:
    inst, covers, problem = _cover(seed, n_fixed)
    assert inst.capacities is not None
    for k in (1, 2):
        result = solve_capacitated_cover(problem, k)
        best = max(served_lp(covers, inst.weights, inst.capacities, s) for s in subsets(inst, k))
        assert result.objective == pytest.approx(best, abs=TOL)
        assert result.status == OPTIMAL and result.bound == pytest.approx(result.objective)
        assert len(result.chosen) <= k and not set(result.chosen) & set(inst.fixed)
        open_ = (*inst.fixed, *result.chosen)
        assert served_lp(covers, inst.weights, inst.capacities, open_) == pytest.approx(best, abs=TOL)
        fixed_only = served_lp(covers, inst.weights, inst.capacities, inst.fixed) if inst.fixed else 0.0
        assert result.fixed_objective == pytest.approx(fixed_only, abs=TOL)
        rows = result.sites
        assert sum(r.marginal_gain for r in rows) == pytest.approx(result.objective, abs=TOL)
        assert sum(r.load for r in rows) == pytest.approx(result.objective, abs=TOL)
        for r in rows:
            assert r.load <= inst.capacities[r.index] + TOL and r.capacity == inst.capacities[r.index]
        served = result.assignment >= 0
        assert all(covers[i, result.assignment[i]] and result.assignment[i] in open_ for i in np.flatnonzero(served))


def test_capacity_binds_by_hand() -> None:
    """Demand a (10 cars) and b (4 cars); lot 0 (capacity 6) reaches both, lot 1 (capacity 20) reaches only b.

    k = 1: lot 0 serves 6, lot 1 serves 4, so lot 0. k = 2: lot 1 takes b's 4, lot 0 gives a 6: 10 served.
    Uncapacitated, lot 0 alone would cover all 14.
    """
    covers = np.array([[1, 0], [1, 1]])
    problem = CoverageProblem.from_coverage(covers, [10, 4], capacities=[6, 20])
    one = solve_capacitated_cover(problem, 1)
    assert one.chosen == (0,) and one.objective == pytest.approx(6)
    two = solve_capacitated_cover(problem, 2)
    assert set(two.chosen) == {0, 1} and two.objective == pytest.approx(10)
    assert solve_capacitated_cover(CoverageProblem.from_coverage(covers, [10, 4]), 1).objective == 14


@pytest.mark.parametrize("n_fixed", [0, 2])
@pytest.mark.parametrize("seed", SEEDS)
def test_capacitated_median_matches_enumeration(seed: int, n_fixed: int) -> None:
    """Capacities from 5 to 24 against 14 points of 1-9 cars: with few lots some demand goes unserved at the
    default penalty (twice the largest distance per car)."""
    inst = random_instance(seed, n_fixed=n_fixed, capacities=True)
    assert inst.capacities is not None
    problem = MedianProblem.from_cost_matrix(inst.cost, inst.weights, fixed=list(inst.fixed),
                                             capacities=inst.capacities)
    penalty = 2 * inst.cost.max()
    for p in (1, 2):
        result = solve_capacitated_median(problem, p)
        best = min(capacitated_cost_lp(inst, s, penalty) for s in subsets(inst, p))
        assert result.objective == pytest.approx(best, rel=1e-7)
        assert result.status == OPTIMAL and result.bound == pytest.approx(result.objective, rel=1e-7)
        assert len(result.chosen) == p and not set(result.chosen) & set(inst.fixed)
        assert capacitated_cost_lp(inst, (*inst.fixed, *result.chosen), penalty) == pytest.approx(best, rel=1e-7)
        assert result.details["unserved_penalty"] == penalty
        for r in result.sites:
            assert r.load <= inst.capacities[r.index] + TOL
        loads = sum(r.load for r in result.sites)
        assert loads + result.details["unserved_demand"] == pytest.approx(inst.weights.sum())


def test_capacitated_median_by_hand() -> None:
    """Points at 0 (3 cars) and 10 (3 cars); lots at 0 (capacity 3) and 10 (capacity 1); penalty 100 per car.

    p = 2: 3 cars walk 0; at 10 one car parks (0 m) and two go to lot 0 (full) or stay unserved: 2 x 100 = 200.
    p = 1, lot 0: 3 cars served at 0, three unserved: 300. Lot 10: 1 car at 0, 2 cars from 10 unserved, 3 from 0:
    one could walk 10 m but the lot is full, so 5 x 100 = 500. Optimum p = 1: lot 0, 300.
    """
    cost = np.array([[0.0, 10.0], [10.0, 0.0]])
    problem = MedianProblem.from_cost_matrix(cost, [3, 3], capacities=[3, 1])
    two = solve_capacitated_median(problem, 2, unserved_penalty=100)
    assert two.objective == pytest.approx(200) and two.details["unserved_demand"] == pytest.approx(2)
    one = solve_capacitated_median(problem, 1, unserved_penalty=100)
    assert one.chosen == (0,) and one.objective == pytest.approx(300)


def test_pmedian_with_capacities_is_the_capacitated_model() -> None:
    inst = random_instance(3, n_fixed=1, capacities=True)
    problem = MedianProblem.from_cost_matrix(inst.cost, inst.weights, fixed=list(inst.fixed),
                                             capacities=inst.capacities)
    via_pmedian = solve_pmedian(problem, 2)
    assert via_pmedian.model == "capacitated_p_median"
    assert via_pmedian.objective == pytest.approx(solve_capacitated_median(problem, 2).objective)


def test_without_capacities_the_models_are_the_uncapacitated_ones() -> None:
    inst = random_instance(4, n_fixed=1)
    cover = CoverageProblem.from_coverage(inst.cost <= RADIUS, inst.weights, fixed=list(inst.fixed))
    assert solve_capacitated_cover(cover, 2).model == "mclp"
    median = MedianProblem.from_cost_matrix(inst.cost, inst.weights, fixed=list(inst.fixed))
    assert solve_capacitated_median(median, 2).model == "p_median"


@pytest.mark.parametrize("seed", SEEDS)
def test_stopped_solver_still_returns_lots_with_a_valid_bound(seed: int) -> None:
    """No incumbent from the MILP: the greedy lots with their best assignment (an LP), and a bound on the right
    side of the enumerated optimum (above it for covering, below it for the median)."""
    inst, covers, problem = _cover(seed, 1)
    assert inst.capacities is not None
    result = solve_capacitated_cover(problem, 2, solver=StoppedSolver())
    best = max(served_lp(covers, inst.weights, inst.capacities, s) for s in subsets(inst, 2))
    assert result.status == TIME_LIMIT and len(result.chosen) == 2
    assert result.objective == pytest.approx(served_lp(covers, inst.weights, inst.capacities,
                                                       (*inst.fixed, *result.chosen)), abs=TOL)
    assert result.objective <= best + TOL <= result.bound + 2 * TOL
    median = MedianProblem.from_cost_matrix(inst.cost, inst.weights, fixed=list(inst.fixed),
                                            capacities=inst.capacities)
    stopped = solve_capacitated_median(median, 2, solver=StoppedSolver())
    penalty = 2 * inst.cost.max()
    assert stopped.status == TIME_LIMIT and len(stopped.chosen) == 2
    assert stopped.objective == pytest.approx(capacitated_cost_lp(inst, (*inst.fixed, *stopped.chosen), penalty))
    assert stopped.bound <= min(capacitated_cost_lp(inst, s, penalty) for s in subsets(inst, 2)) + TOL


def test_tiny_time_limit_on_a_larger_lot_instance() -> None:
    """400 demand cells x 60 candidate lots, k = 8, 10 ms: lots and served demand either way, bound above it."""
    rng = np.random.default_rng(5)
    demand, lots = rng.uniform(0, 3000, (400, 2)), rng.uniform(0, 3000, (60, 2))
    cost = np.sqrt(((demand[:, None] - lots[None]) ** 2).sum(axis=2))
    weights, caps = rng.integers(1, 15, 400).astype(float), rng.integers(20, 120, 60).astype(float)
    problem = CoverageProblem.from_cost_matrix(cost, weights, 300, capacities=caps)
    result = solve_capacitated_cover(problem, 8, time_limit=0.01)
    assert 0 < len(result.chosen) <= 8 and result.bound >= result.objective > 0
    assert served_lp(cost <= 300, weights, caps, result.chosen) == pytest.approx(result.objective, rel=1e-6)
