"""The ledger benchmark of issue 7: appends per second with signature checks, proof latency, 1M-entry verification.

What each number measures (all on one core, pure Python + hashlib + OpenSSL's Ed25519 through ``cryptography``):

* ``appends_per_second_*``: an evaluator's signed entry arrives; the server checks its Ed25519 signature over the
  canonical JSON (:func:`~mokmin.ledger.commitment.verify_canonical`), stores the leaf durably in SQLite (WAL,
  ``synchronous=NORMAL``) and appends its hash to the in-memory tree. ``commit_each`` commits every entry on its
  own; ``batch_100`` commits groups of 100 (what a busy server does with a short queue). Goal: >= 5,000/s.
* ``proof_*_us``: median and 99th percentile time to generate (and to verify) an inclusion proof for a random
  (index, size) and a consistency proof for a random (size1, size2) in the 1M-leaf tree.
* ``verify_log_seconds``: an auditor opens the stored 1M-entry log and a signed checkpoint, recomputes every
  leaf hash from its row (time, kind, payload), checks the indices, recomputes the root and checks the log's
  signature on the checkpoint. Goal: < 60 s. The per-entry signatures are not re-checked there; at the measured
  ``signature_verifications_per_second`` that would add ``log_size / rate`` seconds, reported as
  ``verify_log_with_signatures_seconds_estimated``.
* ``pymerkle``: the same measures for the pymerkle package when it is importable (its in-memory tree, and its
  SQLite tree for appends), on the same entries. Its proofs are not the RFC wire format, so only times compare.

Entry payloads are small score sheets; sizes are parameters so a test can run the whole thing on a few thousand.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from mokmin.ledger.checkpoint import Checkpoint, open_checkpoint, sign_checkpoint
from mokmin.ledger.commitment import public_key_from_raw, raw_public_key, sign_canonical, verify_canonical
from mokmin.ledger.merkle import MerkleTree, hash_leaf
from mokmin.ledger.note import Signer
from mokmin.ledger.proofs import verify_consistency, verify_inclusion
from mokmin.ledger.store import SQLiteLeafStore

ORIGIN = "bench.mokmin.local/evaluation"


def _signed_entries(count: int, rng: random.Random) -> list[tuple[dict[str, Any], bytes, Ed25519PublicKey]]:
    """``count`` score entries, each signed by one of ten evaluators: (payload, signature, public key).

    The public keys are loaded once from their raw 32 bytes, as a server caches a session's evaluator keys.
    """
    keys = [Ed25519PrivateKey.generate() for _ in range(10)]
    publics = [public_key_from_raw(raw_public_key(key)) for key in keys]
    entries = []
    for i in range(count):
        who = i % 10
        payload = {"session": "bench-2026-01", "evaluator": f"ev-{who:02d}", "entry": f"bid-{i % 7}",
                   "scores": {"가격": rng.randrange(0, 21), "기술": round(rng.uniform(0, 80), 1)}}
        entries.append((payload, sign_canonical(keys[who], payload), publics[who]))
    return entries


def _rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds else float("inf")


def _appends(store: SQLiteLeafStore, entries: list[tuple[dict[str, Any], bytes, Ed25519PublicKey]], batch: int) -> float:
    """Entries per second: verify each signature, store durably, grow the tree."""
    tree = MerkleTree()
    pending: list[tuple[str, Any]] = []
    start = time.perf_counter()
    for payload, signature, public in entries:
        verify_canonical(public, payload, signature)
        pending.append(("score.signed", {**payload, "signature": signature.hex()}))
        if len(pending) >= batch:
            for leaf in store.append_leaves(pending):
                tree.append_hash(leaf.leaf_hash)
            pending = []
    for leaf in store.append_leaves(pending):
        tree.append_hash(leaf.leaf_hash)
    return _rate(len(entries), time.perf_counter() - start)


def _latency(samples: int, action: Callable[[int], object]) -> tuple[float, float]:
    """(median, p99) in microseconds of ``action(i)`` over ``samples`` calls."""
    times = []
    for i in range(samples):
        start = time.perf_counter()
        action(i)
        times.append((time.perf_counter() - start) * 1e6)
    times.sort()
    return round(statistics.median(times), 1), round(times[min(len(times) - 1, int(len(times) * 0.99))], 1)


def _proofs(tree: MerkleTree, samples: int, rng: random.Random) -> dict[str, float]:
    n = tree.size
    pairs = []
    for _ in range(samples):
        size = rng.randrange(2, n + 1)
        pairs.append((rng.randrange(size), rng.randrange(1, size), size))
    roots = {size: tree.root(size) for _, _, size in pairs} | {s1: tree.root(s1) for _, s1, _ in pairs}
    inclusion = [tree.inclusion_proof(index, size) for index, _, size in pairs]
    consistency = [tree.consistency_proof(s1, size) for _, s1, size in pairs]
    out: dict[str, float] = {}
    out["proof_inclusion_us_median"], out["proof_inclusion_us_p99"] = _latency(
        samples, lambda i: tree.inclusion_proof(pairs[i][0], pairs[i][2]))
    out["proof_consistency_us_median"], out["proof_consistency_us_p99"] = _latency(
        samples, lambda i: tree.consistency_proof(pairs[i][1], pairs[i][2]))
    out["verify_inclusion_us_median"], _ = _latency(samples, lambda i: verify_inclusion(
        tree.leaf_hash(pairs[i][0]), pairs[i][0], pairs[i][2], inclusion[i], roots[pairs[i][2]]))
    out["verify_consistency_us_median"], _ = _latency(samples, lambda i: verify_consistency(
        pairs[i][1], pairs[i][2], consistency[i], roots[pairs[i][1]], roots[pairs[i][2]]))
    return out


def _build_log(path: Path, size: int) -> None:
    with SQLiteLeafStore(path, verify=False) as store:
        for start in range(0, size, 10_000):
            store.append_many(("score.signed", {"entry": i, "evaluator": f"ev-{i % 10:02d}", "score": i % 100})
                              for i in range(start, min(size, start + 10_000)))


def _pymerkle(entries: list[tuple[dict[str, Any], bytes, Ed25519PublicKey]], log_entries: list[bytes], samples: int,
              workdir: Path, rng: random.Random) -> dict[str, Any]:
    import importlib.metadata

    import pymerkle

    from mokmin.ledger.commitment import canonical_json

    out: dict[str, Any] = {"version": importlib.metadata.version("pymerkle")}
    tree = pymerkle.InmemoryTree(algorithm="sha256")
    start = time.perf_counter()
    for payload, signature, public in entries:
        verify_canonical(public, payload, signature)
        tree.append_entry(canonical_json({**payload, "signature": signature.hex()}))
    out["appends_per_second_in_memory"] = _rate(len(entries), time.perf_counter() - start)
    durable = entries[:2_000]
    with pymerkle.SqliteTree(str(workdir / "pymerkle.db"), algorithm="sha256") as sqlite_tree:
        start = time.perf_counter()
        for payload, signature, public in durable:
            verify_canonical(public, payload, signature)
            sqlite_tree.append_entry(canonical_json({**payload, "signature": signature.hex()}))
        out["appends_per_second_sqlite_commit_each"] = _rate(len(durable), time.perf_counter() - start)
    start = time.perf_counter()
    big = pymerkle.InmemoryTree.init_from_entries(log_entries, algorithm="sha256")
    root = big.get_root()
    out["verify_log_seconds"] = round(time.perf_counter() - start, 2)
    out["root_matches_ours"] = root == MerkleTree.from_leaf_hashes(hash_leaf(e) for e in log_entries).root()
    n = len(log_entries)
    pairs = [(rng.randrange(1, n + 1), rng.randrange(1, n), n) for _ in range(samples)]  # pymerkle is 1-based
    out["proof_inclusion_us_median"], out["proof_inclusion_us_p99"] = _latency(
        samples, lambda i: big.prove_inclusion(pairs[i][0], pairs[i][2]))
    out["proof_consistency_us_median"], out["proof_consistency_us_p99"] = _latency(
        samples, lambda i: big.prove_consistency(pairs[i][1], pairs[i][2]))
    return out


def run(*, appends: int = 20_000, log_size: int = 1_000_000, proofs: int = 1_000, peer: bool = True,
        seed: int = 0, workdir: str | Path | None = None) -> dict[str, Any]:
    """Run every measure once; return the numbers as a dict (see the module docstring for what each means)."""
    rng = random.Random(seed)
    result: dict[str, Any] = {"appends": appends, "log_size": log_size, "proof_samples": proofs}
    with tempfile.TemporaryDirectory(prefix="mokmin-ledger-bench-", dir=workdir) as tmp:
        directory = Path(tmp)
        entries = _signed_entries(appends, rng)
        start = time.perf_counter()
        for payload, signature, public in entries:
            verify_canonical(public, payload, signature)
        result["signature_verifications_per_second"] = _rate(appends, time.perf_counter() - start)
        with SQLiteLeafStore(directory / "each.sqlite3") as store:
            result["appends_per_second_commit_each"] = _appends(store, entries, batch=1)
        with SQLiteLeafStore(directory / "batch.sqlite3") as store:
            result["appends_per_second_batch_100"] = _appends(store, entries, batch=100)

        log_path = directory / "log.sqlite3"
        start = time.perf_counter()
        _build_log(log_path, log_size)
        result["build_log_seconds"] = round(time.perf_counter() - start, 2)
        log_signer = Signer.generate(ORIGIN)
        with SQLiteLeafStore(log_path, verify=False) as store:
            tree = store.tree()
            signed = sign_checkpoint(Checkpoint(ORIGIN, tree.size, tree.root()), log_signer)

        start = time.perf_counter()
        checkpoint = open_checkpoint(signed, log_signer.verifier()).checkpoint
        with SQLiteLeafStore(log_path, verify=False) as store:
            store.verify(size=checkpoint.size, root=checkpoint.root)
        seconds = time.perf_counter() - start
        result["verify_log_seconds"] = round(seconds, 2)
        result["verify_log_with_signatures_seconds_estimated"] = round(
            seconds + log_size / result["signature_verifications_per_second"], 1)
        start = time.perf_counter()
        with SQLiteLeafStore(log_path, verify=False) as store:
            tree = store.tree()
        result["load_tree_seconds"] = round(time.perf_counter() - start, 2)
        result.update(_proofs(tree, proofs, rng))

        if peer:
            try:
                import pymerkle  # noqa: F401
            except ImportError:
                result["pymerkle"] = None
            else:
                with SQLiteLeafStore(log_path, verify=False) as store:
                    log_entries = [leaf.entry() for leaf in store.read()]
                result["pymerkle"] = _pymerkle(entries, log_entries, proofs, directory, rng)
    return result


__all__ = ["run"]
