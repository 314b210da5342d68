"""The durable, append-only store of the ledger's leaves (SQLite here; PostgreSQL through the same Protocol).

Why a store of its own and not Django models: the verifier (``mokmin ledger verify``), the witness and the benchmark
run without Django, and the web layer only wraps this. What is stored per leaf::

    index      0, 1, 2, ... contiguous: the leaf's position in the Merkle tree
    time       UTC, ISO 8601 with microseconds: "2026-11-03T09:15:00.123456Z"
    kind       what happened: "session.created", "score.commit", "score.reveal", ... ([a-z0-9_.-], <= 64)
    payload    canonical JSON (:func:`mokmin.ledger.commitment.canonical_json`) of the event's data
    leaf_hash  H(0x00 || entry), the RFC 6962 leaf hash of the entry bytes below

and the bytes that become the leaf (so index, time and kind are covered by the tree, not just the payload)::

    entry = canonical_json({"index": index, "kind": kind, "payload": payload, "time": time})

Tampering with the database directly is caught on open (``verify=True``): a changed payload, time or kind no
longer hashes to the stored leaf hash; a deleted or moved row leaves a gap or puts an index in the wrong entry;
the error names the first index that fails. A changed payload *and* leaf hash is caught by
:meth:`SQLiteLeafStore.verify` against a signed checkpoint (``size``, ``root``), as is a cut-off tail. Triggers
refuse UPDATE and DELETE, so the application cannot change history by mistake either.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from mokmin.errors import ErrorLocation, InputError, IntegrityError, NotFoundError
from mokmin.ledger.commitment import canonical_json
from mokmin.ledger.merkle import MerkleTree, root_of_leaf_hashes

_KIND = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger_leaf (
    idx INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    leaf_hash BLOB NOT NULL
);
CREATE TRIGGER IF NOT EXISTS ledger_leaf_no_update BEFORE UPDATE ON ledger_leaf
BEGIN SELECT RAISE(ABORT, 'ledger_leaf is append-only'); END;
CREATE TRIGGER IF NOT EXISTS ledger_leaf_no_delete BEFORE DELETE ON ledger_leaf
BEGIN SELECT RAISE(ABORT, 'ledger_leaf is append-only'); END;
"""


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_bytes(index: int, time: str, kind: str, payload_json: str) -> bytes:
    """``canonical_json({"index", "kind", "payload", "time"})`` for a payload that is already canonical JSON.

    Built by concatenation (keys already in sorted order) so a million entries re-hash without re-parsing.
    """
    return (f'{{"index":{index},"kind":{json.dumps(kind, ensure_ascii=False)},"payload":{payload_json},'
            f'"time":{json.dumps(time)}}}').encode()


def leaf_hash_of(index: int, time: str, kind: str, payload_json: str) -> bytes:
    """``H(0x00 || entry_bytes(...))``."""
    return hashlib.sha256(b"\x00" + entry_bytes(index, time, kind, payload_json)).digest()


@dataclass(frozen=True)
class Leaf:
    """One stored ledger entry."""

    index: int
    time: str
    kind: str
    payload: str
    leaf_hash: bytes

    def value(self) -> Any:
        """The payload as Python data."""
        return json.loads(self.payload)

    def entry(self) -> bytes:
        return entry_bytes(self.index, self.time, self.kind, self.payload)

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "time": self.time, "kind": self.kind, "payload": self.value(),
                "leaf_hash": self.leaf_hash.hex()}


@runtime_checkable
class LeafStore(Protocol):
    """What the ledger needs from durable storage; a PostgreSQL store implements the same six verbs.

    Appending is atomic and serialised (the next index is ``MAX(index) + 1`` read inside the writing transaction:
    ``BEGIN IMMEDIATE`` here, ``LOCK TABLE ... IN EXCLUSIVE MODE`` or a sequence with a unique index there).
    """

    def append(self, kind: str, payload: Any, *, time: str | None = None) -> int: ...

    def append_many(self, entries: Iterable[tuple[str, Any]]) -> list[int]: ...

    def append_leaves(self, entries: Iterable[tuple[str, Any]]) -> list[Leaf]: ...

    def size(self) -> int: ...

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[Leaf]: ...

    def verify(self, size: int | None = None, root: bytes | None = None) -> int: ...


def _prepare(index: int, kind: str, payload: Any, time: str | None) -> tuple[int, str, str, str, bytes]:
    if not isinstance(kind, str) or not _KIND.match(kind):
        raise InputError("종류는 영문 소문자·숫자·._- 64자 이내입니다", "kind is up to 64 of [a-z0-9_.-]",
                         location=ErrorLocation(field="kind", value=kind))
    time = utc_now() if time is None else time
    if not isinstance(time, str) or not _TIME.match(time):
        raise InputError("시각은 UTC ISO 8601 (마이크로초까지, Z로 끝남)이어야 합니다",
                         "time is UTC ISO 8601 with microseconds, ending in Z",
                         location=ErrorLocation(field="time", value=time))
    payload_json = canonical_json(payload).decode("utf-8")
    return index, time, kind, payload_json, leaf_hash_of(index, time, kind, payload_json)


