"""The evaluation package's surface: every public name is in its module's ``__all__``, and the doctests pass (the
signing-bytes example in :mod:`mokmin.evaluation.events` is the browser's reference)."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil

import pytest

import mokmin.evaluation

MODULES = ["demo_session", "events", "findings", "model", "ranking", "replay", "scores"]


def test_every_module_lists_its_public_names():
    """Each module of the package (found by pkgutil, so a new one is checked too) exports what it defines."""
    unlisted = []
    for info in pkgutil.iter_modules(mokmin.evaluation.__path__):
        module = importlib.import_module(f"mokmin.evaluation.{info.name}")
        unlisted += [f"{info.name}.{key}" for key, value in inspect.getmembers(module, inspect.isfunction)
                     + inspect.getmembers(module, inspect.isclass)
                     if value.__module__ == module.__name__ and not key.startswith("_") and key not in module.__all__]
        unlisted += [f"{info.name}.{key} (missing)" for key in module.__all__ if not hasattr(module, key)]
    assert unlisted == []
    assert sorted(info.name for info in pkgutil.iter_modules(mokmin.evaluation.__path__)) == MODULES


def test_package_exports_resolve():
    assert all(hasattr(mokmin.evaluation, name) for name in mokmin.evaluation.__all__)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(f"mokmin.evaluation.{name}"))
    assert result.failed == 0
