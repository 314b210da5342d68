"""Seeded synthetic siting instances shaped like a Korean district, for benchmarks and tests.

:func:`district` builds what the CCTV analysis sees in a ~6 x 6 km district: demand on 50 m grid cells (the
hot-spot grid), concentrated around commercial streets and station areas (Gaussian clusters of different size
and strength over a weak background), weighted by event counts (Poisson around the local intensity); and
candidate camera sites at street intersections (a jittered ~100 m street grid), more of them where demand is
high. Coordinates are EPSG:5186 metres around a Seoul-like origin. Everything comes from one
``numpy.random.Generator`` seeded by the caller, so an instance is reproducible from its seed alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mokmin.siting.points import Points

ORIGIN = (197_000.0, 548_000.0)  # EPSG:5186, inside Seoul


@dataclass(frozen=True)
class DistrictSpec:
    """Size of a synthetic district; the defaults are the benchmark's 10,000 x 2,000 instance."""

    n_demand: int = 10_000
    n_candidates: int = 2_000
    size: float = 6_000.0  # metres per side
    cell: float = 50.0  # demand grid cell (metres)
    street: float = 100.0  # street grid spacing for candidates (metres)
    clusters: int = 30


def _intensity(spec: DistrictSpec, rng: np.random.Generator, x: NDArray[np.float64], y: NDArray[np.float64]
               ) -> NDArray[np.float64]:
    cx = rng.uniform(0.1, 0.9, spec.clusters) * spec.size
    cy = rng.uniform(0.1, 0.9, spec.clusters) * spec.size
    sigma = rng.uniform(120.0, 500.0, spec.clusters)
    strength = rng.lognormal(0.0, 0.8, spec.clusters)
    value = np.full(x.shape, 0.05)
    for i in range(spec.clusters):
        value += strength[i] * np.exp(-((x - cx[i]) ** 2 + (y - cy[i]) ** 2) / (2 * sigma[i] ** 2))
    return value


def district(seed: int, spec: DistrictSpec | None = None) -> tuple[Points, Points]:
    """(demand cells, candidate sites) of a synthetic district (see the module docstring)."""
    spec = spec or DistrictSpec()
    rng = np.random.default_rng(seed)
    side = int(spec.size // spec.cell)
    gx, gy = np.meshgrid((np.arange(side) + 0.5) * spec.cell, (np.arange(side) + 0.5) * spec.cell)
    gx, gy = gx.ravel(), gy.ravel()
    intensity = _intensity(spec, rng, gx, gy)
    n_demand = min(spec.n_demand, gx.size)
    cells = rng.choice(gx.size, size=n_demand, replace=False, p=intensity / intensity.sum())
    # heavy-tailed counts, as in Cheonan's 2023 enforcement points (median 2, 75th percentile 8, max 7,165)
    level = np.log(intensity[cells] / np.median(intensity[cells]))
    weights = np.maximum(1.0, np.round(np.exp(0.7 + level + 1.6 * rng.standard_normal(n_demand))))
    demand = Points.from_arrays(ORIGIN[0] + gx[cells], ORIGIN[1] + gy[cells], weights=weights,
                                ids=[f"cell{c}" for c in cells])
    streets = int(spec.size // spec.street) + 1
    sx, sy = np.meshgrid(np.arange(streets) * spec.street, np.arange(streets) * spec.street)
    sx, sy = sx.ravel(), sy.ravel()
    near = np.sqrt(_intensity(spec, np.random.default_rng(seed), sx, sy))  # same clusters as the demand
    n_cand = min(spec.n_candidates, sx.size)
    picked = rng.choice(sx.size, size=n_cand, replace=False, p=near / near.sum())
    jitter = rng.uniform(-10.0, 10.0, size=(2, n_cand))
    candidates = Points.from_arrays(ORIGIN[0] + sx[picked] + jitter[0], ORIGIN[1] + sy[picked] + jitter[1],
                                    ids=[f"site{j}" for j in range(n_cand)])
    return demand, candidates


__all__ = ["ORIGIN", "DistrictSpec", "district"]
