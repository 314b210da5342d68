"""The demo parking data in the hub and its catalogue: every generated row accounted for, plates never in clear.

The demo is generated at 2 % of its size (10,000 enforcement records) to keep the test quick; ``mokmin demo``
loads the full 500,000 (about 6 s of ingest here). Parquet is written uncompressed (``store.COMPRESSION``) so
that a clear plate, if one were stored, would show up as its UTF-8 bytes in the files.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import time

import pytest

from mokmin.demo import parking
from mokmin.demo.context import DemoContext
from mokmin.demo.generate import generate
from mokmin.hub import store

pytestmark = pytest.mark.django_db(transaction=True)

SEED = 11
SCALE = 0.02
EXPECTED = {"parking-enforcement": "enforcement", "parking-complaints": "complaints", "cctv": "cctv",
            "parking-lots": "parking_lots", "siting-candidates": "candidates"}


def _rows(path) -> list[dict[str, str]]:
    with open(path, encoding="cp949" if ".cp949." in path.name else "utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def demo(settings, tmp_path, monkeypatch):
    from mokmin.web.accounts.demo import load as load_accounts
    from mokmin.web.datahub.demo import load

    monkeypatch.setattr(store, "COMPRESSION", "none")
    settings.MOKMIN_CONFIG = dataclasses.replace(settings.MOKMIN_CONFIG, home=tmp_path, key_dir=tmp_path / "keys")
    generate(tmp_path, SEED, areas=("mokmin.demo.geography", "mokmin.demo.organisation"))
    ctx = DemoContext(tmp_path, SEED)
    generated = parking.generate(ctx, scale=SCALE)
    load_accounts(ctx)
    started = time.perf_counter()
    summary = load(ctx)
    return {"ctx": ctx, "home": tmp_path, "area": tmp_path / "demo" / "parking", "generated": generated,
            "summary": summary, "seconds": time.perf_counter() - started, "load": load}


def test_load_publishes_every_row_and_catalogues_the_datasets(demo):
    from mokmin.web.datahub.models import Dataset

    home, area = demo["home"], demo["area"]
    departments = json.loads((home / "demo" / "organisation" / "departments.json").read_text(encoding="utf-8"))
    owner = next(d["code"] for d in departments if d["name"] == "주차관리과")
    assert demo["seconds"] < 30, demo["summary"]
    assert set(store.list_datasets(home)) == set(EXPECTED)
    for name, key in EXPECTED.items():
        generated = len(_rows(area / parking.FILES[key]))
        info = store.version_info(home, name)
        assert info.meta["row_count"] + info.meta["quarantined_rows"] == generated, name
        assert info.meta["loaded_by"] == "demo_steward" and info.meta["owner_department"] == owner, name
    enforcement = store.version_info(home, "parking-enforcement").meta
    assert enforcement["quarantined_rows"] == demo["generated"]["enforcement_bad_rows"] > 0
    assert store.version_info(home, "parking-enforcement").quarantine_path is not None
    counts = enforcement["geocoding"]["counts"]
    assert counts["exact"] > counts["normalised"] > 0 and counts["dong_centroid"] > 0
    complaints = store.version_info(home, "parking-complaints").meta["geocoding"]["counts"]
    assert complaints["exact"] > 0.7 * sum(complaints.values())

    rows = {d.name: d for d in Dataset.objects.select_related("owner", "created_by")}
    assert set(rows) == set(EXPECTED)
    assert all(d.owner.name == "주차관리과" and d.created_by.username == "demo_steward" for d in rows.values())
    assert rows["parking-enforcement"].sensitivity == "personal" and rows["cctv"].sensitivity == "public"
    assert rows["parking-enforcement"].schema == "parking_enforcement" and rows["parking-enforcement"].description
    assert demo["summary"]["candidates"].endswith("candidates.csv")


def test_plates_and_phone_numbers_are_never_stored_in_clear(demo):
    home, area = demo["home"], demo["area"]
    records = _rows(area / parking.FILES["enforcement"])
    plates = sorted({r["차량번호"] for r in records[::97] if " " not in r["차량번호"]})[:25]
    phones = sorted({c["민원인연락처"] for c in _rows(area / parking.FILES["complaints"])[::41] if c["민원인연락처"]})[:25]
    assert len(plates) >= 20 and len(phones) >= 10
    stored = {name: b"".join(p.read_bytes() for p in store.dataset_dir(home, name).rglob("*.parquet"))
              for name in ("parking-enforcement", "parking-complaints")}
    place = records[0]["단속장소"].encode("utf-8")
    assert place in stored["parking-enforcement"]  # the scan sees clear text where there is some
    assert b"vehicle:" in stored["parking-enforcement"]
    for plate in plates:
        assert plate.encode("utf-8") not in stored["parking-enforcement"], plate
    for phone in phones:
        assert phone.encode("utf-8") not in stored["parking-complaints"]
        assert phone.replace("-", "").encode("utf-8") not in stored["parking-complaints"]


def test_second_load_is_skipped_a_lost_catalogue_row_comes_back_and_force_reloads(demo):
    from mokmin.web.datahub.models import Dataset

    home = demo["home"]
    again = demo["load"](demo["ctx"])
    assert again["skipped"] and all(d["skipped"] for d in again["datasets"].values())
    assert {name: store.current_version(home, name) for name in EXPECTED} == dict.fromkeys(EXPECTED, 1)
    Dataset.objects.filter(name="cctv").delete()
    demo["load"](demo["ctx"])
    assert Dataset.objects.filter(name="cctv", owner__name="주차관리과").exists()
    assert store.current_version(home, "cctv") == 1
    forced = demo["load"](demo["ctx"], force=True)  # after a regeneration: every file again, as a new version
    assert {name: store.current_version(home, name) for name in EXPECTED} == dict.fromkeys(EXPECTED, 2)
    assert forced["datasets"]["parking-enforcement"]["rows_rejected"] == demo["generated"]["enforcement_bad_rows"]
    assert Dataset.objects.filter(name__in=EXPECTED).count() == len(EXPECTED)


def test_nothing_to_load_without_the_generated_files(settings, tmp_path):
    from mokmin.web.datahub.demo import load

    settings.MOKMIN_CONFIG = dataclasses.replace(settings.MOKMIN_CONFIG, home=tmp_path)
    assert load(DemoContext(tmp_path, 1)) == {"skipped": True, "reason": "no generated parking demo"}
    assert json.dumps(store.list_datasets(tmp_path)) == "[]"
