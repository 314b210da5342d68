"""The Merkle tree of the evaluation ledger, exactly as RFC 6962 / RFC 9162 §2.1 define it.

Why our own and not a package: the wire format of the proofs must be the RFC's, so that any transparency-log
client (Go's ``transparency-dev/merkle``, a browser) verifies them, and pymerkle's proofs are not that format.

Hashing (RFC 9162 §2.1.1), with ``H`` = SHA-256 and ``||`` concatenation::

    MTH({})        = H("")                                    (the empty tree)
    MTH({d0})      = H(0x00 || d0)                            (a leaf)
    MTH(D[0:n])    = H(0x01 || MTH(D[0:k]) || MTH(D[k:n]))    k = the largest power of two < n

Storage: ``levels[h]`` holds, as one ``bytearray`` of 32-byte hashes, the roots of the complete aligned subtrees of
``2**h`` leaves seen so far (``levels[0]`` are the leaf hashes). Appending a leaf adds one hash to level 0 and
then, for every level where the count just became even, the parent of the last two: one hash amortised per
append, and the right edge ("frontier") is always the last entry of the levels named by the set bits of the size.
Any subtree that a proof for any earlier size needs, ``MTH(D[a:b])`` with ``a`` aligned, is the fold of at most
``log2(b - a)`` stored complete subtrees, so roots and proofs for every size ``<= size`` cost ``O(log² n)`` hashes
and never a rescan. Memory is about 64 bytes per leaf (64 MB for a million).

The proofs follow RFC 9162 §2.1.3.1 (``PATH``) and §2.1.4.1 (``SUBPROOF``); the verifiers, which need no tree, are
in :mod:`mokmin.ledger.proofs`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from mokmin.errors import ErrorLocation, InputError

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()  # e3b0c442...b855


def hash_leaf(data: bytes) -> bytes:
    """``H(0x00 || data)``: the leaf hash; the prefix keeps a leaf from posing as an inner node."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def hash_children(left: bytes, right: bytes) -> bytes:
    """``H(0x01 || left || right)``: an inner node."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly below ``n`` (``n >= 2``): where RFC 9162 splits ``D[0:n]``."""
    return 1 << ((n - 1).bit_length() - 1)


def root_of_leaf_hashes(leaf_hashes: bytes | Iterable[bytes]) -> bytes:
    """``MTH`` of the given leaf hashes, level by level, without keeping the tree (for bulk verification).

    An odd last node is carried up unchanged, which is the same tree as the RFC's recursive split.
    """
    level = leaf_hashes if isinstance(leaf_hashes, bytes | bytearray) else b"".join(leaf_hashes)
    if len(level) % HASH_SIZE:
        raise _bad_input("leaf hashes", "해시 목록의 길이가 32바이트의 배수가 아닙니다",
                         "the leaf hashes are not a multiple of 32 bytes long")
    if not level:
        return EMPTY_ROOT
    sha = hashlib.sha256
    while len(level) > HASH_SIZE:
        pairs = len(level) // (2 * HASH_SIZE) * 2 * HASH_SIZE
        parents = b"".join([sha(NODE_PREFIX + level[i:i + 64]).digest() for i in range(0, pairs, 64)])
        level = parents + level[pairs:]
    return bytes(level)


def _bad_input(field: str, ko: str, en: str, value: object = None) -> InputError:
    return InputError(ko, en, location=ErrorLocation(field=field, value=value))


