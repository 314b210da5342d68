"""The geo adapter: demand and candidate points (arrays or GeoJSON) -> the array cores -> a siting report.

Everything is in EPSG:5186 metres inside (DESIGN.md), so a radius is a Euclidean distance in metres: coverage
pairs come from a :class:`scipy.spatial.cKDTree` radius query (never the dense matrix), p-median costs from
:func:`scipy.spatial.distance.cdist`. GeoJSON input is RFC 7946 longitude/latitude unless it says otherwise
(a legacy ``crs`` member or the ``crs`` argument); Point features are used as they are, polygons (grid cells)
by their centroid. The analyses call :func:`site_cctv` and :func:`site_parking_lots`; their report carries the
result, the coverage curve, a table of open sites and GeoJSON layers for the map (in EPSG:4326).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from scipy import sparse
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

from mokmin.errors import ErrorLocation, InputError
from mokmin.geo import EPSG_5186, EPSG_WGS84, to_4326, transform_xy
from mokmin.siting.problems import CoverageProblem, CurvePoint, MedianProblem, SitingResult, as_capacities, as_mask
from mokmin.siting.solver import Solver


@dataclass(frozen=True)
class Points:
    """Points in EPSG:5186 with a weight (demand) or a fixed flag and capacity (candidates), and ids."""

    x: NDArray[np.float64]
    y: NDArray[np.float64]
    weights: NDArray[np.float64]
    ids: tuple[str, ...]
    fixed: NDArray[np.bool_]
    capacities: NDArray[np.float64] | None = None
    properties: tuple[dict[str, Any], ...] = field(default=(), repr=False)

    @classmethod
    def from_arrays(cls, x: ArrayLike, y: ArrayLike, *, weights: ArrayLike | None = None,
                    ids: ArrayLike | None = None, fixed: ArrayLike | None = None,
                    capacities: ArrayLike | None = None) -> Points:
        xs, ys = np.asarray(x, dtype=np.float64).ravel(), np.asarray(y, dtype=np.float64).ravel()
        if xs.shape != ys.shape or not (np.isfinite(xs).all() and np.isfinite(ys).all()):
            raise InputError("좌표 x, y의 길이가 같고 모두 유한해야 합니다", "x and y must have equal length and be finite",
                             location=ErrorLocation(field="x"))
        n = xs.size
        w = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
        if w.shape != (n,) or not np.isfinite(w).all() or (w < 0).any():
            raise InputError("가중치는 점마다 0 이상의 수여야 합니다", "weights must be one value >= 0 per point",
                             location=ErrorLocation(field="weight"))
        names = tuple(str(i) for i in (range(n) if ids is None else np.asarray(ids).ravel()))
        return cls(xs, ys, w, names, as_mask(fixed, n, "fixed"), as_capacities(capacities, n))

    @classmethod
    def from_geojson(cls, data: Mapping[str, Any] | str, *, weight: str = "weight", id_field: str = "id",
                     fixed: str = "fixed", capacity: str = "capacity", crs: int | None = None) -> Points:
        """From a FeatureCollection; missing weights are 1, missing capacities make the set uncapacitated."""
        doc = json.loads(data) if isinstance(data, str) else data
        features = list(doc.get("features", [])) if doc.get("type") == "FeatureCollection" else [doc]
        epsg = crs or _declared_epsg(doc) or EPSG_WGS84
        xs, ys, ws, names, flags, caps, props = [], [], [], [], [], [], []
        for row, feature in enumerate(features, start=1):
            geom = feature.get("geometry")
            if not geom:
                raise InputError("도형이 없는 피처입니다", "a feature has no geometry", location=ErrorLocation(row=row))
            point = shapely.geometry.shape(geom)
            point = point if point.geom_type == "Point" else point.centroid
            p = dict(feature.get("properties") or {})
            xs.append(point.x)
            ys.append(point.y)
            try:
                ws.append(float(p.get(weight, 1.0) or 0.0))
            except (TypeError, ValueError) as exc:
                raise InputError("가중치는 숫자여야 합니다", "the weight must be a number",
                                 location=ErrorLocation(field=weight, row=row, value=p.get(weight))) from exc
            names.append(str(p.get(id_field, feature.get("id", row - 1))))
            flags.append(bool(p.get(fixed, False)))
            caps.append(p.get(capacity))
            props.append(p)
        x, y = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
        if epsg != EPSG_5186 and x.size:
            x, y = transform_xy(x, y, epsg, EPSG_5186)
        capacities = None if any(c is None for c in caps) or not caps else [float(c) for c in caps]
        pts = cls.from_arrays(x, y, weights=ws, ids=names, fixed=np.asarray(flags, dtype=bool), capacities=capacities)
        return cls(pts.x, pts.y, pts.weights, pts.ids, pts.fixed, pts.capacities, tuple(props))

    def __len__(self) -> int:
        return int(self.x.size)

    @property
    def xy(self) -> NDArray[np.float64]:
        return np.column_stack([self.x, self.y])

    def with_existing(self, existing: Points | None) -> Points:
        """These candidates followed by ``existing`` facilities, which are marked fixed."""
        if existing is None or len(existing) == 0:
            return self
        caps = None
        if self.capacities is not None or existing.capacities is not None:
            if self.capacities is None or existing.capacities is None:
                raise InputError("후보와 기존 시설 모두 용량이 있어야 합니다", "give capacities for candidates and existing "
                                 "facilities alike", location=ErrorLocation(field="capacity"))
            caps = np.concatenate([self.capacities, existing.capacities])
        props = (self.properties or ({},) * len(self)) + (existing.properties or ({},) * len(existing))
        return Points(np.concatenate([self.x, existing.x]), np.concatenate([self.y, existing.y]),
                      np.concatenate([self.weights, existing.weights]), self.ids + existing.ids,
                      np.concatenate([self.fixed, np.ones(len(existing), dtype=bool)]), caps, props)


def _declared_epsg(doc: Mapping[str, Any]) -> int | None:
    name = str(((doc.get("crs") or {}).get("properties") or {}).get("name", ""))
    digits = name.replace("::", ":").rsplit(":", 1)[-1]
    return int(digits) if digits.isdigit() else (EPSG_WGS84 if "CRS84" in name else None)


def coverage_matrix(demand: Points, candidates: Points, radius: float) -> sparse.csr_array:
    """0/1 demand x candidate matrix: 1 where the Euclidean distance is <= ``radius`` metres (cKDTree)."""
    if radius < 0:
        raise InputError("반경은 0 이상이어야 합니다", "the radius must be >= 0", location=ErrorLocation(field="radius"))
    pairs = cKDTree(demand.xy).sparse_distance_matrix(cKDTree(candidates.xy), radius, output_type="ndarray")
    return sparse.csr_array((np.ones(pairs.size), (pairs["i"], pairs["j"])), shape=(len(demand), len(candidates)))


def coverage_problem(demand: Points, candidates: Points, radius: float) -> CoverageProblem:
    return CoverageProblem.from_coverage(coverage_matrix(demand, candidates, radius), demand.weights,
                                         fixed=candidates.fixed, capacities=candidates.capacities)


def median_problem(demand: Points, candidates: Points) -> MedianProblem:
    return MedianProblem.from_cost_matrix(cdist(demand.xy, candidates.xy), demand.weights, fixed=candidates.fixed,
                                          capacities=candidates.capacities)


@dataclass(frozen=True)
class SitingReport:
    """A result with the points it refers to, the curve of objective against k, and map/table views."""

    result: SitingResult
    curve: tuple[CurvePoint, ...]
    demand: Points
    candidates: Points
    radius: float | None = None

    def table(self) -> list[dict[str, Any]]:
        """One row per open site, existing first, then new sites by greedy rank."""
        lon, lat = to_4326(self.candidates.x, self.candidates.y)
        rows = []
        for site in self.result.sites:
            j = site.index
            rows.append({"rank": site.rank + 1, "id": self.candidates.ids[j], "existing": site.fixed,
                         "x": float(self.candidates.x[j]), "y": float(self.candidates.y[j]),
                         "lon": float(lon[j]), "lat": float(lat[j]), "marginal_gain": site.marginal_gain,
                         "reach": site.reach, "load": site.load, "capacity": site.capacity})
        return rows

    def sites_geojson(self) -> dict[str, Any]:
        """Open sites as EPSG:4326 points with their table row as properties."""
        return {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
             "properties": {k: v for k, v in row.items() if k not in {"lon", "lat"}}} for row in self.table()]}

    def demand_geojson(self) -> dict[str, Any]:
        """Demand points with the id of the site they are attributed to (``null``: not covered)."""
        lon, lat = to_4326(self.demand.x, self.demand.y)
        owner = self.result.assignment
        return {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(lon[i]), float(lat[i])]},
             "properties": {"id": self.demand.ids[i], "weight": float(self.demand.weights[i]),
                            "site": None if owner is None or owner[i] < 0 else self.candidates.ids[int(owner[i])]}}
            for i in range(len(self.demand))]}


def site_cctv(demand: Points | Mapping[str, Any], candidates: Points | Mapping[str, Any],
              existing: Points | Mapping[str, Any] | None, k: int, radius: float = 150.0, *,
              time_limit: float | None = 60.0, curve_k: int | None = None, solver: Solver | None = None
              ) -> SitingReport:
    """Fixed CCTV: ``k`` new cameras maximising the demand within ``radius`` m, existing cameras counted first.

    The curve runs to ``curve_k`` (default ``2 k``, at most the candidates), exact at each k within
    ``time_limit / 10`` seconds per point, greedy with its bound otherwise.
    """
    from mokmin.siting.coverage import coverage_curve, solve_mclp

    d, c = _points(demand), _points(candidates).with_existing(_points(existing) if existing is not None else None)
    problem = coverage_problem(d, c, radius)
    result = solve_mclp(problem, k, solver=solver, time_limit=time_limit)
    top = min(curve_k if curve_k is not None else max(2 * k, 1), int((~problem.fixed).sum()))
    per_k = None if time_limit is None else max(time_limit / 10, 0.5)
    curve = coverage_curve(problem, top, solver=solver, time_limit_per_k=per_k)
    return SitingReport(result, tuple(curve), d, c, radius)


def site_parking_lots(demand: Points | Mapping[str, Any], candidates: Points | Mapping[str, Any], k: int, *,
                      walk: float = 300.0, objective: str = "coverage",
                      existing: Points | Mapping[str, Any] | None = None, time_limit: float | None = 60.0,
                      curve_k: int | None = None, solver: Solver | None = None) -> SitingReport:
    """Public parking lots: ``objective="coverage"`` serves the most chronic demand within ``walk`` m with lot
    capacities; ``"median"`` minimises demand-weighted walking distance (capacitated when capacities are given).
    """
    from mokmin.siting.capacitated import solve_capacitated_cover, solve_capacitated_median

    d, c = _points(demand), _points(candidates).with_existing(_points(existing) if existing is not None else None)
    if objective not in {"coverage", "median"}:
        raise InputError("objective는 coverage 또는 median이어야 합니다", "objective must be 'coverage' or 'median'",
                         location=ErrorLocation(field="objective", value=objective))
    free = int((~c.fixed).sum())
    top = min(curve_k if curve_k is not None else max(2 * k, 1), free)
    per_k = None if time_limit is None else max(time_limit / 10, 0.5)
    curve: list[CurvePoint] = []
    if objective == "coverage":
        problem = coverage_problem(d, c, walk)
        result = solve_capacitated_cover(problem, k, solver=solver, time_limit=time_limit)
        solve = lambda kk: solve_capacitated_cover(problem, kk, solver=solver, time_limit=per_k)  # noqa: E731
    else:
        mproblem = median_problem(d, c)
        result = solve_capacitated_median(mproblem, k, solver=solver, time_limit=time_limit)
        solve = lambda kk: solve_capacitated_median(mproblem, kk, solver=solver, time_limit=per_k)  # noqa: E731
    first = 0 if c.fixed.any() else 1  # with existing lots, k = 0 shows what they do on their own
    for kk in range(first, top + 1):
        r = result if kk == k else solve(kk)
        curve.append(CurvePoint(kk, r.objective, r.bound, "exact", r.status, r.chosen))
    return SitingReport(result, tuple(_monotone(curve, result.sense)), d, c, walk if objective == "coverage" else None)


def _monotone(curve: list[CurvePoint], sense: str) -> list[CurvePoint]:
    """One more site never hurts: carry the better value forward when a time-limited point fell short."""
    out: list[CurvePoint] = []
    for point in curve:
        if out and ((sense == "max" and out[-1].objective > point.objective)
                    or (sense == "min" and out[-1].objective < point.objective)):
            point = CurvePoint(point.k, out[-1].objective, point.bound, point.method, point.status, out[-1].sites)
        out.append(point)
    return out


def _points(value: Points | Mapping[str, Any]) -> Points:
    return value if isinstance(value, Points) else Points.from_geojson(value)


__all__ = ["Points", "SitingReport", "coverage_matrix", "coverage_problem", "median_problem", "site_cctv",
           "site_parking_lots"]
