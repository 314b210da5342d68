"""Exact p-median (Lagrangian reduction + radius formulation) against enumeration of every site set.

Instances: 14 clients, 8 candidates in a 1 km square, weights 1-9, with and without existing facilities, with
integral (rounded) and real costs: the solver takes a different stopping rule for each. ``lagrangian_iterations=0``
switches the reduction off so that the radius MILP itself must prove the optimum, with levels grown lazily or
all present from the start.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from mokmin.errors import InputError
from mokmin.siting.lagrangian import lagrangian_median, probe_fixing, radius_caps, reduced_cost_fixing
from mokmin.siting.pmedian import solve_pmedian
from mokmin.siting.problems import MedianProblem
from mokmin.siting.solver import OPTIMAL, TIME_LIMIT
from tests.siting.conftest import TOL, Instance, StoppedSolver, brute_median, random_instance, subsets

SEEDS = range(16)
CASES = [(seed, n_fixed, integral) for seed in SEEDS for n_fixed in (0, 2) for integral in (True, False)]


def _problem(inst: Instance) -> MedianProblem:
    return MedianProblem.from_cost_matrix(inst.cost, inst.weights, fixed=list(inst.fixed))


def _cost(inst: Instance, sites: list[int]) -> float:
    return float(inst.weights @ inst.cost[:, sites].min(axis=1))


def _optimal_sets(inst: Instance, p: int) -> list[tuple[int, ...]]:
    best = brute_median(inst, p)
    return [s for s in subsets(inst, p) if _cost(inst, list(s)) <= best + TOL]


def _check(inst: Instance, p: int, **options: object) -> None:
    result = solve_pmedian(_problem(inst), p, **options)  # type: ignore[arg-type]
    best = brute_median(inst, p)
    assert result.objective == pytest.approx(best, rel=1e-9, abs=TOL)
    assert result.status == OPTIMAL and result.bound == pytest.approx(result.objective, rel=1e-9)
    assert len(result.chosen) == p == len(set(result.chosen)) and not set(result.chosen) & set(inst.fixed)
    assert result.fixed == inst.fixed
    sites = [*inst.fixed, *result.chosen]
    assert _cost(inst, sites) == pytest.approx(result.objective, rel=1e-12)
    # every client is assigned to its nearest open site; loads add up to the total demand
    assert np.allclose(inst.cost[np.arange(len(inst.weights)), result.assignment], inst.cost[:, sites].min(axis=1))
    assert sum(r.load for r in result.sites) == pytest.approx(inst.weights.sum())
    assert {r.index for r in result.sites} == set(sites)


@pytest.mark.parametrize(("seed", "n_fixed", "integral"), CASES)
def test_pmedian_matches_enumeration(seed: int, n_fixed: int, integral: bool) -> None:
    inst = random_instance(seed, n_fixed=n_fixed, integral=integral)
    for p in (1, 2, 3):
        _check(inst, p)


@pytest.mark.parametrize("strategy", ["lazy", "full"])
@pytest.mark.parametrize(("seed", "n_fixed", "integral"), CASES)
def test_radius_milp_alone_matches_enumeration(seed: int, n_fixed: int, integral: bool, strategy: str) -> None:
    inst = random_instance(seed, n_fixed=n_fixed, integral=integral)
    for p in (1, 3):
        _check(inst, p, lagrangian_iterations=0, strategy=strategy)
    result = solve_pmedian(_problem(inst), 2, lagrangian_iterations=0, strategy=strategy)
    assert result.details["rounds"] >= 1 and result.details["strategy"] == strategy, "the MILP must have run"


LINE_CLIENTS = np.array([0.0, 1.0, 10.0, 11.0])
LINE_SITES = np.array([0.0, 5.0, 11.0])
LINE_COST = np.abs(LINE_CLIENTS[:, None] - LINE_SITES[None, :])


@pytest.mark.parametrize("seed", range(40))
def test_radius_milp_alone_on_varied_sizes(seed: int) -> None:
    """3-19 clients, 2-9 candidates, up to 2 existing, every p; every fifth instance with costs rounded to 200 m
    (many ties). Seeds 17, 27 and 37 once returned a non-optimal solution marked optimal (see lagrangian.py)."""
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(3, 20)), int(rng.integers(2, 10))
    inst = random_instance(seed, n, m, n_fixed=int(rng.integers(0, min(3, m))), integral=bool(seed % 2))
    if seed % 5 == 0:
        inst = Instance(np.round(inst.cost / 200) * 200, inst.weights, inst.fixed)
    for p in range(0 if inst.fixed else 1, len(inst.free) + 1):
        result = solve_pmedian(_problem(inst), p, lagrangian_iterations=0, strategy="lazy")
        assert result.proven_optimal
        assert result.objective == pytest.approx(brute_median(inst, p), rel=1e-9)


def test_lagrangian_without_iterations_pairs_rho_with_its_multipliers() -> None:
    """Zero iterations: no bound yet, but ``rho`` must be the reduced costs of the returned multipliers,
    ``rho_j = sum_i min(0, w_i d_ij - lambda_i)``, since callers rebuild bounds from the pair."""
    inst = random_instance(4, n_fixed=1)
    start = inst.weights * inst.cost.min(axis=1) + 50
    lag = lagrangian_median(_problem(inst), 2, 1e9, iterations=0, start=start)
    assert lag.bound == -np.inf and np.array_equal(lag.multipliers, start)
    expected = np.minimum(0.0, inst.weights[:, None] * inst.cost - start[:, None]).sum(axis=0)
    assert np.allclose(lag.rho, expected)


def test_marginal_gains_by_hand() -> None:
    """Clients at 0, 1, 10, 11 (weight 1), candidates at 0, 5, 11, p = 2.

    Alone, site 0 costs 0 + 1 + 10 + 11 = 22, site 5 costs 5 + 4 + 5 + 6 = 20, site 11 costs 22. The pair
    {0, 11} costs 1 + 1 = 2 (any pair with 5 costs at least 1 + 4 = 5). Re-ranked, the first site has nothing to
    be compared with (gain 0); the second saves 22 - 2 = 20. Each serves two clients.
    """
    result = solve_pmedian(MedianProblem.from_cost_matrix(LINE_COST), 2)
    assert result.objective == 2 and result.proven_optimal and set(result.chosen) == {0, 2}
    assert [r.marginal_gain for r in result.sites] == [0.0, 20.0]
    assert [r.load for r in result.sites] == [2.0, 2.0]


def test_existing_facility_gain_counts_from_it() -> None:
    """Same line with site 11 existing, p = 1: site 0 brings the cost from 22 to 2 (gain 20), site 5 only to
    5 + 4 + 1 + 0 = 10."""
    result = solve_pmedian(MedianProblem.from_cost_matrix(LINE_COST, fixed=[2]), 1)
    assert result.objective == 2 and result.fixed == (2,) and result.chosen == (0,)
    assert [(r.index, r.fixed, r.marginal_gain) for r in result.sites] == [(2, True, 0.0), (0, False, 20.0)]


@pytest.mark.parametrize("seed", SEEDS)
def test_lagrangian_bound_never_exceeds_the_optimum(seed: int) -> None:
    """L(lambda) <= OPT for every lambda: for random multipliers (one evaluation) and after the subgradient."""
    inst = random_instance(seed, n_fixed=1)
    problem = _problem(inst)
    rng = np.random.default_rng(seed)
    for p in (1, 3):
        best = brute_median(inst, p)
        for _ in range(5):
            start = rng.uniform(0, 2, inst.cost.shape[0]) * (inst.weights * inst.cost.max(axis=1))
            assert lagrangian_median(problem, p, best, iterations=1, start=start).bound <= best + TOL
        assert lagrangian_median(problem, p, best, iterations=300).bound <= best + TOL


@pytest.mark.parametrize("seed", SEEDS)
def test_reductions_keep_every_optimal_solution(seed: int) -> None:
    """With a threshold just above OPT (a bound equal to OPT may come out a few ulps above it), no optimal
    solution may be cut: reduced-cost fixing must not close or force against any of them, probing must keep their
    sites, and each client's radius cap must allow its distance in each of them."""
    inst = random_instance(seed, n_fixed=1, integral=True)
    problem = _problem(inst)
    n, m = inst.cost.shape
    for p in (1, 2, 3):
        best = brute_median(inst, p)
        threshold = best * (1 + 1e-9)
        optimal = _optimal_sets(inst, p)
        lag = lagrangian_median(problem, p, best, iterations=300, stop_at=threshold)
        close, open_ = reduced_cost_fixing(lag, problem.fixed, p, threshold)
        active = probe_fixing(problem, p, best, lag, ~close, threshold=threshold)
        order = np.argsort(inst.cost, axis=1, kind="stable")
        dist = np.take_along_axis(inst.cost, order, axis=1)
        level = np.ones_like(order)
        level[:, 1:] = 1 + np.cumsum(dist[:, 1:] > dist[:, :-1], axis=1)
        base = float(lag.multipliers.sum() + lag.rho[problem.fixed].sum())
        caps = radius_caps(lag.rho, base, order, level, problem.fixed, p, threshold)
        for sites in optimal:
            assert not close[list(sites)].any() and not (open_ & ~np.isin(np.arange(m), sites)).any()
            assert active[list(sites)].all()
            nearest = inst.cost[:, list(sites)].min(axis=1)
            used = np.array([level[i][np.searchsorted(dist[i], nearest[i])] for i in range(n)])
            assert (used <= caps).all()


