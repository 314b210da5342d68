"""Where new fixed CCTV and public parking lots should go: the two siting analyses a parking team runs.

**Fixed CCTV** (:class:`CctvSiting`): choose ``k`` sites among the candidates (a candidate list from the hub, or
the busiest grid cells) that maximise the demand (violations + weighted complaints, per 50 m cell) within
``radius`` metres, existing parking-enforcement cameras fixed and their coverage counted first: the maximal
covering location problem (:mod:`mokmin.siting.coverage`), solved exactly on HiGHS with a time limit and the
gap to a proven bound.

**Public parking lots** (:class:`ParkingLotSiting`): choose ``k`` sites among candidate parcels to serve the most
*chronic* demand (night-time violations, long stays, complaints: :mod:`mokmin.analyses.siting_inputs`) within
walking distance, respecting lot capacities (capacitated covering), or, with ``objective="median"``, to
minimise the demand-weighted walk (p-median, capacitated when capacities are known). Existing public lots stay
open with a share of their spaces assumed free (``existing_spare``): the violations around them show they are
mostly full.

Both give a coverage curve (objective against k, with proven bounds, to help choose k), the marginal gain of
each site, a map (demand cells by who covers them, catchment circles, sites), an hour x weekday heatmap of the
demand the new sites reach, a table of chosen sites with what each covers, and a narrative in both languages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar

from mokmin.analyses.base import Context, Result, params_dict
from mokmin.analyses.hotspots import label
from mokmin.analyses.siting_inputs import (
    CellDemand,
    candidate_points,
    cell_demand,
    cell_dongs,
    existing_points,
    filters,
    grid_candidates,
    period_days,
)
from mokmin.analyses.siting_output import SitingOutput
from mokmin.errors import ErrorLocation, InputError
from mokmin.progress import checkpoint
from mokmin.siting.points import Points, site_cctv, site_parking_lots

__all__ = ["CctvParams", "CctvSiting", "LotParams", "ParkingLotSiting", "SitingSelection"]

NIGHT = (20, 21, 22, 23, 0, 1, 2, 3, 4, 5, 6)
OBJECTIVES = ("coverage", "median")


@dataclass(frozen=True)
class SitingSelection:
    """The records that make demand, the demand grid, candidates and solver limits (shared by both analyses)."""

    start: dt.date | None = field(default=None, metadata=label("시작일", "from", "이 날짜부터(포함); 비우면 처음부터"))
    end: dt.date | None = field(default=None, metadata=label("종료일", "to", "이 날짜까지(포함); 비우면 끝까지"))
    cell_size: float = field(default=50.0, metadata=label("수요 격자(m)", "demand cell (m)",
                                                          "단속·민원을 이 크기의 격자로 모아 수요 지점으로 씁니다"))
    complaint_weight: float = field(default=1.0, metadata=label("민원 가중치", "complaint weight",
                                                                "민원 1건을 단속 몇 건으로 칠지"))
    precise_only: bool = field(default=True, metadata=label("정확한 위치만", "precisely placed rows only",
                                                            "동 중심점에 놓인 기록은 빼는 것이 좋습니다"))
    candidate_cell: float = field(default=100.0, metadata=label(
        "후보 격자(m)", "candidate cell (m)", "후보지 목록이 없을 때 수요가 많은 이 크기 격자의 중심을 후보로"))
    max_candidates: int = field(default=2000, metadata=label("최대 후보 수", "most grid candidates"))
    curve_k: int | None = field(default=None, metadata=label("곡선의 최대 k", "curve up to k", "비우면 2k"))
    time_limit: float = field(default=60.0, metadata=label("계산 제한(초)", "solver time limit (s)",
                                                           "넘으면 가장 좋은 해와 최적까지의 차이를 보여 줍니다"))

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if isinstance(value, str):
                try:
                    object.__setattr__(self, name, dt.date.fromisoformat(value[:10]) if value else None)
                except ValueError as exc:
                    raise InputError("날짜는 YYYY-MM-DD 형식이어야 합니다", "a date must be YYYY-MM-DD",
                                     location=ErrorLocation(field=name, value=value)) from exc
        problems = self.problems()
        if problems:
            raise InputError.from_fields(problems)

    def problems(self) -> list[tuple[str, str, str]]:
        """(field, reason_ko, reason_en) of every bad value; subclasses add theirs."""
        out: list[tuple[str, str, str]] = []
        if self.start and self.end and self.start > self.end:
            out.append(("end", "종료일이 시작일보다 빠릅니다", "the end date is before the start date"))
        ranges = {"cell_size": (5, 1000), "complaint_weight": (0, 1000), "candidate_cell": (10, 2000),
                  "max_candidates": (1, 20000), "time_limit": (1, 3600)}
        kinds = {f.name: f.type for f in dataclasses.fields(self)}
        for name, (low, high) in ranges.items():
            value = getattr(self, name)
            whole = kinds[name] in ("int", int)
            if isinstance(value, bool) or not isinstance(value, int if whole else int | float) or not low <= value <= high:
                out.append((name, f"{low:g}~{high:g} 사이의 {'정수' if whole else '수'}여야 합니다",
                            f"must be {'a whole number' if whole else 'a number'} from {low:g} to {high:g}"))
        if self.curve_k is not None and (not isinstance(self.curve_k, int) or self.curve_k < 1):
            out.append(("curve_k", "1 이상의 정수여야 합니다(비우면 2k)", "must be a whole number >= 1 (empty: 2k)"))
        return out

    def validate(self) -> None:
        """Checked on construction; kept so the form and registry can call it explicitly."""
        problems = self.problems()
        if problems:
            raise InputError.from_fields(problems)


def _check_k(out: list[tuple[str, str, str]], k: Any, radius: Any, name: str) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 500:
        out.append(("k", "새로 둘 곳의 수는 1~500 사이의 정수여야 합니다", "k must be a whole number from 1 to 500"))
    if isinstance(radius, bool) or not isinstance(radius, int | float) or not 10 <= radius <= 5000:
        out.append((name, "거리는 10~5000 m 사이여야 합니다", "the distance must be 10-5000 m"))


@dataclass(frozen=True)
class CctvParams(SitingSelection):
    """Fixed CCTV siting: how many new cameras, their reach, which existing cameras count."""

    k: int = field(default=10, metadata=label("새 CCTV 수(k)", "new cameras (k)"))
    radius: float = field(default=150.0, metadata=label("단속 반경(m)", "coverage radius (m)",
                                                        "고정식 CCTV 한 대가 단속할 수 있는 거리"))
    existing_purpose: str = field(default="주정차", metadata=label(
        "기존 CCTV 목적", "existing cameras' purpose", "설치목적구분에 이 글자가 들어간 CCTV만 기존 시설로; 비우면 전부"))

    def problems(self) -> list[tuple[str, str, str]]:
        out = super().problems()
        _check_k(out, self.k, self.radius, "radius")
        return out


@dataclass(frozen=True)
class LotParams(SitingSelection):
    """Parking-lot siting: how many new lots, walking distance, the objective and what counts as chronic."""

    cell_size: float = field(default=50.0, metadata=label("수요 격자(m)", "demand cell (m)"))
    max_candidates: int = field(default=300, metadata=label("최대 후보 수", "most grid candidates"))
    k: int = field(default=3, metadata=label("새 주차장 수(k)", "new lots (k)"))
    walk: float = field(default=300.0, metadata=label("도보 거리(m)", "walking distance (m)"))
    objective: str = field(default="coverage", metadata=label(
        "목표", "objective", "coverage: 도보 거리 안 수요를 최대로(용량 고려), median: 수요 가중 도보 거리를 최소로",
        choices=OBJECTIVES))
    night_hours: tuple[int, ...] = field(default=NIGHT, metadata=label("야간 시간대", "night hours", "0~23시"))
    night_weight: float = field(default=1.0, metadata=label("야간 단속 가중치", "night violation weight"))
    long_stay_weight: float = field(default=1.0, metadata=label(
        "장시간 주차 가중치", "long-stay weight", "같은 날 같은 곳에서 같은 차가 다시 단속된 건"))
    default_capacity: float = field(default=50.0, metadata=label("후보 기본 면수", "default spaces per candidate",
                                                                 "후보지에 면수가 없을 때"))
    existing_spare: float = field(default=0.1, metadata=label(
        "기존 주차장 여유 비율", "spare share of existing lots", "기존 공영주차장 면수 중 비어 있다고 볼 비율(0~1)"))

    def __post_init__(self) -> None:
        if isinstance(self.night_hours, list):  # lists from JSON become tuples, so params round-trip
            object.__setattr__(self, "night_hours", tuple(self.night_hours))
        super().__post_init__()

    def problems(self) -> list[tuple[str, str, str]]:
        out = super().problems()
        _check_k(out, self.k, self.walk, "walk")
        if self.objective not in OBJECTIVES:
            out.append(("objective", "목표는 coverage 또는 median입니다", "the objective is coverage or median"))
        if any(not isinstance(h, int) or not 0 <= h <= 23 for h in self.night_hours):
            out.append(("night_hours", "시간대는 0~23입니다", "hours are 0 to 23"))
        for name in ("night_weight", "long_stay_weight"):
            if not isinstance(getattr(self, name), int | float) or getattr(self, name) < 0:
                out.append((name, "0 이상이어야 합니다", "must be >= 0"))
        if not isinstance(self.default_capacity, int | float) or self.default_capacity <= 0:
            out.append(("default_capacity", "0보다 커야 합니다", "must be > 0"))
        if not isinstance(self.existing_spare, int | float) or not 0 <= self.existing_spare <= 1:
            out.append(("existing_spare", "0~1 사이여야 합니다", "must be from 0 to 1"))
        return out


def _no_demand(p: SitingSelection) -> InputError:
    return InputError("선택한 기간에 위치가 있는 단속·민원 기록이 없습니다",
                      "no placed enforcement or complaint record in the chosen period",
                      location=ErrorLocation(field="start" if p.start or p.end else "precise_only"))


def _candidates(context: Context, kind: str, demand: CellDemand, p: SitingSelection, where: tuple[Any, ...],
                capacity: float | None = None) -> tuple[Points, str]:
    """The listed candidates of ``kind``, else the busiest grid cells named by the dong of the events ``where``
    selects."""
    listed = candidate_points(context, kind, default_capacity=capacity)
    if listed is not None:
        return listed, "list"
    dongs = cell_dongs(context, "events", "parking_enforcement", p.candidate_cell, where)
    return grid_candidates(demand, p.candidate_cell, p.max_candidates, capacity=capacity, dongs=dongs), "grid"


def _uncapacitated(points: Points | None) -> Points | None:
    """The same points without capacities (the p-median variant: the table then shows each lot's load)."""
    if points is None:
        return None
    return dataclasses.replace(points, capacities=None)


class CctvSiting:
    """Fixed CCTV: the maximal covering location problem with existing cameras fixed (module docstring)."""

    NAME: ClassVar[str] = "cctv_siting"
    TITLE_KO: ClassVar[str] = "고정식 CCTV 입지 선정"
    TITLE_EN: ClassVar[str] = "Fixed CCTV siting"
    INPUTS: ClassVar[dict[str, str]] = {"events": "parking_enforcement", "complaints": "civil_complaints",
                                        "cctv": "cctv", "candidates": "siting_candidates"}
    OPTIONAL_INPUTS: ClassVar[tuple[str, ...]] = ("complaints", "cctv", "candidates")
    Params: ClassVar[type[CctvParams]] = CctvParams

    def __init__(self, params: CctvParams | None = None) -> None:
        self.params = params or CctvParams()

    def run(self, context: Context) -> Result:
        p = self.params
        p.validate()
        checkpoint(context.progress, 0, 4, "demand")
        period = filters(context, "events", "parking_enforcement", p.start, p.end, p.precise_only)
        parts = {"violations": ("events", "parking_enforcement", 1.0, period, "records")}
        if "complaints" in context.engine.tables() and p.complaint_weight > 0:
            parts["complaints"] = ("complaints", "civil_complaints", float(p.complaint_weight),
                                   filters(context, "complaints", "civil_complaints", p.start, p.end, p.precise_only),
                                   "records")
        demand = cell_demand(context, parts, p.cell_size)
        if demand.weight.size == 0:
            raise _no_demand(p)
        existing = existing_points(context, "cctv", label="소재지도로명주소",
                                   where={"설치목적구분": p.existing_purpose} if p.existing_purpose else None)
        candidates, source = _candidates(context, "cctv", demand, p, period)
        checkpoint(context.progress, 1, 4, "solving")
        report = site_cctv(demand.points(), candidates, existing, p.k, p.radius, time_limit=p.time_limit,
                           curve_k=p.curve_k)
        checkpoint(context.progress, 3, 4, "output")
        out = SitingOutput(report, demand, "cctv", candidate_source=source)
        result = Result(analysis=self.NAME, params=params_dict(p), inputs=dict(context.inputs), tables=out.tables(),
                        layers=out.layers(), charts=out.charts(), narrative=out.narrative(),
                        extra=out.extra())
        checkpoint(context.progress, 4, 4, "done")
        return result


class ParkingLotSiting:
    """Public parking lots: capacitated covering or p-median on chronic demand (module docstring)."""

    NAME: ClassVar[str] = "parking_lot_siting"
    TITLE_KO: ClassVar[str] = "공영주차장 입지 선정"
    TITLE_EN: ClassVar[str] = "Public parking lot siting"
    INPUTS: ClassVar[dict[str, str]] = {"events": "parking_enforcement", "complaints": "civil_complaints",
                                        "lots": "parking_lots", "candidates": "siting_candidates"}
    OPTIONAL_INPUTS: ClassVar[tuple[str, ...]] = ("complaints", "lots", "candidates")
    Params: ClassVar[type[LotParams]] = LotParams

    def __init__(self, params: LotParams | None = None) -> None:
        self.params = params or LotParams()

    def run(self, context: Context) -> Result:
        p = self.params
        p.validate()
        checkpoint(context.progress, 0, 4, "demand")
        period = filters(context, "events", "parking_enforcement", p.start, p.end, p.precise_only)
        parts: dict[str, tuple[str, str, float, tuple[Any, ...], str]] = {
            "night": ("events", "parking_enforcement", float(p.night_weight),
                      filters(context, "events", "parking_enforcement", p.start, p.end, p.precise_only,
                              p.night_hours), "records"),
            "long_stays": ("events", "parking_enforcement", float(p.long_stay_weight), period, "long_stays")}
        if "complaints" in context.engine.tables() and p.complaint_weight > 0:
            parts["complaints"] = ("complaints", "civil_complaints", float(p.complaint_weight),
                                   filters(context, "complaints", "civil_complaints", p.start, p.end, p.precise_only),
                                   "records")
        parts = {k: v for k, v in parts.items() if v[2] > 0}
        counted = cell_demand(context, parts, p.cell_size)
        if counted.weight.size == 0:
            raise _no_demand(p)
        days = period_days(context, "events", "parking_enforcement", period)
        demand = dataclasses.replace(counted, weight=counted.weight / days, by_time=counted.by_time / days)
        existing = existing_points(context, "lots", label="주차장명", capacity="주차구획수",
                                   where={"주차장구분": "공영"}, capacity_share=p.existing_spare)
        candidates, source = _candidates(context, "parking_lot", demand, p, period, p.default_capacity)
        if p.objective == "median":  # the walk-minimising variant assigns every car to its nearest lot
            candidates, existing = _uncapacitated(candidates), _uncapacitated(existing)
        checkpoint(context.progress, 1, 4, "solving")
        report = site_parking_lots(demand.points(), candidates, p.k, walk=p.walk, objective=p.objective,
                                   existing=existing, time_limit=p.time_limit, curve_k=p.curve_k)
        checkpoint(context.progress, 3, 4, "output")
        out = SitingOutput(report, demand, "parking_lot", candidate_source=source, days=days)
        result = Result(analysis=self.NAME, params=params_dict(p), inputs=dict(context.inputs), tables=out.tables(),
                        layers=out.layers(), charts=out.charts(), narrative=out.narrative(),
                        extra=out.extra())
        checkpoint(context.progress, 4, 4, "done")
        return result
