"""Every conformance vector of transparency-dev/merkle (in ../shared/testdata/merkle) against our verifiers.

The vectors are read in place, never copied. Each file is one case: ``wantErr`` false must verify, true must be
rejected with a mokmin error (InputError for malformed input, IntegrityError for a proof that does not match).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from mokmin.errors import InputError, IntegrityError
from mokmin.ledger.proofs import verify_consistency, verify_inclusion
from tests.conftest import SHARED, missing

VECTORS = SHARED / "merkle"


def _cases(kind: str) -> list[Path]:
    return sorted((VECTORS / kind).rglob("*.json")) if VECTORS.exists() else []


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(VECTORS)) for p in paths]


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def _proof(values: list[str] | None) -> list[bytes]:
    return [_b64(v) for v in values or []]


INCLUSION = _cases("inclusion")
CONSISTENCY = _cases("consistency")


def test_vectors_are_there():
    """Guard against a vacuous pass: the vector set is the one we expect (196 files, both happy and bad)."""
    if not VECTORS.exists():
        missing(f"Merkle conformance vectors not found at {VECTORS}")
    assert len(INCLUSION) + len(CONSISTENCY) == 196
    wanted = [json.loads(p.read_text())["wantErr"] for p in INCLUSION + CONSISTENCY]
    assert wanted.count(False) >= 12 and wanted.count(True) >= 150


@pytest.mark.parametrize("path", INCLUSION, ids=_ids(INCLUSION))
def test_inclusion_vector(path: Path):
    case = json.loads(path.read_text())
    args = (_b64(case["leafHash"]), case["leafIdx"], case["treeSize"], _proof(case["proof"]), _b64(case["root"]))
    if case["wantErr"]:
        with pytest.raises((InputError, IntegrityError)):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("path", CONSISTENCY, ids=_ids(CONSISTENCY))
def test_consistency_vector(path: Path):
    case = json.loads(path.read_text())
    args = (case["size1"], case["size2"], _proof(case["proof"]), _b64(case["root1"]), _b64(case["root2"]))
    if case["wantErr"]:
        with pytest.raises((InputError, IntegrityError)):
            verify_consistency(*args)
    else:
        verify_consistency(*args)