@pytest.mark.parametrize("seed", SEEDS)
def test_stopped_solver_still_returns_a_solution_and_a_valid_bound(seed: int) -> None:
    inst = random_instance(seed, n_fixed=1, integral=bool(seed % 2))
    best = brute_median(inst, 3)
    for iterations in (0, 400):
        result = solve_pmedian(_problem(inst), 3, solver=StoppedSolver(), lagrangian_iterations=iterations)
        assert len(result.chosen) == 3 and _cost(inst, [*inst.fixed, *result.chosen]) == result.objective
        assert result.bound <= best + TOL <= result.objective + 2 * TOL
        if result.status != OPTIMAL:
            assert result.status == TIME_LIMIT and result.gap > 0


def test_tiny_time_limit_on_a_larger_instance() -> None:
    """300 clients x 300 candidates, p = 15, real costs, no Lagrangian, 10 ms: a feasible solution and a bound
    below it (and below the cost of an unrelated feasible solution, as any valid lower bound must be)."""
    rng = np.random.default_rng(11)
    xy = rng.uniform(0, 1000, (300, 2))
    cost = np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(axis=2))
    problem = MedianProblem.from_cost_matrix(cost, rng.uniform(1, 5, 300))
    result = solve_pmedian(problem, 15, time_limit=0.01, lagrangian_iterations=0)
    assert len(set(result.chosen)) == 15
    assert problem.objective(list(result.chosen)) == pytest.approx(result.objective)
    assert result.bound <= result.objective
    assert result.bound <= problem.objective(list(range(15))) + TOL


