"""Which analyses exist, and running one by name on datasets from the hub.

The list is explicit (no registration at import time). The web page, the CLI (`mokmin analyze`), the scheduler
and report export all go through :func:`run`, so they handle any analysis without knowing which it is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mokmin.analyses.base import Context, Result
from mokmin.errors import ErrorLocation, InputError, NotFoundError
from mokmin.hub import store
from mokmin.hub.engine import open_engine
from mokmin.progress import NullProgress, Progress

ANALYSES: Mapping[str, str] = {
    "hotspots": "mokmin.analyses.hotspots:Hotspots",
    "emerging_hotspots": "mokmin.analyses.emerging:EmergingHotspots",
    "underserved": "mokmin.analyses.underserved:Underserved",
    "patrol_plan": "mokmin.analyses.patrol:PatrolPlan",
    "impact": "mokmin.analyses.impact:Impact",
    "cctv_siting": "mokmin.analyses.siting:CctvSiting",
    "parking_lot_siting": "mokmin.analyses.siting:ParkingLotSiting",
}


def available() -> dict[str, type]:
    """Analyses whose module is installed (later issues add theirs to :data:`ANALYSES`)."""
    found = {}
    for name in ANALYSES:
        try:
            found[name] = load(name)
        except NotFoundError:
            continue
    return found


def load(name: str) -> type:
    if name not in ANALYSES:
        raise NotFoundError("알 수 없는 분석입니다", "unknown analysis",
                            location=ErrorLocation(field="analysis", value=name), details={"known": sorted(ANALYSES)})
    module_name, _, attr = ANALYSES[name].partition(":")
    try:
        return getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise NotFoundError("이 분석은 아직 설치되지 않았습니다", "this analysis is not installed",
                            location=ErrorLocation(field="analysis", value=name)) from exc


def _convert(text: Any, kind: Any, name: str) -> Any:
    """A form or command-line string to the parameter's declared type (int, float, bool, date, str, Optional)."""
    if not isinstance(text, str):
        return text
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        if text.strip() == "":
            return None
        kind = args[0] if args else str
    try:
        if kind is bool:
            return text.strip().lower() in {"1", "true", "yes", "on"}
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
        if kind is dt.date:
            return dt.date.fromisoformat(text)
        if typing.get_origin(kind) is tuple:
            item = (typing.get_args(kind) or (str,))[0]
            return tuple(_convert(p.strip(), item, name) for p in text.split(",") if p.strip())
    except ValueError as exc:
        raise InputError("값의 형식이 맞지 않습니다", "the value has the wrong type",
                         location=ErrorLocation(field=name, value=text)) from exc
    return text


def make_params(cls: type, values: Mapping[str, Any]) -> Any:
    """The analysis's Params from strings (form, CLI) or typed values; unknown names are refused."""
    params_cls = cls.Params
    hints = typing.get_type_hints(params_cls)
    fields = {f.name for f in dataclasses.fields(params_cls)}
    unknown = sorted(set(values) - fields)
    if unknown:
        raise InputError("알 수 없는 매개변수입니다", "unknown parameter", location=ErrorLocation(field=unknown[0]))
    params = params_cls(**{k: _convert(v, hints.get(k, str), k) for k, v in values.items()})
    if callable(getattr(params, "validate", None)):
        params.validate()  # refuse bad values where they are typed, not later in the worker
    return params


def chosen_inputs(cls: type, inputs: Mapping[str, str]) -> dict[str, str]:
    """The inputs given (an empty choice leaves an optional role out); a required role left empty is refused."""
    chosen = {role: name for role, name in inputs.items() if name}
    missing = sorted(set(cls.INPUTS) - set(chosen) - set(getattr(cls, "OPTIONAL_INPUTS", ())))
    if missing:
        raise InputError("입력 데이터셋을 골라 주세요", "choose the input datasets",
                         location=ErrorLocation(field=f"input:{missing[0]}"))
    return chosen


def run(name: str, params: Mapping[str, Any], inputs: Mapping[str, str], *, home: Path, engine: str = "duckdb",
        engine_options: Mapping[str, Any] | None = None, progress: Progress | None = None,
        by: str | None = None) -> Result:
    """Run analysis ``name`` with ``inputs`` (role -> dataset name, current version) and record the lineage."""
    cls = load(name)
    inputs = chosen_inputs(cls, inputs)
    analysis = cls(make_params(cls, params))
    eng = open_engine(engine, **(engine_options or {}))
    used: dict[str, dict[str, Any]] = {}
    try:
        for role, dataset in inputs.items():
            if role not in cls.INPUTS:
                continue
            info = store.version_info(home, dataset)
            expected = cls.INPUTS[role]
            if expected and info.meta.get("schema") != expected:
                raise InputError(f"'{dataset}'의 스키마가 {expected}이(가) 아닙니다",
                                 f"dataset '{dataset}' does not have schema {expected}",
                                 location=ErrorLocation(field=f"input:{role}", value=dataset))
            eng.register_parquet(role, info.data_path)
            used[role] = {"dataset": dataset, "version": info.version, "schema": info.meta.get("schema")}
        result = analysis.run(Context(engine=eng, inputs=used, home=home, progress=progress or NullProgress()))
    finally:
        eng.close()
    for entry in used.values():
        store.record_use(home, entry["dataset"], entry["version"], name, by=by, params=dict(params))
    return dataclasses.replace(result, inputs=used)


__all__ = ["ANALYSES", "available", "chosen_inputs", "load", "make_params", "run"]
