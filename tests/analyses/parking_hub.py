"""The full parking demo ingested into a hub home, built once per test session and shared by the analysis tests
that check against its planted truth (under-served areas, interventions, patrol backtests)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mokmin.demo import parking
from mokmin.demo.context import DemoContext
from mokmin.demo.generate import generate
from mokmin.hub.files import open_file
from mokmin.hub.geocode import DongCentroids, Gazetteer
from mokmin.hub.ingest import ingest
from mokmin.hub.mapping import suggest_mapping
from mokmin.hub.schemas import get_schema

SEED = 3
DATASETS = {"events": ("enforcement", "parking_enforcement"), "complaints": ("complaints", "civil_complaints"),
            "cctv": ("cctv", "cctv"), "lots": ("parking_lots", "parking_lots"),
            "candidates": ("candidates", "siting_candidates")}


def demo_hub(factory: pytest.TempPathFactory) -> dict:
    """Generate (seed 3) and ingest every parking file once; later calls reuse the same home."""
    home = factory.getbasetemp() / "parking-demo-hub"
    ready = home / "ready.json"
    if not ready.exists():
        generate(home, SEED, areas=("mokmin.demo.geography", "mokmin.demo.organisation"))
        parking.generate(DemoContext(home, SEED))
        area = home / "demo" / "parking"
        gazetteer = Gazetteer.from_file(area / parking.FILES["gazetteer"])
        centroids = DongCentroids.from_file(area / parking.FILES["dong_centroids"])
        for role, (key, schema_name) in DATASETS.items():
            connector, schema = open_file(area / parking.FILES[key]), get_schema(schema_name)
            ingest(connector, schema, suggest_mapping(connector.describe().columns, schema).mapping, dataset=role,
                   home=home, key_dir=home / "keys", on_error="quarantine", gazetteer=gazetteer,
                   dong_centroids=centroids, remember_mapping=False)
        ready.write_text(json.dumps({"home": str(home), "truth": str(area / parking.FILES["truth"])}))
    info = json.loads(ready.read_text())
    return {"home": Path(info["home"]), "truth": json.loads(Path(info["truth"]).read_text(encoding="utf-8"))}
