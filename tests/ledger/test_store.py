"""The SQLite leaf store: append-only, durable, and every direct edit of the database detected on open.

Expected values: the entry bytes are written out by hand; the leaf hash is SHA-256 of 0x00 and those bytes.
"""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from mokmin.errors import InputError, IntegrityError, NotFoundError
from mokmin.ledger.commitment import canonical_json
from mokmin.ledger.merkle import MerkleTree
from mokmin.ledger.proofs import verify_inclusion
from mokmin.ledger.store import LeafStore, SQLiteLeafStore, entry_bytes, leaf_hash_of

T = "2026-11-03T09:15:00.123456Z"


def _tamper(path, sql, params=()):
    """What someone with write access to the file could do: drop the guards and edit rows (';' separates steps)."""
    db = sqlite3.connect(path)
    db.executescript("DROP TRIGGER IF EXISTS ledger_leaf_no_update; DROP TRIGGER IF EXISTS ledger_leaf_no_delete;")
    for statement in sql.split(";"):
        db.execute(statement, params)
    db.commit()
    db.close()


@pytest.fixture
def store(tmp_path):
    with SQLiteLeafStore(tmp_path / "ledger.sqlite3") as opened:
        yield opened


def test_entry_bytes_and_leaf_hash_by_hand(store):
    index = store.append("score.commit", {"session": "s1", "commitment": "ab" * 32, "evaluator": "평가위원1"}, time=T)
    assert index == 0
    text = ('{"index":0,"kind":"score.commit","payload":{"commitment":"' + "ab" * 32 +
            '","evaluator":"평가위원1","session":"s1"},"time":"' + T + '"}')
    leaf = store.get(0)
    assert leaf.entry() == text.encode("utf-8")
    assert leaf.entry() == canonical_json({"index": 0, "kind": "score.commit", "time": T, "payload": leaf.value()})
    assert leaf.leaf_hash == hashlib.sha256(b"\x00" + text.encode("utf-8")).digest()
    assert entry_bytes(0, T, "score.commit", leaf.payload) == leaf.entry()


def test_append_read_reopen_and_tree(tmp_path):
    path = tmp_path / "ledger.sqlite3"
    with SQLiteLeafStore(path) as store:
        assert isinstance(store, LeafStore)
        assert store.size() == 0 and store.tree().size == 0
        assert store.append_many([("session.created", {"n": i}) for i in range(10)]) == list(range(10))
        assert store.append("score.reveal", {"n": 10}) == 10
    with SQLiteLeafStore(path) as store:
        assert store.size() == 11 and store.verify() == 11
        assert [leaf.value()["n"] for leaf in store.read(3, 6)] == [3, 4, 5]
        tree = store.tree()
        reference = MerkleTree()
        for leaf in store.read():
            reference.append(leaf.entry())
        assert tree.root() == reference.root()
        verify_inclusion(store.get(7).leaf_hash, 7, 11, tree.inclusion_proof(7), tree.root())
        store.verify(size=11, root=tree.root())
        with pytest.raises(NotFoundError):
            store.get(11)


def test_bad_entries_write_nothing(store):
    store.append("a", {"ok": True})
    with pytest.raises(InputError):
        store.append_many([("b", {"ok": True}), ("Bad Kind", {})])
    with pytest.raises(InputError):
        store.append("c", {"x": float("nan")})
    with pytest.raises(InputError):
        store.append("c", {}, time="2026-11-03 09:15")
    assert store.size() == 1


def test_the_application_cannot_update_or_delete(store):
    store.append("a", {"score": 80})
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store._db.execute("UPDATE ledger_leaf SET payload = '{\"score\":99}' WHERE idx = 0")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store._db.execute("DELETE FROM ledger_leaf")


@pytest.mark.parametrize("sql, index, reason", [
    ("UPDATE ledger_leaf SET payload = '{\"score\":99}' WHERE idx = 2", 2, "changed_entry"),
    ("UPDATE ledger_leaf SET kind = 'b' WHERE idx = 4", 4, "changed_entry"),
    ("UPDATE ledger_leaf SET time = '2026-01-01T00:00:00.000000Z' WHERE idx = 0", 0, "changed_entry"),
    ("DELETE FROM ledger_leaf WHERE idx = 3", 3, "missing_entry"),
    ("UPDATE ledger_leaf SET idx = -1 WHERE idx = 1; UPDATE ledger_leaf SET idx = 1 WHERE idx = 5;"
     "UPDATE ledger_leaf SET idx = 5 WHERE idx = -1", 1, "changed_entry"),  # rows 1 and 5 swapped whole
])
def test_direct_edits_are_detected_on_open(tmp_path, sql, index, reason):
    path = tmp_path / "ledger.sqlite3"
    with SQLiteLeafStore(path) as store:
        store.append_many([("a", {"score": 80 + i}) for i in range(6)])
    _tamper(path, sql)
    with pytest.raises(IntegrityError) as caught:
        SQLiteLeafStore(path)
    assert caught.value.details == {"reason": reason, "index": index}
    assert f"{index}" in caught.value.message_en


def test_rewritten_hash_and_cut_tail_are_caught_by_the_checkpoint(tmp_path):
    path = tmp_path / "ledger.sqlite3"
    with SQLiteLeafStore(path) as store:
        store.append_many([("a", {"score": 80 + i}) for i in range(6)])
        size, root = store.size(), store.tree().root()
        forged = store.get(2)
    payload = '{"score":99}'
    _tamper(path, "UPDATE ledger_leaf SET payload = ?, leaf_hash = ? WHERE idx = 2",
            (payload, leaf_hash_of(2, forged.time, forged.kind, payload)))
    with SQLiteLeafStore(path) as store:  # consistent in itself...
        with pytest.raises(IntegrityError) as caught:  # ...but not with what the log signed
            store.verify(size=size, root=root)
        assert caught.value.details["reason"] == "root_mismatch"
    _tamper(path, "DELETE FROM ledger_leaf WHERE idx = 5")
    with SQLiteLeafStore(path) as store, pytest.raises(IntegrityError) as cut:
        store.verify(size=size, root=root)
    assert cut.value.details["reason"] == "entries_missing"