class SQLiteLeafStore:
    """:class:`LeafStore` on an SQLite file (WAL journal; one writer at a time by ``BEGIN IMMEDIATE``).

    One connection per object, shared by threads under a lock; other processes may open the same file.
    """

    def __init__(self, path: str | Path, *, verify: bool = True) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        if verify:
            self.verify()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SQLiteLeafStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ------------------------------------------------------------------------------------------------

    def append(self, kind: str, payload: Any, *, time: str | None = None) -> int:
        """Store one entry; return its index."""
        return self._append([(kind, payload, time)])[0].index

    def append_many(self, entries: Iterable[tuple[str, Any]]) -> list[int]:
        """Store many ``(kind, payload)`` entries in one transaction (all or none); return their indices."""
        return [leaf.index for leaf in self.append_leaves(entries)]

    def append_leaves(self, entries: Iterable[tuple[str, Any]]) -> list[Leaf]:
        """As :meth:`append_many`, returning the stored leaves (with their hashes, for the in-memory tree)."""
        return self._append([(kind, payload, None) for kind, payload in entries])

    def _append(self, entries: list[tuple[str, Any, str | None]]) -> list[Leaf]:
        db = self._db
        with self._lock:
            db.execute("BEGIN IMMEDIATE")
            try:
                start = db.execute("SELECT COALESCE(MAX(idx) + 1, 0) FROM ledger_leaf").fetchone()[0]
                rows = [_prepare(start + i, kind, payload, time) for i, (kind, payload, time) in enumerate(entries)]
                db.executemany("INSERT INTO ledger_leaf (idx, time, kind, payload, leaf_hash) VALUES (?, ?, ?, ?, ?)",
                               rows)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return [Leaf(*row) for row in rows]

    # -- reading ------------------------------------------------------------------------------------------------

    def size(self) -> int:
        """The number of leaves (one more than the last index)."""
        return self._db.execute("SELECT COALESCE(MAX(idx) + 1, 0) FROM ledger_leaf").fetchone()[0]

    def get(self, index: int) -> Leaf:
        row = self._db.execute("SELECT idx, time, kind, payload, leaf_hash FROM ledger_leaf WHERE idx = ?",
                               (index,)).fetchone()
        if row is None:
            raise NotFoundError(f"원장에 {index}번 항목이 없습니다", f"the ledger has no entry {index}",
                                location=ErrorLocation(field="index", value=index))
        return Leaf(*row)

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[Leaf]:
        """The leaves with ``start <= index < stop``, in order."""
        stop = (1 << 62) if stop is None else stop
        query = "SELECT idx, time, kind, payload, leaf_hash FROM ledger_leaf WHERE idx >= ? AND idx < ? ORDER BY idx"
        for row in self._db.execute(query, (start, stop)):
            yield Leaf(*row)

    def leaf_hashes(self) -> bytes:
        """All stored leaf hashes, concatenated in index order (as stored: :meth:`verify` checks them)."""
        return b"".join(row[0] for row in self._db.execute("SELECT leaf_hash FROM ledger_leaf ORDER BY idx"))

    def tree(self) -> MerkleTree:
        """The Merkle tree over the stored leaves."""
        return MerkleTree.from_leaf_hashes(self.leaf_hashes())

    # -- checking -----------------------------------------------------------------------------------------------

    def verify(self, size: int | None = None, root: bytes | None = None) -> int:
        """Recompute every leaf hash from its row and check the indices run 0, 1, 2, ...; return the size.

        With a checkpoint's ``size`` and ``root``, also check that the first ``size`` leaves have that root
        (catches a payload rewritten together with its hash, and a cut-off tail).
        """
        hashes = []
        expected = 0
        for index, time, kind, payload, stored in self._db.execute(
                "SELECT idx, time, kind, payload, leaf_hash FROM ledger_leaf ORDER BY idx"):
            if index != expected:
                raise IntegrityError(f"원장 {expected}번 항목이 없습니다 (삭제 또는 순서 변경)",
                                     f"ledger entry {expected} is missing (deleted or moved)",
                                     location=ErrorLocation(file=str(self.path), row=expected),
                                     details={"reason": "missing_entry", "index": expected})
            if leaf_hash_of(index, time, kind, payload) != stored:
                raise IntegrityError(f"원장 {index}번 항목이 바뀌었습니다 (내용이 잎 해시와 맞지 않음)",
                                     f"ledger entry {index} was changed (its content does not match its leaf hash)",
                                     location=ErrorLocation(file=str(self.path), row=index),
                                     details={"reason": "changed_entry", "index": index})
            hashes.append(stored)
            expected += 1
        if size is not None:
            if size > expected:
                raise IntegrityError(f"체크포인트는 {size}개 항목인데 원장에는 {expected}개뿐입니다",
                                     f"the checkpoint has {size} entries, the ledger only {expected}",
                                     details={"reason": "entries_missing", "size": size, "stored": expected})
            if root is not None and root_of_leaf_hashes(hashes[:size]) != root:
                raise IntegrityError(f"원장의 처음 {size}개 항목이 체크포인트의 루트 해시와 맞지 않습니다",
                                     f"the first {size} ledger entries do not match the checkpoint's root hash",
                                     details={"reason": "root_mismatch", "size": size})
        return expected


__all__ = ["Leaf", "LeafStore", "SQLiteLeafStore", "entry_bytes", "leaf_hash_of", "utc_now"]
