"""A siting report as what the page, the CLI and the report exports show: tables, map layers, charts, narrative.

Kept apart from the two analyses (:mod:`mokmin.analyses.siting`) because both present the same things: which
sites, what each adds (its marginal gain in the greedy re-ranking, so the first row is the most valuable), the
coverage curve with proven bounds, demand cells coloured by who covers them, catchment circles, and an hour x
weekday heatmap of the demand the new sites reach.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import shapely
from numpy.typing import NDArray

from mokmin.analyses.base import Chart, MapLayer, Narrative
from mokmin.analyses.grid import squares_geojson
from mokmin.analyses.hotspots import heatmap_chart
from mokmin.analyses.siting_inputs import CellDemand
from mokmin.geo import to_4326
from mokmin.siting.points import SitingReport

__all__ = ["MAX_CELLS", "SitingOutput"]

MAX_CELLS = 6000  # demand cells drawn on the page (the busiest); the table keeps them all
STATUS_COLORS = {"new": "#e6550d", "existing": "#3182bd", "none": "#636363"}
STATUS_LABELS = {"new": ("새 시설이 담당", "reached by a new site"), "existing": ("기존 시설이 담당", "reached by an existing one"),
                 "none": ("닿지 않음", "not reached")}
_NOUN = {"cctv": ("CCTV", "cameras"), "parking_lot": ("주차장", "lots")}


def _circle(x: float, y: float, radius: float) -> list[list[list[float]]]:
    """A circle of ``radius`` m around an EPSG:5186 point as a WGS84 GeoJSON ring (64 segments)."""
    ring = np.asarray(shapely.Point(x, y).buffer(radius, quad_segs=16).exterior.coords)
    lon, lat = to_4326(ring[:, 0], ring[:, 1])
    return [[[round(float(a), 7), round(float(b), 7)] for a, b in zip(lon, lat, strict=True)]]


class SitingOutput:
    """Views of one :class:`SitingReport` over its demand cells. ``kind``: ``cctv`` or ``parking_lot``;
    ``days``: the length of the period when demand is per day (parking lots)."""

    def __init__(self, report: SitingReport, demand: CellDemand, kind: str, *, candidate_source: str,
                 days: int | None = None) -> None:
        self.report, self.demand, self.kind, self.source, self.days = report, demand, kind, candidate_source, days
        self.result = report.result
        cands = report.candidates
        self.props = cands.properties or ({},) * len(cands)
        owner = self.result.assignment if self.result.assignment is not None else np.full(demand.weight.size, -1)
        self.owner = np.asarray(owner, dtype=np.int64)
        fixed = cands.fixed
        self.status = np.where(self.owner < 0, "none", np.where(fixed[np.maximum(self.owner, 0)], "existing", "new"))
        self.total = float(demand.weight.sum())
        self.covering = self.result.sense == "max"
        self._rows: list[dict[str, Any]] | None = None

    # ---- numbers ---------------------------------------------------------------------------------------
    def _share(self, value: float) -> float:
        return value / self.total * 100 if self.total else 0.0

    def _mean_walk(self, cost: float) -> float:
        return cost / self.total if self.total else 0.0

    def _new_rows(self) -> list[dict[str, Any]]:
        return [r for r in self.site_rows() if not r["existing"]]

    def site_rows(self) -> list[dict[str, Any]]:
        """New sites first, ranked 1..k in greedy order (gains measured after the existing ones), then existing
        facilities (rank empty). Built once: the tables, the map and the narrative all read it."""
        if self._rows is None:
            self._rows = self._site_rows()
        return self._rows

    def _site_rows(self) -> list[dict[str, Any]]:
        new, old = [], []
        position = {ident: j for j, ident in enumerate(self.report.candidates.ids)}
        for row in self.report.table():
            props = self.props[position[row["id"]]]
            full = {**row, "name": str(props.get("name", "")), "dong": str(props.get("dong", "")),
                    "gain_share": round(self._share(row["marginal_gain"]), 3) if self.covering else None}
            (old if row["existing"] else new).append(full)
        for rank, row in enumerate(new, start=1):
            row["rank"] = rank
        for row in old:
            row["rank"] = None
        return new + old

    # ---- tables ----------------------------------------------------------------------------------------
    def tables(self) -> dict[str, pa.Table]:
        sites = self.site_rows()
        site_schema = pa.schema([("rank", pa.int64()), ("id", pa.string()), ("name", pa.string()),
                                 ("dong", pa.string()), ("existing", pa.bool_()), ("lon", pa.float64()),
                                 ("lat", pa.float64()), ("marginal_gain", pa.float64()), ("gain_share", pa.float64()),
                                 ("reach", pa.float64()), ("load", pa.float64()), ("capacity", pa.float64())])
        curve = [{"k": c.k, "objective": c.objective, "bound": c.bound, "status": c.status, "method": c.method,
                  "share": round(self._share(c.objective), 3) if self.covering else None,
                  "mean_walk_m": None if self.covering else round(self._mean_walk(c.objective), 1)}
                 for c in self.report.curve]
        curve_schema = pa.schema([("k", pa.int64()), ("objective", pa.float64()), ("bound", pa.float64()),
                                  ("status", pa.string()), ("method", pa.string()), ("share", pa.float64()),
                                  ("mean_walk_m", pa.float64())])
        d = self.demand
        lon, lat = to_4326(d.x, d.y)
        ids = self.report.candidates.ids
        cells = {"ix": d.ix, "iy": d.iy, "lon": np.round(lon, 7), "lat": np.round(lat, 7),
                 "demand": np.round(d.weight, 4), **{k: v for k, v in d.parts.items()},
                 "site": pa.array([ids[o] if o >= 0 else "" for o in self.owner.tolist()], pa.string()),
                 "status": pa.array(self.status.tolist(), pa.string())}
        return {"sites": pa.Table.from_pylist([{k: r[k] for k in site_schema.names} for r in sites],
                                              schema=site_schema),
                "curve": pa.Table.from_pylist(curve, schema=curve_schema), "cells": pa.table(cells)}

    # ---- map ---------------------------------------------------------------------------------------------
    def layers(self) -> tuple[MapLayer, ...]:
        d = self.demand
        top = np.argsort(-d.weight, kind="stable")[:MAX_CELLS]
        ids = self.report.candidates.ids
        props: dict[str, NDArray[Any]] = {
            "demand": np.round(d.weight[top], 3), "status": self.status[top],
            "site": np.array([ids[o] if o >= 0 else "" for o in self.owner[top].tolist()], dtype=object),
            "color": np.array([STATUS_COLORS[s] for s in self.status[top]], dtype=object),
            "label": np.array([f"{w:,.1f}" for w in d.weight[top]], dtype=object)}
        cells = MapLayer("demand", "수요 격자", "demand cells", squares_geojson(d.ix[top], d.iy[top], d.size, props),
                         {"property": "status", "categories": STATUS_COLORS,
                          "labels": {k: v[0] for k, v in STATUS_LABELS.items()}, "fillOpacity": 0.6, "weight": 1,
                          "outline": "fill"})
        layers = [cells]
        radius = self.report.radius
        cands = self.report.candidates
        if radius:
            rings = [{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": _circle(
                float(cands.x[s.index]), float(cands.y[s.index]), radius)},
                "properties": {"id": ids[s.index], "existing": s.fixed, "color": "#fdd0a2" if not s.fixed else "#c6dbef",
                               "fill": "#fdd0a2" if not s.fixed else "#c6dbef",
                               "label": f"{ids[s.index]} {radius:g} m"}}
                for s in self.result.sites]
            layers.append(MapLayer("reach", f"반경 {radius:g} m", f"{radius:g} m reach",
                                   {"type": "FeatureCollection", "features": rings},
                                   {"overlay": True, "color": "#fd8d3c", "fillOpacity": 0.15, "weight": 1,
                                    "opacity": 0.15}))
        new_points, old_points = [], []
        for row in self.site_rows():
            name = row["name"] or row["id"]
            text = f"{row['rank']}. {name}" if not row["existing"] else f"기존 {name}"
            colour = "#6baed6" if row["existing"] else "#a50f15"
            (old_points if row["existing"] else new_points).append({
                "type": "Feature", "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                "properties": {"rank": row["rank"], "id": row["id"], "name": name, "existing": row["existing"],
                               "marginal_gain": round(row["marginal_gain"], 3), "color": colour,
                               "marker-color": colour, "radius": 4 if row["existing"] else 8, "label": text}})
        noun_ko, noun_en = _NOUN[self.kind]
        if old_points:
            layers.append(MapLayer("existing", f"기존 {noun_ko}", f"existing {noun_en}",
                                   {"type": "FeatureCollection", "features": old_points},
                                   {"overlay": True, "color": "#6baed6", "radius": 4}))
        # the map zooms to the new sites: existing facilities far away would shrink the view to a dot
        layers.append(MapLayer("sites", f"새로 고른 {noun_ko}", f"chosen new {noun_en}",
                               {"type": "FeatureCollection", "features": new_points},
                               {"overlay": True, "color": "#a50f15", "radius": 6, "fit": True}))
        return tuple(layers)

    # ---- charts ------------------------------------------------------------------------------------------
    def charts(self) -> tuple[Chart, ...]:
        curve = self.report.curve
        ks = [str(c.k) for c in curve]
        if self.covering:
            values = [round(self._share(c.objective), 2) for c in curve]
            bounds = [round(self._share(c.bound), 2) for c in curve]
            title = ("새 시설 수(k)에 따른 수요 포괄률(%)", "Share of demand reached against k (%)")
            names = ("포괄률 / reached", "증명된 상한 / proven bound")
        else:
            values = [round(self._mean_walk(c.objective), 1) for c in curve]
            bounds = [round(self._mean_walk(c.bound), 1) for c in curve]
            title = ("새 주차장 수(k)에 따른 평균 도보 거리(m)", "Mean walk against k (m)")
            names = ("평균 도보 거리 / mean walk", "증명된 하한 / proven bound")
        curve_chart = Chart(title[0], title[1], "line", {
            "xAxis": {"type": "category", "data": ks, "name": "k"}, "yAxis": {"type": "value"},
            "series": [{"name": names[0], "type": "line", "data": values},
                       {"name": names[1], "type": "line", "data": bounds, "lineStyle": {"type": "dashed"}}]})
        rows = self._new_rows()
        unit = "건" if self.kind == "cctv" else "대/일"
        gain_chart = Chart(f"선정 순위별 추가 효과({unit})", "What each chosen site adds", "bar", {
            "xAxis": {"type": "category", "data": [f"{r['rank']}. {r['name'] or r['id']}" for r in rows]},
            "yAxis": {"type": "value"},
            "series": [{"name": "추가 효과 / marginal gain", "type": "bar",
                        "data": [round(abs(r["marginal_gain"]), 2) for r in rows]}]})
        reached = self.demand.by_time[self.status == "new"].sum(axis=0) * (self.days or 1)
        heat = heatmap_chart(np.round(reached), "새 시설이 담당하는 수요의 요일 × 시간대",
                             "Demand the new sites reach, weekday x hour")
        return curve_chart, gain_chart, heat

    # ---- words -------------------------------------------------------------------------------------------
    def _optimality(self) -> tuple[str, str]:
        r = self.result
        if r.proven_optimal:
            return "이 배치는 증명된 최적해입니다(HiGHS).", "This choice is proven optimal (HiGHS)."
        return (f"제한 시간 안에 찾은 해이며 최적과의 차이는 최대 {r.gap * 100:.2f}%입니다.",
                f"Best solution within the time limit; at most {r.gap * 100:.2f}% from the optimum.")

    def narrative(self) -> Narrative:
        r = self.result
        rows = self._new_rows()
        k = len(rows)
        opt_ko, opt_en = self._optimality()
        top = rows[0] if rows else None
        top_ko = f" 가장 효과가 큰 곳은 {top['name'] or top['id']}입니다." if top else ""
        top_en = f" The most valuable site is {top['name'] or top['id']}." if top else ""
        n_fixed = len(r.fixed)
        last = self.report.curve[-1] if self.report.curve else None
        if self.kind == "cctv":
            gained = r.objective - r.fixed_objective
            ko = (f"새 고정식 CCTV {k}대를 표의 위치에 두면 반경 {self.report.radius:g} m 안의 단속·민원 수요 "
                  f"{gained:,.0f}건({self._share(gained):.1f}%)이 새로 단속 범위에 들어옵니다.")
            en = (f"{k} new fixed cameras at the sites listed bring {gained:,.0f} records of demand "
                  f"({self._share(gained):.1f}%) within {self.report.radius:g} m.")
            if n_fixed:
                ko += (f" 기존 CCTV {n_fixed}대가 이미 {self._share(r.fixed_objective):.1f}%를 덮고 있어 합계 "
                       f"{self._share(r.objective):.1f}%입니다.")
                en += (f" The {n_fixed} existing cameras already reach {self._share(r.fixed_objective):.1f}%, so "
                       f"together {self._share(r.objective):.1f}%.")
            ko += f"{top_ko} {opt_ko}"
            en += f"{top_en} {opt_en}"
            if last is not None and last.k > k:
                ko += f" {last.k}대로 늘리면 {self._share(last.objective):.1f}%까지 올라갑니다(곡선 참고)."
                en += f" With {last.k} cameras it would reach {self._share(last.objective):.1f}% (see the curve)."
            return Narrative(ko, en)
        per = "하루 평균" if self.days else ""
        if self.covering:
            ko = (f"새 공영주차장 {k}곳을 표의 위치에 두면 도보 {self.report.radius:g} m 안의 만성 주차 수요(야간 단속, "
                  f"장시간 주차, 민원; {per} {self.total:,.1f}대) 가운데 {'기존 주차장의 여유분을 포함해 ' if n_fixed else ''}"
                  f"{r.objective:,.1f}대({self._share(r.objective):.1f}%)를 수용할 수 있습니다.{top_ko} {opt_ko}")
            en = (f"{k} new public lots at the sites listed can take {r.objective:,.1f} cars "
                  f"({self._share(r.objective):.1f}%) of the chronic demand within a {self.report.radius:g} m walk "
                  f"(night violations, long stays, complaints; {self.total:,.1f} cars per day)"
                  f"{', spare spaces of existing lots included' if n_fixed else ''}.{top_en} {opt_en}")
            return Narrative(ko, en)
        walk = self._mean_walk(r.objective)
        ko = (f"새 공영주차장 {k}곳을 표의 위치에 두면 만성 주차 수요의 평균 도보 거리가 {walk:,.0f} m가 됩니다"
              f"{f'(기존 공영주차장 {n_fixed}곳 포함)' if n_fixed else ''}.{top_ko} {opt_ko}")
        en = (f"{k} new public lots at the sites listed bring the demand-weighted mean walk to {walk:,.0f} m "
              f"{f' ({n_fixed} existing public lots included)' if n_fixed else ''}.{top_en} {opt_en}")
        unserved = r.details.get("unserved_demand")
        if unserved:
            ko += f" 용량이 모자라 {unserved:,.1f}대는 어느 주차장에도 배정되지 않습니다."
            en += f" For lack of spaces, {unserved:,.1f} cars cannot be assigned to any lot."
        return Narrative(ko, en)

    def extra(self) -> dict[str, Any]:
        r = self.result
        return {"solver": {"model": r.model, "status": r.status, "gap": r.gap, "objective": r.objective,
                           "bound": r.bound, "seconds": round(r.seconds, 3), "method": r.method},
                "candidate_source": self.source, "candidates": int((~self.report.candidates.fixed).sum()),
                "existing": len(r.fixed), "cells": int(self.demand.weight.size), "cell_size": self.demand.size,
                "total_demand": self.total, "days": self.days}
