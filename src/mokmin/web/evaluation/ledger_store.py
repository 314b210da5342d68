"""The ledger's :class:`~mokmin.ledger.store.LeafStore` on the main database (SQLite or PostgreSQL) via the ORM.

Same bytes and checks as :class:`mokmin.ledger.store.SQLiteLeafStore` (``leaf = H(0x00 || canonical_json({"index",
"kind", "payload", "time"}))``); what differs is how appends are serialised: every append first locks the single
:class:`~.models.LedgerHead` row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's transactions here are
``BEGIN IMMEDIATE``, one writer at a time), then reads ``MAX(index) + 1`` and inserts, all in one transaction, so
two requests can never take the same index. The primary key on ``index`` is the last guard.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import Max

from mokmin.errors import ErrorLocation, IntegrityError, NotFoundError
from mokmin.ledger.merkle import MerkleTree, root_of_leaf_hashes
from mokmin.ledger.store import Leaf, leaf_hash_of
from mokmin.ledger.store import _prepare as prepare  # one definition of a leaf's bytes and checks
from mokmin.web.evaluation.models import LedgerHead, LedgerLeaf


def _leaf(row: LedgerLeaf) -> Leaf:
    return Leaf(row.index, row.time, row.kind, row.payload, bytes.fromhex(row.leaf_hash))


def lock_head() -> LedgerHead:
    """Lock the head row for the rest of the transaction (created by the migration; made here if missing)."""
    head = LedgerHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        LedgerHead.objects.get_or_create(pk=1)
        head = LedgerHead.objects.select_for_update().get(pk=1)
    return head


class DjangoLeafStore:
    """:class:`mokmin.ledger.store.LeafStore` over :class:`~.models.LedgerLeaf`."""

    def append(self, kind: str, payload: Any, *, time: str | None = None) -> int:
        return self.append_timed([(kind, payload, time)])[0].index

    def append_many(self, entries: Iterable[tuple[str, Any]]) -> list[int]:
        return [leaf.index for leaf in self.append_leaves(entries)]

    def append_leaves(self, entries: Iterable[tuple[str, Any]]) -> list[Leaf]:
        return self.append_timed([(kind, payload, None) for kind, payload in entries])

    @transaction.atomic
    def append_timed(self, entries: Iterable[tuple[str, Any, str | None]]) -> list[Leaf]:
        """Store ``(kind, payload, time or None for now)`` entries in one transaction; return the leaves."""
        head = lock_head()
        start = self.size()
        rows = [prepare(start + i, kind, payload, time) for i, (kind, payload, time) in enumerate(entries)]
        LedgerLeaf.objects.bulk_create([
            LedgerLeaf(index=index, time=time, kind=kind, payload=payload_json, leaf_hash=digest.hex(),
                       session=_session_of(payload_json)) for index, time, kind, payload_json, digest in rows])
        LedgerHead.objects.filter(pk=head.pk).update(size=start + len(rows))
        return [Leaf(*row) for row in rows]

    def size(self) -> int:
        top = LedgerLeaf.objects.aggregate(top=Max("index"))["top"]
        return 0 if top is None else top + 1

    def get(self, index: int) -> Leaf:
        row = LedgerLeaf.objects.filter(index=index).first()
        if row is None:
            raise NotFoundError(f"원장에 {index}번 항목이 없습니다", f"the ledger has no entry {index}",
                                location=ErrorLocation(field="index", value=index))
        return _leaf(row)

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[Leaf]:
        rows = LedgerLeaf.objects.filter(index__gte=start)
        if stop is not None:
            rows = rows.filter(index__lt=stop)
        for row in rows.order_by("index").iterator(chunk_size=2000):
            yield _leaf(row)

    def session_entries(self, session_id: str) -> list[dict[str, Any]]:
        """The entries of one session, as :func:`mokmin.evaluation.replay.replay_all` reads them."""
        return [_leaf(row).as_dict() for row in LedgerLeaf.objects.filter(session=session_id).order_by("index")]

    def leaf_hashes(self) -> bytes:
        return b"".join(bytes.fromhex(h) for h in LedgerLeaf.objects.order_by("index")
                        .values_list("leaf_hash", flat=True).iterator(chunk_size=5000))

    def tree(self) -> MerkleTree:
        return MerkleTree.from_leaf_hashes(self.leaf_hashes())

    def verify(self, size: int | None = None, root: bytes | None = None) -> int:
        """Recompute every leaf hash and check the indices run 0, 1, 2, ...; with a checkpoint, its root too."""
        hashes, expected = [], 0
        for leaf in self.read():
            if leaf.index != expected:
                raise IntegrityError(f"원장 {expected}번 항목이 없습니다 (삭제 또는 순서 변경)",
                                     f"ledger entry {expected} is missing (deleted or moved)",
                                     details={"reason": "missing_entry", "index": expected})
            if leaf_hash_of(leaf.index, leaf.time, leaf.kind, leaf.payload) != leaf.leaf_hash:
                raise IntegrityError(f"원장 {leaf.index}번 항목이 바뀌었습니다 (내용이 잎 해시와 맞지 않음)",
                                     f"ledger entry {leaf.index} was changed (its content does not match its leaf "
                                     f"hash)", details={"reason": "changed_entry", "index": leaf.index})
            hashes.append(leaf.leaf_hash)
            expected += 1
        if size is not None and (size > expected or (root is not None and root_of_leaf_hashes(hashes[:size]) != root)):
            raise IntegrityError(f"원장의 처음 {size}개 항목이 체크포인트와 맞지 않습니다",
                                 f"the first {size} ledger entries do not match the checkpoint",
                                 details={"reason": "root_mismatch", "size": size, "stored": expected})
        return expected


def _session_of(payload_json: str) -> str:
    try:
        session = json.loads(payload_json).get("session")
    except (ValueError, AttributeError):
        return ""
    return session[:64] if isinstance(session, str) else ""


__all__ = ["DjangoLeafStore", "lock_head"]
