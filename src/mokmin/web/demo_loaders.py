"""Load the generated demo files into the database, one loader per web app that owns the models.

The core generators (:mod:`mokmin.demo.generate`) write plain files; these loaders read them. The list is
explicit; later areas append their loader here next to their generator in ``mokmin.demo.generate.AREAS``.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from mokmin.demo.context import DemoContext

LOADERS: tuple[str, ...] = (
    "mokmin.web.accounts.demo:load",
    "mokmin.web.audit.demo:load",
    "mokmin.web.knowledge.demo:load",
    "mokmin.web.datahub.demo:load",
    "mokmin.web.proposals.demo:load",
    "mokmin.web.evaluation.demo:load",
)


def load_all(home: Path, seed: int, *, force: bool = False) -> dict:
    ctx = DemoContext(home=home, seed=seed)
    summary = {}
    for target in LOADERS:
        module_name, _sep, attr = target.partition(":")
        summary[module_name.rsplit(".", 2)[-2]] = getattr(importlib.import_module(module_name), attr)(ctx, force=force)
    return summary
