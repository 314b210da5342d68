"""The ledger package's surface: every public function and class is in its module's ``__all__`` (and all exist),
and the benchmark runs end to end on a small log, returning the numbers issue 7 asks for."""

from __future__ import annotations

import importlib
import inspect

import pytest

import mokmin.ledger
from mokmin.ledger import bench

MODULES = ["bench", "checkpoint", "commitment", "merkle", "note", "proofs", "store", "witness"]


@pytest.mark.parametrize("name", MODULES)
def test_all_is_complete(name):
    module = importlib.import_module(f"mokmin.ledger.{name}")
    public = {key for key, value in vars(module).items()
              if (inspect.isfunction(value) or inspect.isclass(value)) and value.__module__ == module.__name__
              and not key.startswith("_")}
    assert public <= set(module.__all__)
    assert all(hasattr(module, key) for key in module.__all__)


def test_package_exports_resolve():
    assert all(hasattr(mokmin.ledger, name) for name in mokmin.ledger.__all__)


def test_benchmark_runs_small():
    result = bench.run(appends=300, log_size=2_000, proofs=50, peer=False)
    for key in ("appends_per_second_commit_each", "appends_per_second_batch_100", "signature_verifications_per_second",
                "verify_log_seconds", "proof_inclusion_us_median", "proof_consistency_us_p99",
                "verify_inclusion_us_median"):
        assert result[key] > 0, key
    assert result["log_size"] == 2_000 and "pymerkle" not in result