def test_p_zero_and_all_candidates() -> None:
    inst = random_instance(2, n_fixed=2)
    problem = _problem(inst)
    none = solve_pmedian(problem, 0)
    assert none.chosen == () and none.objective == pytest.approx(_cost(inst, list(inst.fixed))) and none.proven_optimal
    every = solve_pmedian(problem, len(inst.free))
    assert set(every.chosen) == set(inst.free) and every.objective == pytest.approx(_cost(inst, list(range(8))))


def test_zero_weights_and_ties() -> None:
    """Two clients with weight 0 do not matter; identical candidates (duplicated columns) tie."""
    cost = np.array([[0, 0, 5, 9], [4, 4, 0, 9], [9, 9, 9, 0], [1, 1, 1, 1.0]])
    problem = MedianProblem.from_cost_matrix(cost, [1, 1, 0, 0])
    result = solve_pmedian(problem, 2)
    assert result.objective == 0 and result.proven_optimal
    assert 2 in result.chosen and len({0, 1} & set(result.chosen)) == 1


@pytest.mark.parametrize(("p", "n_fixed"), [(-1, 2), (7, 2), (2.5, 2), (0, 0), (9, 0)])
def test_p_out_of_range(p: float, n_fixed: int) -> None:
    """p = 0 is allowed only when existing facilities serve the clients (else nothing could serve them)."""
    with pytest.raises(InputError) as info:
        solve_pmedian(_problem(random_instance(0, n_fixed=n_fixed)), p)  # type: ignore[arg-type]
    assert info.value.location.field == "k"


@pytest.mark.parametrize("cost", [np.array([[1.0, np.nan]]), np.array([[1.0, -1.0]]), np.array([1.0, 2.0])])
def test_bad_cost_matrix(cost: np.ndarray) -> None:
    with pytest.raises(InputError) as info:
        MedianProblem.from_cost_matrix(cost)
    assert info.value.location.field == "cost"


def test_enumeration_helper_agrees_with_a_hand_count() -> None:
    """The reference itself: 8 candidates, 2 fixed, p = 3 gives C(6, 3) = 20 sets, each with both fixed."""
    inst = random_instance(0, n_fixed=2)
    sets = subsets(inst, 3)
    assert len(sets) == len(list(itertools.combinations(range(6), 3))) == 20
    assert all(s[:2] == inst.fixed for s in sets)
