"""Generate the whole demo municipality under ``home/demo`` and record it in ``home/demo/manifest.json``.

Extension surface (it fits here): an *area* is a module with

- ``NAME: str``: its directory under ``home/demo`` and its key in the manifest;
- ``generate(ctx: DemoContext) -> dict``: writes its files, only under ``ctx.area_dir(NAME)`` and only through
  :func:`mokmin.atomic.atomic_file`, from ``ctx.rng(NAME)`` alone, and returns a small JSON-able summary.

:data:`AREAS` lists the area modules explicitly, in run order; a new area appends its module path there.
Nothing registers itself at import time, so the list is the whole truth. An area may read the files of the
areas listed before it (e.g. a dataset area placing events inside the geography's dongs) but never writes
there. Geography and organisation do not depend on each other.

Why a manifest: a second ``make demo`` must start in seconds. When ``manifest.json`` records the same seed,
:data:`GENERATOR_VERSION` and area list, and every file it lists is still there with its size, the existing
manifest is returned and nothing is regenerated. The manifest is deleted before and written after a
regeneration, so a run killed half-way never leaves a manifest claiming files it did not finish. It holds no
timestamp, so that the same seed gives a byte-identical manifest too.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from mokmin.atomic import atomic_file, remove_partials
from mokmin.demo.context import DemoContext
from mokmin.errors import ConfigError

__all__ = ["AREAS", "GENERATOR_VERSION", "MANIFEST", "area_module", "generate", "read_manifest"]

AREAS: tuple[str, ...] = (
    "mokmin.demo.geography",
    "mokmin.demo.organisation",
    "mokmin.demo.knowledge",
    "mokmin.demo.parking",
    "mokmin.demo.proposals",
)
"""Area modules in run order. Later issues append theirs."""

GENERATOR_VERSION = "3"
"""Bump when any area's output changes for the same seed, so that existing demo homes are regenerated."""

MANIFEST = "manifest.json"


def area_module(path: str) -> ModuleType:
    """Import an area module and check that it has the two members the protocol asks for."""
    try:
        module = importlib.import_module(path)
    except ImportError as exc:
        raise ConfigError("areas", path, "데모 영역 모듈을 불러올 수 없습니다 / "
                                         "cannot import the demo area module") from exc
    if not isinstance(getattr(module, "NAME", None), str) or not callable(getattr(module, "generate", None)):
        raise ConfigError("areas", path, "데모 영역 모듈에 NAME 또는 generate가 없습니다 / "
                                         "the demo area module lacks NAME or generate")
    return module


def read_manifest(home: Path) -> dict[str, Any] | None:
    """The manifest of the demo under ``home``, or ``None`` if there is none or it is unreadable."""
    try:
        data = json.loads((Path(home) / "demo" / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_current(manifest: dict[str, Any] | None, demo_dir: Path, seed: int, names: list[str]) -> bool:
    """Same seed, version and areas, and every listed file present with its recorded size.

    Sizes and not hashes: hashing large generated datasets on every start would cost the seconds the manifest
    is there to save; a truncated or deleted file still shows.
    """
    if (manifest is None or manifest.get("seed") != seed
            or manifest.get("generator_version") != GENERATOR_VERSION
            or [a.get("name") for a in manifest.get("areas", [])] != names):
        return False
    for entry in manifest.get("files", []):
        path = demo_dir / entry["path"]
        if not path.is_file() or path.stat().st_size != entry["bytes"]:
            return False
    return True


def generate(home: Path, seed: int, *, force: bool = False, areas: Sequence[str] = AREAS) -> dict[str, Any]:
    """Generate (or reuse) the demo municipality under ``home/demo``; return its manifest.

    ``areas`` are module paths run in order; ``force`` regenerates even if an up-to-date manifest exists. Each
    area's directory is emptied before it runs, so the manifest lists exactly the files of this run.
    """
    ctx = DemoContext(Path(home), seed)
    modules = [area_module(path) for path in areas]
    names = [m.NAME for m in modules]
    if len(set(names)) != len(names):
        raise ConfigError("areas", ", ".join(names),
                          "데모 영역 이름이 중복됩니다 / demo area names are not unique")
    demo_dir = ctx.demo_dir
    manifest_path = demo_dir / MANIFEST
    existing = read_manifest(ctx.home)
    if not force and _is_current(existing, demo_dir, seed, names):
        assert existing is not None
        return existing

    demo_dir.mkdir(parents=True, exist_ok=True)
    manifest_path.unlink(missing_ok=True)
    remove_partials(demo_dir)
    summaries: list[dict[str, Any]] = []
    for path, module in zip(areas, modules, strict=True):
        area_dir = demo_dir / module.NAME
        if area_dir.exists():
            shutil.rmtree(area_dir)
        summary = module.generate(ctx)
        summaries.append({"name": module.NAME, "module": path, "summary": summary})

    files = [{"path": p.relative_to(demo_dir).as_posix(), "bytes": p.stat().st_size, "sha256": _sha256(p)}
             for name in names for p in sorted((demo_dir / name).rglob("*")) if p.is_file()]
    manifest = {"generator_version": GENERATOR_VERSION, "seed": seed, "areas": summaries, "files": files}
    with atomic_file(manifest_path) as out:
        json.dump(manifest, out, ensure_ascii=False, indent=2)
        out.write("\n")
    return manifest
