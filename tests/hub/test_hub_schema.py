"""Built-in schemas against the real files they describe, and the rules a schema definition must follow."""

from __future__ import annotations

import ast
import csv
import json
from pathlib import Path

import pytest

from mokmin.errors import ConfigError, NotFoundError
from mokmin.hub.mapping import suggest_mapping
from mokmin.hub.schema import Coordinates, Field, Schema, load_schema
from mokmin.hub.schemas import BUILTIN_SCHEMAS, get_schema

SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "src" / "mokmin" / "hub" / "schemas"


def _header(path: Path, encoding: str) -> list[str]:
    with open(path, encoding=encoding, newline="") as handle:
        return next(csv.reader(handle))


def test_registry_is_an_explicit_dict_keyed_by_name():
    assert all(name == schema.name for name, schema in BUILTIN_SCHEMAS.items())
    assert {"parking_lots", "cctv", "parking_enforcement", "civil_complaints", "vehicle_tax_delinquency",
            "living_population", "living_population_long_term_foreigners", "living_population_short_term_foreigners",
            "legal_dong_codes", "admin_dong_codes", "siting_candidates"} == set(BUILTIN_SCHEMAS)
    tree = ast.parse((SCHEMAS_DIR / "__init__.py").read_text(encoding="utf-8"))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") in {"update", "register"}]
    assert calls == []  # no mutation at import time (STYLE.md rule 5)
    with pytest.raises(NotFoundError) as caught:
        get_schema("nope")
    assert "parking_lots" in caught.value.message_en


def test_parking_lot_fields_are_the_real_standard_headers(shared_testdata):
    header = _header(shared_testdata / "cheonan" / "public_parking_lots_standard.cp949.csv", "cp949")
    schema = get_schema("parking_lots")
    assert [f for f in schema.field_names if f not in {"제공기관코드", "제공기관명"}] == header


def test_real_files_map_fully_to_their_schemas(shared_testdata):
    cases = [("cheonan/enforcement_2024_01.cp949.csv", "cp949", "parking_enforcement"),
             ("complaints/incheon_junggu_complaints_2012-2018.csv", "utf-8", "civil_complaints"),
             ("codes/legal_dong_codes_2020.csv", "utf-8-sig", "legal_dong_codes")]
    for relative, encoding, name in cases:
        found = suggest_mapping(_header(shared_testdata / relative, encoding), get_schema(name))
        assert found.unmapped_columns == () and found.missing_required == (), relative


def test_enforcement_schema_declares_the_issue_fields():
    schema = get_schema("parking_enforcement")
    assert schema.time_field == "단속일시" and schema.time_parts == ("단속일자", "단속시간")
    assert schema.field("단속방법").allowed == ("고정식 CCTV", "차량탑재형", "현장", "주민신고")
    assert schema.field("차량번호").personal == "vehicle"
    assert get_schema("vehicle_tax_delinquency").field("차량번호").personal == "vehicle"  # same join domain
    assert schema.coordinates == Coordinates("경도", "위도", 4326) and schema.dong_field == "단속동"
    assert schema.partition_by == ("year", "month")


def test_living_population_has_the_seoul_frame():
    residents = get_schema("living_population")
    assert residents.field_names[1:5] == ("기준일ID", "시간대구분", "행정동코드", "총생활인구수")
    assert len([f for f in residents.field_names if f.endswith("생활인구수") and f != "총생활인구수"]) == 28
    assert "남자70세이상생활인구수" in residents.field_names
    for name in ("living_population_long_term_foreigners", "living_population_short_term_foreigners"):
        assert get_schema(name).field_names[-2:] == ("중국인체류인구수", "중국외외국인체류인구수")


def test_round_trip_through_json(tmp_path):
    for schema in BUILTIN_SCHEMAS.values():
        path = tmp_path / f"{schema.name}.json"
        path.write_text(json.dumps(schema.to_dict(), ensure_ascii=False), encoding="utf-8")
        assert load_schema(path) == schema


@pytest.mark.parametrize("kwargs", [
    {"fields": (Field("a"), Field("a"))},
    {"fields": (Field("lat"),)},
    {"fields": (Field("a"),), "time_field": "missing"},
    {"fields": (Field("a"),), "partition_by": ("year",)},
    {"fields": (Field("a", "int"),), "time_field": "a"},
])
def test_bad_definitions_are_refused(kwargs):
    with pytest.raises(ConfigError):
        Schema(name="x", title_ko="x", title_en="x", **kwargs)


def test_bad_fields_are_refused():
    with pytest.raises(ConfigError):
        Field("a", "money")  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        Field("a", personal="shoe size")
    with pytest.raises(ConfigError):
        Field("a", "int", personal="vehicle")
    with pytest.raises(ConfigError):
        Field("a", "category", allowed=("x",), value_aliases={"y": "z"})


def test_arrow_schema_of_published_files():
    names = get_schema("parking_enforcement").arrow_schema().names
    assert names[-6:] == ["_row", "x_5186", "y_5186", "lon", "lat", "geo_quality"]
    assert get_schema("legal_dong_codes").arrow_schema().names == ["법정동코드", "법정동명", "폐지여부", "_row"]


def test_candidate_sites_take_korean_or_english_headers_and_name_bad_rows(tmp_path):
    """A planner's spreadsheet: English headers map by alias, 한글 types are accepted, a bad type or a negative
    capacity is refused with its row and field, and nothing is published."""
    from mokmin.errors import ValidationError
    from mokmin.hub import store
    from mokmin.hub.files import open_file
    from mokmin.hub.ingest import ingest
    from mokmin.hub.mapping import suggest_mapping

    schema = get_schema("siting_candidates")
    good = tmp_path / "candidates.csv"
    good.write_text("candidate_id,type,name,capacity,lat,lon\nC1,CCTV,교차로 1,,37.63,127.18\n"
                    "P1,주차장,부지 1,120,37.64,127.19\n", encoding="utf-8")
    connector = open_file(good)
    mapping = suggest_mapping(connector.describe().columns, schema).mapping
    summary = ingest(connector, schema, mapping, dataset="cand", home=tmp_path, key_dir=tmp_path / "keys")
    assert summary.rows_published == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("candidate_id,type,name,capacity,lat,lon\nC1,드론,교차로 1,,37.63,127.18\n"
                   "P1,parking_lot,부지 1,-5,37.64,127.19\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        ingest(open_file(bad), schema, mapping, dataset="cand", home=tmp_path, key_dir=tmp_path / "keys")
    found = {(p.location.row, p.location.field) for p in caught.value.problems}
    assert found == {(2, "type"), (3, "capacity")}  # named as in the planner's own file
    assert store.current_version(tmp_path, "cand") == 1
