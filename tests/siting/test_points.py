"""The geo adapter: GeoJSON in EPSG:4326 to EPSG:5186 (checked against pyproj directly), polygons by their
centroid, the radius query against a brute-force distance check, and the CCTV and parking-lot reports agreeing
with the result they carry."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from mokmin.errors import InputError
from mokmin.siting.points import Points, coverage_matrix, site_cctv, site_parking_lots

# around Cheonan city hall, about 127.11 E, 36.81 N
LON0, LAT0 = 127.1139, 36.8151
TO_5186 = Transformer.from_crs("EPSG:4326", "EPSG:5186", always_xy=True)
TO_4326 = Transformer.from_crs("EPSG:5186", "EPSG:4326", always_xy=True)


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def _point(lon: float, lat: float, **properties: object) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": properties}


def _scatter(seed: int, n: int, spread: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return LON0 + rng.uniform(-spread, spread, n), LAT0 + rng.uniform(-spread, spread, n)


def test_geojson_4326_is_projected_like_pyproj() -> None:
    lon, lat = _scatter(1, 20)
    pts = Points.from_geojson(_collection([_point(a, b, id=f"p{i}", weight=i) for i, (a, b) in
                                           enumerate(zip(lon, lat, strict=True))]))
    x, y = TO_5186.transform(lon, lat)
    assert np.allclose(pts.x, x, atol=1e-6) and np.allclose(pts.y, y, atol=1e-6)
    assert pts.ids == tuple(f"p{i}" for i in range(20)) and pts.weights.tolist() == list(range(20))
    back_lon, back_lat = TO_4326.transform(pts.x, pts.y)
    assert np.allclose(back_lon, lon, atol=1e-9) and np.allclose(back_lat, lat, atol=1e-9)


def test_geojson_already_in_5186_is_kept() -> None:
    x, y = TO_5186.transform(LON0, LAT0)
    doc = _collection([_point(x, y)]) | {"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::5186"}}}
    pts = Points.from_geojson(doc)
    assert pts.x[0] == pytest.approx(x) and pts.y[0] == pytest.approx(y)
    assert Points.from_geojson(_collection([_point(x, y)]), crs=5186).x[0] == pytest.approx(x)


def test_polygons_use_their_centroid() -> None:
    """A 100 m x 100 m cell drawn in EPSG:5186 and sent in EPSG:4326: the point is near the cell's centre (the
    centroid is taken in degrees, so within centimetres of the metric one at this size)."""
    x0, y0 = (float(v) for v in TO_5186.transform(LON0, LAT0))
    ring = [(x0, y0), (x0 + 100, y0), (x0 + 100, y0 + 100), (x0, y0 + 100), (x0, y0)]
    lonlat = [[float(v) for v in TO_4326.transform(a, b)] for a, b in ring]
    cell = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [lonlat]}, "properties": {}}
    pts = Points.from_geojson(_collection([cell]))
    assert pts.x[0] == pytest.approx(x0 + 50, abs=0.05) and pts.y[0] == pytest.approx(y0 + 50, abs=0.05)
    centroid = shapely.geometry.shape(cell["geometry"]).centroid
    assert (pts.x[0], pts.y[0]) == pytest.approx(TO_5186.transform(centroid.x, centroid.y))


@pytest.mark.parametrize("radius", [0.0, 50.0, 150.0, 400.0])
def test_coverage_matrix_matches_brute_force(radius: float) -> None:
    rng = np.random.default_rng(3)
    d, c = rng.uniform(0, 1000, (80, 2)), rng.uniform(0, 1000, (30, 2))
    c[0] = d[0]  # a candidate exactly on a demand point: covered even at radius 0
    demand, cand = Points.from_arrays(d[:, 0], d[:, 1]), Points.from_arrays(c[:, 0], c[:, 1])
    brute = np.array([[np.hypot(*(d[i] - c[j])) <= radius for j in range(30)] for i in range(80)])
    assert np.array_equal(coverage_matrix(demand, cand, radius).toarray() > 0, brute)


def _cctv_inputs() -> tuple[dict, dict, dict]:
    lon, lat = _scatter(5, 60, 0.006)
    demand = _collection([_point(a, b, id=f"d{i}", weight=1 + i % 4) for i, (a, b) in
                          enumerate(zip(lon, lat, strict=True))])
    clon, clat = _scatter(6, 12, 0.006)
    candidates = _collection([_point(a, b, id=f"c{i}") for i, (a, b) in enumerate(zip(clon, clat, strict=True))])
    elon, elat = _scatter(7, 2, 0.006)
    existing = _collection([_point(a, b, id=f"e{i}") for i, (a, b) in enumerate(zip(elon, elat, strict=True))])
    return demand, candidates, existing


def test_site_cctv_report_agrees_with_its_result() -> None:
    demand, candidates, existing = _cctv_inputs()
    report = site_cctv(demand, candidates, existing, 3, radius=200)
    result = report.result
    assert result.proven_optimal and len(result.chosen) == 3
    ids = report.candidates.ids
    assert {ids[j] for j in result.fixed} == {"e0", "e1"}
    table = report.table()
    assert [row["id"] for row in table] == [ids[s.index] for s in result.sites]
    assert [row["existing"] for row in table] == [True, True, False, False, False]
    assert {row["id"] for row in table if not row["existing"]} == {ids[j] for j in result.chosen}
    # the objective is the weight within 200 m of an open camera, recomputed from the projected coordinates
    d, c = report.demand, report.candidates
    open_ = [*result.fixed, *result.chosen]
    dist = np.hypot(d.x[:, None] - c.x[None, open_], d.y[:, None] - c.y[None, open_])
    assert result.objective == pytest.approx(d.weights[(dist <= 200).any(axis=1)].sum())
    features = report.sites_geojson()["features"]
    assert [f["properties"]["id"] for f in features] == [row["id"] for row in table]
    lon, lat = TO_4326.transform(c.x[list(s.index for s in result.sites)], c.y[list(s.index for s in result.sites)])
    assert np.allclose([f["geometry"]["coordinates"] for f in features], np.column_stack([lon, lat]))
    owners = [f["properties"]["site"] for f in report.demand_geojson()["features"]]
    assert {o for o in owners if o is not None} <= {ids[j] for j in open_}
    assert sum(o is not None for o in owners) == int((dist <= 200).any(axis=1).sum())
    curve = report.curve
    assert [p.k for p in curve] == list(range(7)) and curve[3].objective == pytest.approx(result.objective)


@pytest.mark.parametrize("objective", ["coverage", "median"])
def test_site_parking_lots_report_agrees_with_its_result(objective: str) -> None:
    demand, candidates, _ = _cctv_inputs()
    for i, f in enumerate(candidates["features"]):
        f["properties"]["capacity"] = 10 + 5 * (i % 3)
    report = site_parking_lots(demand, candidates, 2, walk=300, objective=objective, curve_k=3)
    result = report.result
    assert result.proven_optimal and len(result.chosen) <= 2
    table = report.table()
    assert {row["id"] for row in table} == {report.candidates.ids[j] for j in result.chosen}
    assert all(row["load"] <= row["capacity"] + 1e-6 for row in table)
    assert [p.k for p in report.curve] == [1, 2, 3]
    assert report.curve[1].objective == pytest.approx(result.objective)
    values = [p.objective for p in report.curve]
    assert values == (sorted(values) if objective == "coverage" else sorted(values, reverse=True))


def test_bad_inputs_name_the_field() -> None:
    demand, candidates, existing = _cctv_inputs()
    with pytest.raises(InputError) as info:
        site_cctv(demand, candidates, existing, 3, radius=-1)
    assert info.value.location.field == "radius"
    with pytest.raises(InputError) as info:
        site_cctv(demand, candidates, existing, 13)
    assert info.value.location.field == "k"
    with pytest.raises(InputError) as info:
        site_parking_lots(demand, candidates, 2, objective="nearest")
    assert info.value.location.field == "objective"
    with pytest.raises(InputError) as info:
        Points.from_arrays([0, 1], [0, 1], weights=[1, -2])
    assert info.value.location.field == "weight"
    with pytest.raises(InputError) as info:
        Points.from_arrays([0, 1], [0, 1], weights=[1])
    assert info.value.location.field == "weight"


def test_non_numeric_weight_property_names_field_and_row() -> None:
    bad = _collection([_point(LON0, LAT0), _point(LON0, LAT0, weight="many")])
    with pytest.raises(InputError) as info:
        Points.from_geojson(bad)
    assert info.value.location.field == "weight" and info.value.location.row == 2
