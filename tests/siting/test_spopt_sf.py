"""PySAL spopt's San Francisco case (its ``test_locate``): 205 census tracts, 16 candidate stores, network
distances. The expected values are spopt's, recomputed by exhaustive search (expected.json beside the CSVs);
they are read from the shared test data, never copied here.

The distance file has one row per (store, tract) pair: ``distance, name (store), DestinationName (tract NAME),
demand``. The tract ``NAME`` (``060816029.00``) is read as text: as a number it would lose its leading zero.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass

import numpy as np
import pytest

from mokmin.siting.coverage import solve_mclp
from mokmin.siting.pmedian import solve_pmedian
from mokmin.siting.problems import CoverageProblem, MedianProblem
from tests.siting.conftest import SPOPT_SF

pytestmark = pytest.mark.skipif(not SPOPT_SF.is_dir(), reason=f"spopt test data not found at {SPOPT_SF}")


@dataclass(frozen=True)
class SanFrancisco:
    cost: np.ndarray  # tract x store, metres along the network
    population: np.ndarray  # POP2000 per tract
    stores: list[str]
    expected: dict


def _rows(name: str) -> list[dict[str, str]]:
    with (SPOPT_SF / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def sf() -> SanFrancisco:
    tracts = _rows("SF_demand_205_centroid_uniform_weight.csv")
    stores = [r["NAME"] for r in _rows("SF_store_site_16_longlat.csv")]
    row_of = {t["NAME"]: i for i, t in enumerate(tracts)}
    col_of = {s: j for j, s in enumerate(stores)}
    cost = np.full((len(tracts), len(stores)), np.nan)
    for r in _rows("SF_network_distance_candidateStore_16_censusTract_205_new.csv"):
        cost[row_of[r["DestinationName"]], col_of[r["name"]]] = float(r["distance"])
    assert not np.isnan(cost).any(), "every tract-store pair has a distance"
    population = np.array([float(t["POP2000"]) for t in tracts])
    expected = json.loads((SPOPT_SF / "expected.json").read_text(encoding="utf-8"))
    return SanFrancisco(cost, population, stores, expected)


def test_pmedian_population_weighted(sf: SanFrancisco) -> None:
    want = sf.expected["p_median"]
    assert want["weight"] == "POP2000"
    result = solve_pmedian(MedianProblem.from_cost_matrix(sf.cost, sf.population), want["p"])
    assert result.proven_optimal
    assert sorted(sf.stores[j] for j in result.chosen) == sorted(want["sites"])
    assert result.objective / sf.population.sum() == pytest.approx(want["mean_distance"], rel=1e-12)
    assert result.bound == pytest.approx(result.objective, rel=1e-9)


def test_mclp_population_weighted(sf: SanFrancisco) -> None:
    want = sf.expected["mclp"]
    problem = CoverageProblem.from_cost_matrix(sf.cost, sf.population, want["radius"])
    result = solve_mclp(problem, want["p"])
    assert result.proven_optimal and len(result.chosen) == want["p"]
    covered = (sf.cost[:, list(result.chosen)] <= want["radius"]).any(axis=1)
    assert int((~covered).sum()) == want["uncovered_clients"]
    assert round(100 * covered.mean(), 3) == want["percent_covered"]
    assert result.objective == sf.population[covered].sum()
