"""What the siting analyses read from the hub: demand on grid cells, existing facilities, candidate sites.

Why demand on cells and not on single records: a covering model needs one row per demand point, and ten
thousand 50 m cells hold a district's three years of enforcement as well as three million rows would, while the
solver stays in seconds. Counting runs in the engine (a portable :class:`Aggregate`, so DuckDB or Spark), and
only the small cell table comes back. A cell's demand point is its centre; with 50 m cells a site 150 m away
is "in reach" to within 35 m.

Demand weights (the parameters of each analysis name them):

- **CCTV**: violations + ``complaint_weight`` x complaints per cell (complaints placed by the gazetteer).
- **Parking lots**, "chronic" demand that a lot could absorb: night-time violations (``night_hours``), plus
  *long stays* (the same pseudonymised plate enforced more than once in the same cell on the same day: every
  record after the first is a car that stayed), plus ``complaint_weight`` x complaints. Divided by the days of
  the period, it is demand per day, in cars (one record = one car that had nowhere to park).

Only precisely placed rows (``geo_quality`` exact or normalised) count by default: rows placed at a dong's centroid
would pile up in one cell and attract a site to the middle of the dong.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from mokmin.analyses.base import Context
from mokmin.errors import ErrorLocation, InputError
from mokmin.hub.engine.portable import (
    Aggregate,
    Column,
    IsIn,
    NotNull,
    Range,
    cell,
    col,
    count,
    count_distinct,
    date,
    hour,
)
from mokmin.hub.engine.portable import weekday as weekday_part
from mokmin.hub.schemas import get_schema
from mokmin.siting.points import Points

PRECISE = ("exact", "normalised")

__all__ = [
    "PRECISE",
    "CellDemand",
    "candidate_points",
    "cell_demand",
    "existing_points",
    "filters",
    "grid_candidates",
    "period_days",
]


@dataclass(frozen=True)
class CellDemand:
    """Demand per occupied cell: centre coordinates (EPSG:5186), weight, parts, and hour x weekday counts."""

    size: float
    ix: NDArray[np.int64]
    iy: NDArray[np.int64]
    weight: NDArray[np.float64]
    parts: dict[str, NDArray[np.float64]]  # e.g. {"violations": ..., "complaints": ...} per cell
    by_time: NDArray[np.float64]  # cells x 7 weekdays x 24 hours, weighted like ``weight``

    @property
    def x(self) -> NDArray[np.float64]:
        return (self.ix + 0.5) * self.size

    @property
    def y(self) -> NDArray[np.float64]:
        return (self.iy + 0.5) * self.size

    def points(self) -> Points:
        return Points.from_arrays(self.x, self.y, weights=self.weight,
                                  ids=[f"{i}_{j}" for i, j in zip(self.ix.tolist(), self.iy.tolist(), strict=True)])


def filters(context: Context, role: str, schema: str, start: dt.date | None, end: dt.date | None,
            precise_only: bool, hours: tuple[int, ...] = ()) -> tuple[Any, ...]:
    """Period (``end`` inclusive), hours of day and placement quality of one input, as engine filters."""
    time = get_schema(schema).time_field
    where: list[Any] = [NotNull(col("x_5186")), NotNull(col("y_5186"))]
    if (start or end) and time:
        where.append(Range(Column(time), dt.datetime.combine(start, dt.time()) if start else None,
                           dt.datetime.combine(end + dt.timedelta(days=1), dt.time()) if end else None))
    if hours and time:
        where.append(IsIn(hour(time), tuple(sorted(set(hours)))))
    if precise_only and "geo_quality" in context.engine.schema(role).names:
        where.append(IsIn(col("geo_quality"), PRECISE))
    return tuple(where)


def _time_cells(context: Context, role: str, schema: str, size: float, where: tuple[Any, ...]) -> pa.Table:
    time = get_schema(schema).time_field
    spec = Aggregate(role, by=(cell("x_5186", size, name="ix"), cell("y_5186", size, name="iy"),
                               weekday_part(time, "weekday"), hour(time, "hour")),
                     measures=(count("n"),), where=where)
    table = context.engine.aggregate(spec)
    return table.filter(pc.and_(pc.is_valid(table["ix"]), pc.is_valid(table["iy"])))


def _long_stays(context: Context, role: str, schema: str, size: float, where: tuple[Any, ...]) -> pa.Table:
    """Per cell x day: records of a plate beyond its first that day and cell (cars that stayed); rows without a
    plate (exports that drop it) count for nothing, rather than all as repeats."""
    s = get_schema(schema)
    plate = next((f.name for f in s.fields if f.personal == "vehicle"), None)
    if plate is None or plate not in context.engine.schema(role).names:
        return pa.table({"ix": pa.array([], pa.int64()), "iy": pa.array([], pa.int64()),
                         "weekday": pa.array([], pa.int64()), "hour": pa.array([], pa.int64()),
                         "n": pa.array([], pa.int64())})
    spec = Aggregate(role, by=(cell("x_5186", size, name="ix"), cell("y_5186", size, name="iy"),
                               date(s.time_field, "day"), weekday_part(s.time_field, "weekday")),
                     measures=(count("n"), count_distinct(plate, "cars")), where=(*where, NotNull(col(plate))))
    table = context.engine.aggregate(spec)
    table = table.filter(pc.and_(pc.is_valid(table["ix"]), pc.is_valid(table["iy"])))
    extra = pc.subtract(table["n"], table["cars"])
    keep = pc.greater(extra, 0)
    out = table.filter(keep)
    # a long stay has no single hour: it is kept with hour -1, counted in the cell's demand but not in the heatmap
    return pa.table({"ix": out["ix"], "iy": out["iy"], "weekday": out["weekday"],
                     "hour": pa.array(np.full(out.num_rows, -1), pa.int64()), "n": extra.filter(keep)})


def cell_demand(context: Context, parts: dict[str, tuple[str, str, float, tuple[Any, ...], str]], size: float
                ) -> CellDemand:
    """Add up weighted counts per cell. ``parts``: name -> (role, schema, weight, filters, kind) with kind
    ``records`` (every record) or ``long_stays`` (repeat records of the same plate, cell and day)."""
    tables: dict[str, pa.Table] = {}
    for name, (role, schema, _weight, where, kind) in parts.items():
        if role not in context.engine.tables():
            continue
        reader = _long_stays if kind == "long_stays" else _time_cells
        tables[name] = reader(context, role, schema, size, where)
    keys = sorted({(int(i), int(j)) for t in tables.values()
                   for i, j in zip(t["ix"].to_pylist(), t["iy"].to_pylist(), strict=True)})
    index = {k: n for n, k in enumerate(keys)}
    n_cells = len(keys)
    by_time = np.zeros((n_cells, 7, 24))
    totals: dict[str, NDArray[np.float64]] = {}
    for name, table in tables.items():
        weight = parts[name][2]
        rows = np.array([index[(i, j)] for i, j in zip(table["ix"].to_pylist(), table["iy"].to_pylist(),
                                                          strict=True)], dtype=np.int64)
        n = table["n"].to_numpy().astype(np.float64)
        totals[name] = np.bincount(rows, weights=n, minlength=n_cells) if rows.size else np.zeros(n_cells)
        hours = table["hour"].to_numpy().astype(np.int64)
        days = table["weekday"].to_numpy().astype(np.int64)
        timed = hours >= 0
        np.add.at(by_time, (rows[timed], days[timed], hours[timed]), weight * n[timed])
    weight = np.zeros(n_cells)
    for name, values in totals.items():
        weight += parts[name][2] * values
    ij = np.array(keys, dtype=np.int64).reshape(-1, 2)
    keep = weight > 0
    return CellDemand(float(size), ij[keep, 0], ij[keep, 1], weight[keep],
                      {k: v[keep] for k, v in totals.items()}, by_time[keep])


def period_days(context: Context, role: str, schema: str, where: tuple[Any, ...]) -> int:
    """Days from the first to the last record of ``role`` under ``where`` (at least 1)."""
    time = get_schema(schema).time_field
    spec = Aggregate(role, by=(date(time, "day"),), measures=(count("n"),), where=where)
    days = context.engine.aggregate(spec)["day"].to_pylist()
    days = [d for d in days if d is not None]
    if not days:
        return 1
    return max(1, (max(days) - min(days)).days + 1)


def _rows(context: Context, role: str, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """The distinct rows of a small table (facilities, candidates) with the columns it has, placed ones only."""
    names = context.engine.schema(role).names
    present = tuple(c for c in columns if c in names)
    spec = Aggregate(role, by=tuple(col(c) for c in present), measures=(count("n"),))
    return [r for r in context.engine.aggregate(spec).to_pylist()
            if r.get("x_5186") is not None and r.get("y_5186") is not None]


def existing_points(context: Context, role: str, *, label: str, capacity: str | None = None,
                    where: dict[str, str] | None = None, capacity_share: float = 1.0) -> Points | None:
    """Existing facilities of ``role`` (CCTV, parking lots) as fixed points; ``where``: column -> text that must
    occur in it (e.g. 설치목적구분 containing 주정차). None when the input was not given."""
    if role not in context.engine.tables():
        return None
    columns = ("x_5186", "y_5186", label, *((capacity,) if capacity else ()), *(where or {}))
    rows = _rows(context, role, columns)
    for column, text in (where or {}).items():
        rows = [r for r in rows if text in str(r.get(column) or "")]
    if not rows:
        return Points.from_arrays([], [], ids=[])
    caps = None
    if capacity:
        caps = [float(r.get(capacity) or 0) * capacity_share for r in rows]
    pts = Points.from_arrays([r["x_5186"] for r in rows], [r["y_5186"] for r in rows],
                             ids=[str(r.get(label) or f"#{n + 1}") for n, r in enumerate(rows)],
                             fixed=np.ones(len(rows), dtype=bool), capacities=caps)
    props = tuple({"name": str(r.get(label) or ""), **({"count": r["n"]} if r.get("n", 1) > 1 else {})}
                  for r in rows)
    return Points(pts.x, pts.y, pts.weights, pts.ids, pts.fixed, pts.capacities, props)


def candidate_points(context: Context, kind: str, *, default_capacity: float | None = None) -> Points | None:
    """Candidate sites of type ``kind`` (``cctv`` or ``parking_lot``) from the ``candidates`` input, or None."""
    if "candidates" not in context.engine.tables():
        return None
    rows = _rows(context, "candidates", ("후보번호", "후보유형", "후보명", "행정동", "수용대수", "x_5186", "y_5186"))
    rows = sorted((r for r in rows if r.get("후보유형") == kind), key=lambda r: str(r["후보번호"]))
    if not rows:
        raise InputError(f"후보지 데이터에 유형 '{kind}'인 행이 없습니다", f"the candidate sites have no row of type "
                         f"'{kind}'", location=ErrorLocation(field="후보유형", value=kind))
    caps = None
    if default_capacity is not None:
        caps = [float(r["수용대수"]) if r.get("수용대수") is not None else default_capacity for r in rows]
    pts = Points.from_arrays([r["x_5186"] for r in rows], [r["y_5186"] for r in rows],
                             ids=[str(r["후보번호"]) for r in rows], capacities=caps)
    props = tuple({"name": str(r.get("후보명") or ""), "dong": str(r.get("행정동") or "")} for r in rows)
    return Points(pts.x, pts.y, pts.weights, pts.ids, pts.fixed, pts.capacities, props)


def cell_dongs(context: Context, role: str, schema: str, size: float, where: tuple[Any, ...]
               ) -> dict[tuple[int, int], str]:
    """The dong most records of each ``size`` m cell name (empty when the input carries no dong)."""
    dong = get_schema(schema).dong_field
    if not dong or role not in context.engine.tables() or dong not in context.engine.schema(role).names:
        return {}
    spec = Aggregate(role, by=(cell("x_5186", size, name="ix"), cell("y_5186", size, name="iy"), col(dong, "dong")),
                     measures=(count("n"),), where=where)
    best: dict[tuple[int, int], tuple[int, str]] = {}
    for r in context.engine.aggregate(spec).to_pylist():
        if r["ix"] is None or r["iy"] is None or not r["dong"]:
            continue
        key = (int(r["ix"]), int(r["iy"]))
        if key not in best or (r["n"], r["dong"]) > best[key]:
            best[key] = (r["n"], r["dong"])
    return {k: v[1] for k, v in best.items()}


def grid_candidates(demand: CellDemand, size: float, limit: int, *, capacity: float | None = None,
                    dongs: dict[tuple[int, int], str] | None = None) -> Points:
    """Without a candidate list: the centres of the ``limit`` cells of ``size`` m holding the most demand,
    named by their dong (``dongs``, from :func:`cell_dongs` on the same grid)."""
    ix = np.floor(demand.x / size).astype(np.int64)
    iy = np.floor(demand.y / size).astype(np.int64)
    keys, inverse = np.unique(np.stack([ix, iy], axis=1), axis=0, return_inverse=True)
    totals = np.bincount(inverse.ravel(), weights=demand.weight, minlength=len(keys))
    top = np.argsort(-totals, kind="stable")[:limit]
    top = top[np.lexsort((keys[top, 1], keys[top, 0]))]
    cx, cy = (keys[top, 0] + 0.5) * size, (keys[top, 1] + 0.5) * size
    ids = [f"G{int(i)}_{int(j)}" for i, j in keys[top]]
    caps = None if capacity is None else np.full(top.size, float(capacity))
    pts = Points.from_arrays(cx, cy, ids=ids, capacities=caps)
    names = [(dongs or {}).get((int(i), int(j)), "") for i, j in keys[top]]
    props = tuple({"name": f"{dong} 일대 격자 {ident}" if dong else f"격자 {ident}", "dong": dong}
                  for ident, dong in zip(ids, names, strict=True))
    return Points(pts.x, pts.y, pts.weights, pts.ids, pts.fixed, pts.capacities, props)
