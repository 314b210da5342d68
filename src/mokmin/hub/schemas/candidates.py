"""Candidate sites for new facilities (입지 후보지): poles and intersections for fixed CCTV, parcels for parking lots.

No national standard exists for candidate sites, so this is mokmin's own schema, kept as close to the
standards' vocabulary as possible (위도/경도 in WGS84, 행정동). A planner exports the list from a GIS or writes
it in a spreadsheet: one row per site, its type (``cctv`` or ``parking_lot``; 한글 "CCTV", "주차장" are accepted),
and for lots the number of spaces it could hold (수용대수). The siting analyses read it as their ``candidates``
input; without one they fall back to grid cells.
"""

from __future__ import annotations

from mokmin.hub.schema import Coordinates, Field, Schema

TYPES = ("cctv", "parking_lot")

_TYPE_ALIASES = {
    **dict.fromkeys(("CCTV", "cctv", "고정식CCTV", "고정식 CCTV", "카메라", "단속카메라"), "cctv"),
    **dict.fromkeys(("주차장", "공영주차장", "parking", "parking lot", "lot"), "parking_lot"),
}

SCHEMA = Schema(
    name="siting_candidates",
    title_ko="입지 후보지",
    title_en="Candidate sites",
    fields=(
        Field("후보번호", title_en="candidate id", required=True, aliases=("candidate_id", "id", "후보ID")),
        Field("후보유형", "category", "type", required=True, allowed=TYPES, value_aliases=_TYPE_ALIASES,
              aliases=("type", "유형", "시설유형")),
        Field("후보명", title_en="name", aliases=("name", "명칭", "위치명")),
        Field("행정동", title_en="dong", aliases=("dong", "동", "읍면동")),
        Field("수용대수", "int", "capacity", unit="면", min=0, aliases=("capacity", "주차면수", "주차구획수")),
        Field("위도", "float", "latitude", unit="°", min=33.0, max=39.0, aliases=("lat", "latitude", "WGS84위도")),
        Field("경도", "float", "longitude", unit="°", min=124.0, max=132.0, aliases=("lon", "longitude", "WGS84경도")),
        Field("비고", title_en="note", aliases=("note", "메모")),
    ),
    coordinates=Coordinates(x="경도", y="위도", epsg=4326),
    dong_field="행정동",
    primary_key=("후보번호",),
    sensitivity="public",
    description="새 CCTV·주차장을 둘 수 있는 곳 / places where a new camera or parking lot could go",
)
