"""The CCTV and parking-lot siting analyses on the full demo district (seed 3), through the registry.

Independent checks: demand totals are recounted from the published Parquet with plain DuckDB SQL (not the
engine's portable aggregate); what the chosen sites cover is recomputed from coordinates alone; the planted
truth (under-served areas with many complaints and no camera) says where new cameras belong; capacities are
read back from the candidate file.
"""

from __future__ import annotations

import csv
import math

import duckdb
import numpy as np
import pytest
from tests.analyses.parking_hub import demo_hub

from mokmin.analyses import registry
from mokmin.errors import InputError
from mokmin.hub import store

CCTV_INPUTS = {"events": "events", "complaints": "complaints", "cctv": "cctv", "candidates": "candidates"}
LOT_INPUTS = {"events": "events", "complaints": "complaints", "lots": "lots", "candidates": "candidates"}


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    return demo_hub(tmp_path_factory)


@pytest.fixture(scope="module")
def cctv(hub):
    return registry.run("cctv_siting", {"k": "8", "complaint_weight": "10"}, CCTV_INPUTS, home=hub["home"])


def _parquet(home, dataset: str) -> str:
    return str(store.version_info(home, dataset).path / "data" / "**" / "*.parquet")


def _metres(table, lon: str = "lon", lat: str = "lat"):
    from mokmin.geo import EPSG_5186, EPSG_WGS84, transform_xy

    return transform_xy(np.asarray(table[lon]), np.asarray(table[lat]), EPSG_WGS84, EPSG_5186)


def test_cctv_demand_is_every_precise_record_once(hub, cctv):
    """Total demand = precisely placed enforcement records + 10 x precisely placed complaints, counted in SQL."""
    home = hub["home"]
    sql = "select count(*) from read_parquet('{}', hive_partitioning=1) where geo_quality in ('exact','normalised')"
    con = duckdb.connect()
    events = con.execute(sql.format(_parquet(home, "events"))).fetchone()[0]
    complaints = con.execute(sql.format(_parquet(home, "complaints"))).fetchone()[0]
    assert cctv.extra["total_demand"] == pytest.approx(events + 10 * complaints)
    cells = cctv.tables["cells"].to_pydict()
    assert sum(cells["violations"]) == events and sum(cells["complaints"]) == complaints


def test_cctv_coverage_recomputed_from_coordinates(cctv):
    """The covered share in the narrative equals the demand within 150 m of any open camera, by geometry."""
    cells = cctv.tables["cells"].to_pandas()
    sites = cctv.tables["sites"].to_pandas()
    cx, cy = _metres(cells)
    sx, sy = _metres(sites)
    dist = np.hypot(cx[:, None] - sx[None, :], cy[:, None] - sy[None, :])
    covered = float(cells["demand"][(dist <= 150.0 + 1e-6).any(axis=1)].sum())
    solver = cctv.extra["solver"]
    assert solver["status"] == "optimal" and solver["gap"] == 0
    assert covered == pytest.approx(solver["objective"], rel=1e-9)
    share = covered / cctv.extra["total_demand"] * 100
    assert f"합계 {share:.1f}%" in cctv.narrative.ko and f"together {share:.1f}%" in cctv.narrative.en
    new = sites[~sites["existing"]]
    assert list(new["rank"]) == list(range(1, 9))
    assert new["marginal_gain"].is_monotonic_decreasing  # greedy re-ranking: the most valuable first
    existing = sites[sites["existing"]]
    assert len(existing) == 52  # the parking-enforcement cameras of the demo file (설치목적구분 주정차단속)
    # the new sites' gains plus the existing cameras' coverage make the whole objective
    assert float(sites["marginal_gain"].sum()) == pytest.approx(solver["objective"])


def test_cctv_puts_cameras_where_no_camera_watches(hub, cctv):
    """Planted truth: every hot spot and under-served area whose centre no existing camera reaches (within its
    radius) gets a new camera within its radius + 150 m; those an existing camera already watches need none."""
    sites = cctv.tables["sites"].to_pandas()
    sx, sy = _metres(sites)
    new = ~sites["existing"].to_numpy()
    unwatched = 0
    for area in hub["truth"]["hotspots"] + hub["truth"]["underserved"]:
        dist = np.hypot(sx - area["x"], sy - area["y"])
        if dist[~new].min() <= area["radius_m"]:
            continue
        unwatched += 1
        assert dist[new].min() <= area["radius_m"] + 150.0, (area["id"], float(dist[new].min()))
    assert unwatched >= 5  # the demo plants several: the test is not vacuous


def test_cctv_curve_is_monotone_with_bounds_and_outputs_render(cctv):
    curve = cctv.tables["curve"].to_pandas()
    assert list(curve["k"]) == list(range(0, 17))
    assert curve["objective"].is_monotonic_increasing
    assert (curve["bound"] >= curve["objective"] - 1e-9).all()
    assert (curve["status"] == "optimal").all()
    assert curve["objective"][8] == pytest.approx(cctv.extra["solver"]["objective"])
    names = [layer.name for layer in cctv.layers]
    assert names == ["demand", "reach", "existing", "sites"]
    assert len(cctv.layers[2].geojson["features"]) == 52 and len(cctv.layers[3].geojson["features"]) == 8
    reach = cctv.layers[1].geojson["features"]
    assert len(reach) == 8 + 52
    kinds = [chart.kind for chart in cctv.charts]
    assert kinds == ["line", "bar", "heatmap"]
    heat = cctv.charts[2].data["series"][0]["data"]
    assert len(heat) == 7 * 24 and sum(v for _, _, v in heat) > 0