class MerkleTree:
    """An append-only RFC 6962 tree over leaf hashes that answers for every earlier size too.

    >>> t = MerkleTree()
    >>> t.append(b"")            # leaf 0: H(0x00) = 6e340b9c...
    0
    >>> t.root().hex()[:8]
    '6e340b9c'
    """

    def __init__(self) -> None:
        self._levels: list[bytearray] = [bytearray()]
        self._size = 0

    @classmethod
    def from_leaf_hashes(cls, leaf_hashes: bytes | Iterable[bytes]) -> MerkleTree:
        """Build the tree from many leaf hashes (a concatenation of 32-byte hashes, or an iterable of them)."""
        if isinstance(leaf_hashes, bytes | bytearray):
            if len(leaf_hashes) % HASH_SIZE:
                raise _bad_input("leaf hashes", "해시 목록의 길이가 32바이트의 배수가 아닙니다",
                                 "the leaf hashes are not a multiple of 32 bytes long")
            view = memoryview(leaf_hashes)
            leaf_hashes = (bytes(view[i:i + HASH_SIZE]) for i in range(0, len(view), HASH_SIZE))
        tree = cls()
        tree.extend_hashes(leaf_hashes)
        return tree

    # -- growing ------------------------------------------------------------------------------------------------

    @property
    def size(self) -> int:
        """The number of leaves."""
        return self._size

    def __len__(self) -> int:
        return self._size

    def append(self, data: bytes) -> int:
        """Append the leaf ``data`` (hashed here with the 0x00 prefix); return its index."""
        return self.append_hash(hash_leaf(data))

    def append_hash(self, leaf_hash: bytes) -> int:
        """Append an already computed leaf hash; return its index."""
        if len(leaf_hash) != HASH_SIZE:
            raise _bad_input("leaf_hash", "잎 해시는 32바이트여야 합니다", "a leaf hash must be 32 bytes",
                             len(leaf_hash))
        index = self._size
        levels = self._levels
        levels[0] += leaf_hash
        count = index + 1
        height = 0
        while count & 1 == 0:  # level `height` just completed a pair: add their parent one level up
            pair = levels[height][-64:]
            if height + 1 == len(levels):
                levels.append(bytearray())
            levels[height + 1] += hashlib.sha256(NODE_PREFIX + pair).digest()
            count >>= 1
            height += 1
        self._size = index + 1
        return index

    def extend_hashes(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append many leaf hashes in order."""
        for leaf_hash in leaf_hashes:
            self.append_hash(leaf_hash)

    # -- reading ------------------------------------------------------------------------------------------------

    def leaf_hash(self, index: int) -> bytes:
        """The hash of leaf ``index``."""
        self._check_index(index, self._size)
        return bytes(self._levels[0][index * HASH_SIZE:(index + 1) * HASH_SIZE])

    def leaf_hashes(self, start: int = 0, stop: int | None = None) -> bytes:
        """The leaf hashes ``start:stop`` concatenated (32 bytes each)."""
        stop = self._size if stop is None else stop
        if not 0 <= start <= stop <= self._size:
            raise _bad_input("range", "범위가 트리 크기를 벗어났습니다", "the range is outside the tree",
                             f"{start}:{stop} of {self._size}")
        return bytes(self._levels[0][start * HASH_SIZE:stop * HASH_SIZE])

    def root(self, size: int | None = None) -> bytes:
        """``MTH(D[0:size])``; the current root when ``size`` is None. ``O(log size)`` hashes."""
        size = self._check_size(size)
        return self._range_hash(0, size) if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """``PATH(index, D[0:size])`` of RFC 9162 §2.1.3.1: the audit path from leaf to root, leaf side first.

        Top-down: split ``D[lo:hi]`` at ``k``; the half without the leaf contributes its hash; the RFC lists these
        siblings bottom-up, hence the reversal.
        """
        size = self._check_size(size)
        self._check_index(index, size)
        path: list[bytes] = []
        lo, hi = 0, size
        while hi - lo > 1:
            k = split_point(hi - lo)
            if index < lo + k:
                path.append(self._range_hash(lo + k, hi))
                hi = lo + k
            else:
                path.append(self._range_hash(lo, lo + k))
                lo += k
        path.reverse()
        return path

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        """``PROOF(size1, D[0:size2])`` = ``SUBPROOF(size1, D[0:size2], true)`` of RFC 9162 §2.1.4.1.

        ::

            SUBPROOF(m, D[0:m], true)  = {}
            SUBPROOF(m, D[0:m], false) = {MTH(D[0:m])}
            SUBPROOF(m, D[0:n], b)     = SUBPROOF(m, D[0:k], b) : MTH(D[k:n])         if m <= k
                                       = SUBPROOF(m-k, D[k:n], false) : MTH(D[0:k])   if m > k

        Equal sizes give the empty proof. ``size1 = 0`` is refused: every tree extends the empty one, so there is
        nothing to prove (and the verifier refuses such a proof, as the conformance vectors require).
        """
        size2 = self._check_size(size2)
        if not 0 < size1 <= size2:
            raise _bad_input("size1", "일관성 증명은 0 < size1 <= size2 일 때만 있습니다",
                             "a consistency proof needs 0 < size1 <= size2", f"{size1}, {size2}")
        proof: list[bytes] = []
        lo, hi, m, whole = 0, size2, size1, True
        while m != hi - lo:
            k = split_point(hi - lo)
            if m <= k:
                proof.append(self._range_hash(lo + k, hi))
                hi = lo + k
            else:
                proof.append(self._range_hash(lo, lo + k))
                lo, m, whole = lo + k, m - k, False
        if not whole:
            proof.append(self._range_hash(lo, hi))
        proof.reverse()
        return proof

    # -- internals ----------------------------------------------------------------------------------------------

    def _range_hash(self, lo: int, hi: int) -> bytes:
        """``MTH(D[lo:hi])`` for ``lo`` aligned to the largest power of two <= ``hi - lo`` (always so in proofs).

        ``hi - lo`` is the sum of its set bits 2^b, largest first; each piece is a stored complete subtree, and
        the RFC tree of the range is those pieces folded from the right.
        """
        n = hi - lo
        pieces = []
        offset = lo
        for height in range(n.bit_length() - 1, -1, -1):
            if n >> height & 1:
                if offset & ((1 << height) - 1):
                    raise ValueError(f"unaligned subtree {lo}:{hi}")
                start = (offset >> height) * HASH_SIZE
                pieces.append(self._levels[height][start:start + HASH_SIZE])
                offset += 1 << height
        result = bytes(pieces[-1])
        for piece in reversed(pieces[:-1]):
            result = hashlib.sha256(NODE_PREFIX + piece + result).digest()
        return result

    def _check_size(self, size: int | None) -> int:
        if size is None:
            return self._size
        if not isinstance(size, int) or not 0 <= size <= self._size:
            raise _bad_input("size", f"트리 크기는 0 이상 {self._size} 이하여야 합니다",
                             f"the tree size must be between 0 and {self._size}", size)
        return size

    @staticmethod
    def _check_index(index: int, size: int) -> None:
        if not isinstance(index, int) or not 0 <= index < size:
            raise _bad_input("index", f"잎 번호는 0 이상 {size} 미만이어야 합니다",
                             f"the leaf index must be at least 0 and below {size}", index)


__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MerkleTree",
    "hash_children",
    "hash_leaf",
    "root_of_leaf_hashes",
    "split_point",
]
