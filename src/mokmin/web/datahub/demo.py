"""Load the demo parking data (:mod:`mokmin.demo.parking`) into the data hub and its catalogue; safe to run again.

Why through the real ingest (:func:`mokmin.hub.ingest.ingest`) and not by writing Parquet directly: the demo
must show what a steward's own upload shows. The enforcement export goes through mapping, validation (its
planted bad rows land in the quarantine), pseudonymisation of plates, geocoding with the municipality's
gazetteer and dong centroids (all four quality classes occur), and the atomic publish; the complaints, CCTV
and parking-lot files likewise. Each dataset is then catalogued for the web with
:func:`mokmin.web.datahub.services.register_existing`, owned by 주차관리과 and loaded by the demo data
steward (``demo_steward``), so the accounts loader must have run first.

Candidate sites have no public standard: they load with mokmin's own ``siting_candidates`` schema as the dataset
``siting-candidates`` (the summary still reports the CSV's path), which the siting analyses take as their
``candidates`` input; the ground truth stays in ``hotspots_truth.json`` beside it.

Idempotent: a dataset the store already has is not ingested again (it is only catalogued, if the catalogue lost
it). ``force`` ingests every file again as a new version, e.g. after ``mokmin demo --force`` regenerated them.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from mokmin.demo.organisation import NAME as ORGANISATION
from mokmin.demo.parking import FILES
from mokmin.demo.parking import NAME as PARKING
from mokmin.errors import ConfigError
from mokmin.hub import store
from mokmin.hub.files import open_file
from mokmin.hub.geocode import DongCentroids, Gazetteer
from mokmin.hub.ingest import ingest
from mokmin.hub.mapping import suggest_mapping
from mokmin.hub.schemas import get_schema
from mokmin.progress import NullProgress
from mokmin.web.accounts.models import User
from mokmin.web.datahub.models import Dataset
from mokmin.web.datahub.services import register_existing

__all__ = ["DATASETS", "OWNER", "STEWARD", "DemoDataset", "load"]

STEWARD = "demo_steward"
OWNER = "주차관리과"


@dataclass(frozen=True)
class DemoDataset:
    """One generated file and the hub dataset it becomes."""

    name: str
    schema: str
    file: str
    title: str
    description: str
    on_error: str = "reject"
    geocode: bool = False


DATASETS: tuple[DemoDataset, ...] = (
    DemoDataset("parking-enforcement", "parking_enforcement", FILES["enforcement"],
                "불법 주정차 단속 내역 2024-2025 (데모)",
                "목민구 2년치 단속 기록(약 50만 건). 잘못된 행 약 0.1%는 격리되어 있습니다. 심어 둔 핫스팟 정답: "
                "demo/parking/hotspots_truth.json / two years of demo enforcement records; bad rows quarantined",
                on_error="quarantine", geocode=True),
    DemoDataset("parking-complaints", "civil_complaints", FILES["complaints"],
                "주정차 민원(안전신문고·새올) 2024-2025 (데모)",
                "민원유형이 접수 경로(안전신문고/새올)입니다. 위치는 지명 사전으로 찾습니다 / "
                "demo parking complaints; 민원유형 is the channel; placed by the gazetteer",
                on_error="quarantine", geocode=True),
    DemoDataset("cctv", "cctv", FILES["cctv"], "CCTV 현황 (전국CCTV표준데이터, 데모)",
                "주정차단속 목적 52대 포함 60대 / 60 demo cameras, 52 for parking enforcement"),
    DemoDataset("parking-lots", "parking_lots", FILES["parking_lots"], "주차장 현황 (전국주차장정보표준데이터, 데모)",
                "공영·민영 주차장 40곳 / 40 demo parking lots"),
    DemoDataset("siting-candidates", "siting_candidates", FILES["candidates"], "CCTV·주차장 입지 후보지 (데모)",
                "교차로·지주 140곳(CCTV), 주차장 부지 60곳(면수 포함) / 200 demo candidate sites for cameras and lots"),
)


def _owner_code(ctx) -> str:
    """The code of :data:`OWNER` in the generated ``departments.json``."""
    departments = json.loads((ctx.demo_dir / ORGANISATION / "departments.json").read_text(encoding="utf-8"))
    for row in departments:
        if row["name"] == OWNER:
            return row["code"]
    raise ConfigError("demo", OWNER, "데모 조직에 주차관리과가 없습니다 / the demo organisation has no 주차관리과")


def _ingest(spec: DemoDataset, area: Path, home: Path, owner: str, geocoders: tuple) -> dict:
    connector = open_file(area / spec.file)
    schema = get_schema(spec.schema)
    mapping = suggest_mapping(connector.describe().columns, schema).mapping
    gazetteer, centroids = geocoders if spec.geocode else (None, None)
    summary = ingest(connector, schema, mapping, dataset=spec.name, home=home,
                     key_dir=settings.MOKMIN_CONFIG.key_dir, on_error=spec.on_error, gazetteer=gazetteer,
                     dong_centroids=centroids, loaded_by=STEWARD, owner_department=owner, progress=NullProgress())
    return {**summary.as_dict(), "version": summary.version}


def _register(spec: DemoDataset, owner: str, steward) -> None:
    register_existing(spec.name, title=spec.title, owner_code=owner, user=steward)
    Dataset.objects.filter(name=spec.name).update(description=spec.description)


def load(ctx, *, force: bool = False) -> dict:
    """Ingest and catalogue the demo parking datasets (see the module docstring); returns what was done."""
    area = ctx.demo_dir / PARKING
    if not (area / FILES["enforcement"]).is_file():
        return {"skipped": True, "reason": "no generated parking demo"}
    steward = User.objects.filter(username=STEWARD).first()
    if steward is None:
        raise ConfigError("demo", STEWARD, "데모 데이터 관리자가 없습니다: 조직(accounts) 데모를 먼저 불러오세요 / "
                                           "the demo data steward is missing: load the organisation demo first")
    started = time.perf_counter()
    home = settings.MOKMIN_CONFIG.home
    owner = _owner_code(ctx)
    geocoders: tuple | None = None
    done: dict[str, dict] = {}
    for spec in DATASETS:
        current = store.current_version(home, spec.name)
        if current is not None and not force:
            if not Dataset.objects.filter(name=spec.name).exists():
                _register(spec, owner, steward)
            done[spec.name] = {"skipped": True, "version": current}
            continue
        if geocoders is None:
            geocoders = (Gazetteer.from_file(area / FILES["gazetteer"]),
                         DongCentroids.from_file(area / FILES["dong_centroids"]))
        done[spec.name] = _ingest(spec, area, home, owner, geocoders)
        _register(spec, owner, steward)
    return {"datasets": done, "candidates": str(area / FILES["candidates"]), "truth": str(area / FILES["truth"]),
            "skipped": all(d.get("skipped") for d in done.values()),
            "seconds": round(time.perf_counter() - started, 1)}