def test_cctv_without_candidates_or_cameras_uses_busiest_cells(hub):
    result = registry.run("cctv_siting", {"k": "3", "max_candidates": "500", "curve_k": "4"}, {"events": "events"},
                          home=hub["home"])
    assert result.extra["candidate_source"] == "grid" and result.extra["existing"] == 0
    assert result.extra["candidates"] == 500
    sites = result.tables["sites"].to_pandas()
    assert len(sites) == 3 and not sites["existing"].any()
    assert "기존 CCTV" not in result.narrative.ko


def _lot_capacity(hub) -> dict[str, float]:
    area = hub["home"] / "demo" / "parking"
    with open(area / "candidates.csv", encoding="utf-8-sig") as handle:
        return {r["candidate_id"]: float(r["capacity"]) for r in csv.DictReader(handle) if r["type"] == "parking_lot"}


def test_lots_coverage_respects_capacities(hub):
    result = registry.run("parking_lot_siting", {"k": "3", "curve_k": "4"}, LOT_INPUTS, home=hub["home"])
    capacity = _lot_capacity(hub)
    sites = result.tables["sites"].to_pandas()
    new = sites[~sites["existing"]]
    assert len(new) == 3 and set(new["id"]) <= set(capacity)
    for row in new.itertuples():
        assert row.capacity == capacity[row.id] and row.load <= row.capacity + 1e-6
    existing = sites[sites["existing"]]
    assert (existing["load"] <= existing["capacity"] + 1e-6).all()
    solver = result.extra["solver"]
    assert solver["model"] == "capacitated_cover" and solver["status"] == "optimal"
    assert float(sites["load"].sum()) == pytest.approx(solver["objective"], rel=1e-6)
    assert solver["objective"] <= result.extra["total_demand"]
    days = result.extra["days"]
    assert days == 731  # 2024-01-01 .. 2025-12-31
    curve = result.tables["curve"].to_pandas()
    assert curve["objective"].is_monotonic_increasing


def test_lots_median_lowers_the_walk(hub):
    result = registry.run("parking_lot_siting", {"k": "3", "objective": "median", "curve_k": "4"}, LOT_INPUTS,
                          home=hub["home"])
    curve = result.tables["curve"].to_pandas()
    assert result.extra["solver"]["model"] == "p_median"
    assert curve["mean_walk_m"].is_monotonic_decreasing
    cells = result.tables["cells"].to_pandas()
    sites = result.tables["sites"].to_pandas()
    cx, cy = _metres(cells)
    sx, sy = _metres(sites)
    nearest = np.hypot(cx[:, None] - sx[None, :], cy[:, None] - sy[None, :]).min(axis=1)
    walk = float((cells["demand"] * nearest).sum() / cells["demand"].sum())
    assert list(curve["k"]) == [0, 1, 2, 3, 4]  # k = 0: the existing public lots alone
    assert walk == pytest.approx(float(curve.loc[curve["k"] == 3, "mean_walk_m"].iloc[0]), abs=0.1)
    assert f"{walk:,.0f} m" in result.narrative.ko


@pytest.mark.parametrize(("params", "field"), [({"k": "0"}, "k"), ({"radius": "-5"}, "radius"),
                                               ({"start": "2025-02-01", "end": "2025-01-01"}, "end"),
                                               ({"start": "2030-01-01"}, "start")])
def test_bad_parameters_name_the_field(hub, params, field):
    with pytest.raises(InputError) as caught:
        registry.run("cctv_siting", params, {"events": "events"}, home=hub["home"])
    assert caught.value.location.field == field
    assert caught.value.message_ko and caught.value.message_en


def test_candidate_list_without_the_type_is_refused(hub):
    """A candidate list holding only parking-lot parcels cannot site cameras: the error names the type field."""
    with pytest.raises(InputError) as caught:
        _cctv_with_lot_candidates(hub)
    assert caught.value.location.field == "후보유형"


def _cctv_with_lot_candidates(hub):
    from mokmin.analyses.base import Context
    from mokmin.analyses.siting import CctvParams, CctvSiting
    from mokmin.hub.engine import open_engine

    engine = open_engine("duckdb")
    engine.register_parquet("events", store.version_info(hub["home"], "events").path / "data")
    table = duckdb.connect().sql(f"select * from read_parquet('{_parquet(hub['home'], 'candidates')}') "
                                 "where 후보유형 = 'parking_lot'").to_arrow_table()
    engine.register_arrow("candidates", table)
    return CctvSiting(CctvParams(k=2)).run(Context(engine=engine, inputs={}))


def test_gain_shares_are_percentages(cctv):
    sites = cctv.tables["sites"].to_pandas()
    total = cctv.extra["total_demand"]
    for row in sites.itertuples():
        assert math.isclose(row.gain_share, row.marginal_gain / total * 100, abs_tol=1e-3)
