"""Demo area ``parking``: two years of illegal parking in 목민구, with the ground truth the analyses must find.

Files (under ``home/demo/parking``), each in the form the real source ships:

- ``enforcement_2024_2025.cp949.csv``: about 500,000 enforcement records (2024-01-01 .. 2025-12-31), CP949
  like a city system's export; columns 단속일자, 단속시간, 단속동, 단속장소, 위반내용, 차종, 단속방법, 차량번호,
  위도, 경도 (built-in schema ``parking_enforcement``). About 0.1 % of rows are spoilt for the quarantine.
- ``complaints_2024_2025.csv``: about 40,000 parking complaints (안전신문고 and 새올; schema ``civil_complaints``),
  UTF-8 with BOM. The schema has no coordinates: complaints are placed by the gazetteer.
- ``cctv_standard.cp949.csv``: 60 cameras in 전국CCTV표준데이터 format (schema ``cctv``), 52 for parking.
- ``parking_lots_standard.cp949.csv``: 40 lots in 전국주차장정보표준데이터 format (schema ``parking_lots``).
- ``candidates.csv``: 200 candidate sites (UTF-8; ``candidate_id, type, name, dong, x_5186, y_5186, lon, lat,
  capacity, note``; ``type`` is ``cctv`` (capacity empty) or ``parking_lot`` (capacity in spaces)). No public
  standard exists, so it loads with mokmin's own ``siting_candidates`` schema (dataset ``siting-candidates``), the
  siting analyses' ``candidates`` input.
- ``gazetteer.json`` (place text -> [lat, lon]) and ``dong_centroids.json`` (dong -> [lat, lon]): the
  municipality's geocoding tables, in the format of Cheonan's, for the hub's ingest.
- ``hotspots_truth.json``: what was planted (see :func:`_truth`), for the analyses' tests to check against.

Model (details in the ``parking_*`` modules): events happen at catalogued places (:mod:`.parking_places`);
the background is spread over the dongs ∝ population × a commercial factor; eight planted hot spots add their
own events with a modulation over time (persistent, new, intensifying, diminishing) and an hour profile; three
under-served areas get many complaints and thinned enforcement. Time follows :mod:`.parking_time` (peaks
14-16h, 19-20h; January, March, July). Two interventions are planted: a fixed camera at H7 (2025-01-15) and a
public lot beside H8 (2024-09-01); violations there step down from those dates.

Randomness: one stream from ``ctx.rng("parking")``, spawned into independent child streams for places, spots,
facilities, enforcement and complaints, so ``scale`` (the loader tests' smaller demo) changes the counts but not
where the places, spots, cameras and lots are.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from mokmin.atomic import atomic_file
from mokmin.demo.context import DemoContext
from mokmin.demo.parking_complaints import write_complaints
from mokmin.demo.parking_enforcement import Component, Events, sample_events, write_enforcement
from mokmin.demo.parking_facilities import (
    CANDIDATE_COLUMNS,
    CCTV_COLUMNS,
    LOT_COLUMNS,
    camera_rows,
    candidate_rows,
    lot_rows,
    write_csv,
)
from mokmin.demo.parking_places import Catalogue, World, points_near, read_world, spot_centres
from mokmin.demo.parking_time import DAYS, END, START, day_weights, modulation
from mokmin.geo import to_4326

__all__ = ["FILES", "HOTSPOTS", "NAME", "UNDERSERVED", "generate"]

NAME = "parking"
ENFORCEMENT_ROWS, COMPLAINT_ROWS = 500_000, 40_000
BACKGROUND_PLACES, SPOT_PLACES, UNDERSERVED_PLACES = 6000, 20, 15
UNDERSERVED_THINNING = 0.25
FILES = {
    "enforcement": "enforcement_2024_2025.cp949.csv", "complaints": "complaints_2024_2025.csv",
    "cctv": "cctv_standard.cp949.csv", "parking_lots": "parking_lots_standard.cp949.csv",
    "candidates": "candidates.csv", "gazetteer": "gazetteer.json", "dong_centroids": "dong_centroids.json",
    "truth": "hotspots_truth.json",
}


@dataclass(frozen=True)
class HotSpot:
    """A planted hot spot: its label (as emerging hot spot analysis names them), size, strength and story.

    ``share`` is its expected share of all enforcement records; ``trend`` with ``before``/``after``/``change``
    is its modulation (:func:`mokmin.demo.parking_time.modulation`); ``complaint_ratio`` is how far complaints
    fall after a ``step`` (violations fall by ``after / before``).
    """

    id: str
    label: str
    radius: float
    share: float
    profile: str
    trend: str
    before: float = 1.0
    after: float = 1.0
    change: dt.date | None = None
    complaint_ratio: float = 1.0
    story_ko: str = ""
    story_en: str = ""

    def modulation(self, *, complaints: bool = False) -> np.ndarray:
        if complaints and self.trend == "step":
            return modulation("step", 1.0, self.complaint_ratio, self.change)
        return modulation(self.trend, self.before, self.after, self.change)

    @property
    def active(self) -> tuple[dt.date, dt.date]:
        return (self.change if self.trend == "new" and self.change else START), END


HOTSPOTS: tuple[HotSpot, ...] = (
    HotSpot("H1", "persistent", 200.0, 0.028, "commercial", "constant",
            story_ko="역세권 상가 밀집지", story_en="shops around a station"),
    HotSpot("H2", "persistent", 150.0, 0.022, "evening", "constant",
            story_ko="학원가(저녁 학부모 차량)", story_en="cram-school street (parents' cars in the evening)"),
    HotSpot("H3", "persistent", 250.0, 0.025, "market", "constant",
            story_ko="전통시장 주변", story_en="around the traditional market"),
    HotSpot("H4", "new", 180.0, 0.020, "commercial", "new", change=dt.date(2025, 3, 1),
            story_ko="신규 입주 단지 상가(2025년 3월부터)", story_en="shops of a new complex (from March 2025)"),
    HotSpot("H5", "intensifying", 200.0, 0.022, "district", "linear", 0.4, 2.0,
            story_ko="먹자골목", story_en="restaurant street"),
    HotSpot("H6", "intensifying", 150.0, 0.018, "night", "linear", 0.5, 1.8,
            story_ko="주차난 빌라 밀집지(야간)", story_en="multi-family housing short of parking (nights)"),
    HotSpot("H7", "diminishing", 180.0, 0.022, "commercial", "step", 1.6, 0.5, dt.date(2025, 1, 15), 0.8,
            story_ko="고정식 CCTV 설치(2025-01-15)", story_en="fixed camera installed 2025-01-15"),
    HotSpot("H8", "diminishing", 200.0, 0.022, "night", "step", 1.6, 0.5, dt.date(2024, 9, 1), 0.75,
            story_ko="인근 공영주차장 개장(2024-09-01)", story_en="public lot opened nearby 2024-09-01"),
)
UNDERSERVED: tuple[tuple[str, float, str, str], ...] = (
    ("U1", 200.0, "어린이집·초등학교 주변 골목", "alleys around a nursery and a primary school"),
    ("U2", 200.0, "아파트 단지 이면도로", "back road of an apartment complex"),
    ("U3", 180.0, "다세대 주택가", "multi-family housing streets"),
)
UNDERSERVED_COMPLAINT_SHARE, EVERYWHERE_COMPLAINT_SHARE = 0.20, 0.10


def _split(total: int, weights: np.ndarray) -> np.ndarray:
    raw = total * weights / weights.sum()
    parts = np.floor(raw).astype(np.int64)
    parts[np.argsort(-(raw - parts), kind="stable")[: total - int(parts.sum())]] += 1
    return parts


def _background(rng: np.random.Generator, world: World, places: Catalogue) -> tuple[np.ndarray, np.ndarray, dict]:
    """Background places in every dong and their weights (dong population × commercial factor, log-normal
    per place); returns (indices, weights, dong weights by name)."""
    areas = np.array([d.polygon.intersection(world.inner).area for d in world.dongs])
    population = np.array([d.population for d in world.dongs], dtype=float)
    commercial = np.clip(rng.lognormal(0.0, 0.35, len(world.dongs)), 0.6, 1.8)
    dong_weight = population / population.mean() * commercial
    index, weight = [], []
    for dong, count in zip(world.dongs, _split(BACKGROUND_PLACES, areas), strict=True):
        added = places.add(world.sample(rng, int(count), dong.polygon), (0.5, 0.38, 0.12))
        index.append(added)
        weight.append(dong_weight[dong.index] / count * rng.lognormal(0.0, 0.45, len(added)))
    names = {d.name: round(float(w), 4) for d, w in zip(world.dongs, dong_weight, strict=True)}
    return np.concatenate(index), np.concatenate(weight), names


def _lonlat(x: float, y: float) -> dict[str, float]:
    lon, lat = to_4326(x, y)
    return {"x": round(float(x), 2), "y": round(float(y), 2), "lon": round(float(lon), 7), "lat": round(float(lat), 7)}


def _within(x: np.ndarray, y: np.ndarray, centre: tuple[float, float], radius: float) -> np.ndarray:
    return np.hypot(x - centre[0], y - centre[1]) <= radius


def _complaint_components(background: np.ndarray, weight: np.ndarray, spot_places: dict[str, np.ndarray],
                          under_places: dict[str, np.ndarray]) -> list[Component]:
    """Where complaints come from: mostly where violations are (background and hot spots, the spots with their
    complaint modulation), the under-served areas, and a little everywhere; in that order."""
    lam_c = day_weights(complaints=True)
    follow = 1 - UNDERSERVED_COMPLAINT_SHARE - EVERYWHERE_COMPLAINT_SHARE
    spot_share = sum(h.share for h in HOTSPOTS)
    out = [Component("background", background, weight / weight.sum(), lam_c, "complaints", follow * (1 - spot_share))]
    out += [Component(h.id, spot_places[h.id], np.ones(SPOT_PLACES) / SPOT_PLACES, lam_c * h.modulation(complaints=True),
                      "complaints", follow * h.share) for h in HOTSPOTS]
    out += [Component(uid, under_places[uid], np.ones(UNDERSERVED_PLACES) / UNDERSERVED_PLACES, lam_c, "complaints",
                      UNDERSERVED_COMPLAINT_SHARE / len(UNDERSERVED)) for uid, *_ in UNDERSERVED]
    out.append(Component("everywhere", background, np.ones(len(background)) / len(background), lam_c, "complaints",
                         EVERYWHERE_COMPLAINT_SHARE))
    return out


def _truth(world: World, events: Events, places: Catalogue, complaint_places: np.ndarray,
           centres: list[tuple[float, float]], camera: tuple[float, float], lot: dict) -> dict[str, Any]:
    """The ground truth: planted hot spots, under-served areas and interventions, with what fell inside them.

    Counts inside a spot's radius include the background there (what an analysis sees), by year for the
    enforcement records. Complaints are counted at their places' exact positions.
    """
    arrays = places.arrays()
    cx, cy = arrays["x"][complaint_places], arrays["y"][complaint_places]
    year = DAYS[events.day].astype("datetime64[Y]").astype(np.int64) + 1970

    def area(centre: tuple[float, float], radius: float) -> dict[str, Any]:
        inside = _within(events.x, events.y, centre, radius)
        dong = world.dongs[int(world.dong_of(np.array([centre[0]]), np.array([centre[1]]))[0])].name
        return {**_lonlat(*centre), "radius_m": radius, "dong": dong,
                "enforcement_in_radius": {"total": int(inside.sum()), "2024": int((inside & (year == 2024)).sum()),
                                          "2025": int((inside & (year == 2025)).sum())},
                "complaints_in_radius": int(_within(cx, cy, centre, radius).sum())}

    hotspots = [{"id": h.id, "label": h.label, **area(c, h.radius), "start": h.active[0].isoformat(),
                 "end": h.active[1].isoformat(), "hours": h.profile, "share": h.share,
                 "trend": {"kind": h.trend, "before": h.before, "after": h.after,
                           "change_date": h.change.isoformat() if h.change else None},
                 "story_ko": h.story_ko, "story_en": h.story_en}
                for h, c in zip(HOTSPOTS, centres[: len(HOTSPOTS)], strict=True)]
    underserved = [{"id": uid, "label": "underserved", **area(c, radius), "story_ko": ko, "story_en": en}
                   for (uid, radius, ko, en), c in zip(UNDERSERVED, centres[len(HOTSPOTS):], strict=True)]
    h7, h8 = HOTSPOTS[6], HOTSPOTS[7]
    lot_lon, lot_lat = float(lot["경도"]), float(lot["위도"])
    interventions = [
        {"id": "I1", "kind": "cctv", "hotspot": h7.id, "date": h7.change.isoformat() if h7.change else None,
         **_lonlat(*camera), "violations_ratio": round(h7.after / h7.before, 4),
         "complaints_ratio": h7.complaint_ratio, "note": "설치연월 2025-01 in the CCTV file"},
        {"id": "I2", "kind": "parking_lot", "hotspot": h8.id, "date": h8.change.isoformat() if h8.change else None,
         "lot_id": lot["주차장관리번호"], "lot_name": lot["주차장명"], "lon": lot_lon, "lat": lot_lat,
         "violations_ratio": round(h8.after / h8.before, 4), "complaints_ratio": h8.complaint_ratio,
         "note": "특기사항 '2024년 9월 개장' in the parking-lot file"},
    ]
    return {"about": "목민구 불법 주정차 데모의 심어 둔 정답 / ground truth planted in the parking demo",
            "crs": "EPSG:5186", "period": {"start": START.isoformat(), "end": END.isoformat()},
            "hotspots": hotspots, "underserved": underserved, "interventions": interventions}


def generate(ctx: DemoContext, *, scale: float = 1.0) -> dict[str, Any]:
    """Write the files listed in the module docstring; ``scale`` multiplies the record counts (1 = the demo)."""
    rng = ctx.rng(NAME)
    place_rng, spot_rng, facility_rng, event_rng, complaint_rng = rng.spawn(5)
    out = ctx.area_dir(NAME)
    world = read_world(ctx)
    dong_names = [d.name for d in world.dongs]
    places = Catalogue(place_rng, world)
    background, weight, dong_weights = _background(place_rng, world, places)

    radii = [h.radius for h in HOTSPOTS] + [u[1] for u in UNDERSERVED]
    centres = [tuple(c) for c in spot_centres(spot_rng, world, radii).tolist()]
    hot_centre = dict(zip((h.id for h in HOTSPOTS), centres[: len(HOTSPOTS)], strict=True))
    under_centre = dict(zip((u[0] for u in UNDERSERVED), centres[len(HOTSPOTS):], strict=True))
    spot_places = {h.id: places.add(points_near(spot_rng, world, hot_centre[h.id], h.radius, SPOT_PLACES),
                                    (0.45, 0.3, 0.25)) for h in HOTSPOTS}
    under_places = {uid: places.add(points_near(spot_rng, world, under_centre[uid], radius, UNDERSERVED_PLACES),
                                    (0.4, 0.4, 0.2)) for uid, radius, *_ in UNDERSERVED}
    arrays = places.arrays()
    for uid, radius, *_ in UNDERSERVED:  # little enforcement reaches the under-served areas
        weight = np.where(_within(arrays["x"][background], arrays["y"][background], under_centre[uid], radius),
                          weight * UNDERSERVED_THINNING, weight)

    cameras, enforcement_cameras = camera_rows(facility_rng, places, background, weight, spot_places, hot_centre,
                                               ("H7", "2025-01"))
    lots = lot_rows(facility_rng, places, background, weight, (hot_centre["H8"], "2024년 9월 개장"))
    focus = list(zip(centres, radii, strict=True))
    candidates = candidate_rows(facility_rng, places, background, weight, focus,
                                list(zip(enforcement_cameras["x"].tolist(), enforcement_cameras["y"].tolist(),
                                         strict=True)))

    lam = day_weights()
    spot_share = sum(h.share for h in HOTSPOTS)
    uniform = np.ones(SPOT_PLACES) / SPOT_PLACES
    components = [Component("background", background, weight / weight.sum(), lam, "district", 1 - spot_share)]
    components += [Component(h.id, spot_places[h.id], uniform, lam * h.modulation(), h.profile, h.share)
                   for h in HOTSPOTS]
    events = sample_events(event_rng, components, round(ENFORCEMENT_ROWS * scale), places, enforcement_cameras)
    enforcement = write_enforcement(out / FILES["enforcement"], event_rng, events, places, dong_names)

    c_components = _complaint_components(background, weight, spot_places, under_places)
    underserved_components = set(range(1 + len(HOTSPOTS), 1 + len(HOTSPOTS) + len(UNDERSERVED)))
    complaints, complaint_places = write_complaints(out / FILES["complaints"], complaint_rng, c_components,
                                                    round(COMPLAINT_ROWS * scale), places, dong_names,
                                                    underserved_components)

    write_csv(out / FILES["cctv"], CCTV_COLUMNS, cameras, "cp949")
    write_csv(out / FILES["parking_lots"], LOT_COLUMNS, lots, "cp949")
    write_csv(out / FILES["candidates"], CANDIDATE_COLUMNS, candidates, "utf-8")
    lonlat = to_4326(arrays["x"], arrays["y"])
    gazetteer = places.write_gazetteer(out / FILES["gazetteer"], lonlat)
    with atomic_file(out / FILES["dong_centroids"]) as handle:
        centroids = {d.name: [_lonlat(*d.centroid)["lat"], _lonlat(*d.centroid)["lon"]] for d in world.dongs}
        json.dump(centroids, handle, ensure_ascii=False, indent=2)
        handle.write("\n")

    counts = {"enforcement": enforcement, "complaints": complaints, "cctv": len(cameras),
              "enforcement_cameras": len(enforcement_cameras["x"]), "parking_lots": len(lots),
              "candidates": {"cctv": sum(c["type"] == "cctv" for c in candidates),
                             "parking_lot": sum(c["type"] == "parking_lot" for c in candidates)},
              "gazetteer_entries": gazetteer, "places": len(places)}
    camera = (float(enforcement_cameras["x"][0]), float(enforcement_cameras["y"][0]))  # the H7 camera
    truth = _truth(world, events, places, complaint_places, centres, camera, lots[0])
    truth.update({"background": {"dong_weights": dong_weights, "places": BACKGROUND_PLACES,
                                 "underserved_thinning": UNDERSERVED_THINNING}, "counts": counts, "scale": scale})
    with atomic_file(out / FILES["truth"]) as handle:
        json.dump(truth, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    return {"scale": scale, "enforcement_rows": enforcement["rows"], "enforcement_bad_rows": enforcement["bad_rows"],
            "complaints": complaints["rows"], "cctv": len(cameras), "parking_lots": len(lots),
            "candidates": len(candidates), "hotspots": len(HOTSPOTS), "underserved": len(UNDERSERVED)}
