"""Verify Merkle inclusion and consistency proofs without the tree, exactly as RFC 9162 §2.1.3.2 and §2.1.4.2.

Why separate from :mod:`mokmin.ledger.merkle`: these functions are what a bidder, a citizen or the audit office
runs, holding only a checkpoint and a proof. They depend on nothing but SHA-256, so they are easy to read against
the RFC (and to port to the browser).

Every failure raises, never returns False, so a caller cannot forget to check:

* :class:`~mokmin.errors.InputError`  — the proof or its parameters are malformed (index past the tree, a hash
  that is not 32 bytes, sizes in the wrong order); ``details["reason"]`` names which;
* :class:`~mokmin.errors.IntegrityError` — well formed, but the hashes do not lead to the root(s): the leaf is not
  in that tree, or the two trees are not one the prefix of the other (a fork or a rewrite).

Edge cases, as the conformance vectors of transparency-dev/merkle fix them: an empty tree includes nothing;
equal sizes are consistent only with an empty proof and byte-identical roots (and size 0 only with the empty-tree
root), compared as bytes without a length check (a vector accepts two equal 12-byte "roots" for size 1); a
consistency proof from size 0 is refused, because the RFC defines it for ``0 < first < second`` only and it would
prove nothing (a witness seeing a log for the first time needs no proof: :mod:`mokmin.ledger.witness`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from mokmin.errors import ErrorLocation, InputError, IntegrityError
from mokmin.ledger.merkle import EMPTY_ROOT, HASH_SIZE, NODE_PREFIX


def _malformed(reason: str, field: str, value: object, ko: str, en: str) -> InputError:
    return InputError(ko, en, location=ErrorLocation(field=field, value=value), details={"reason": reason})


def _mismatch(reason: str, ko: str, en: str, **details: object) -> IntegrityError:
    return IntegrityError(ko, en, details={"reason": reason, **details})


def _bad_length(proof: str, too_long: bool, length: int) -> IntegrityError:
    """The proof has more (or fewer) hashes than the path from the leaf (old tree) to the root has levels."""
    kind_ko = {"inclusion": "포함", "consistency": "일관성"}[proof]
    if too_long:
        return _mismatch("proof_too_long", f"{kind_ko} 증명이 너무 깁니다", f"the {proof} proof is too long",
                         length=length)
    return _mismatch("proof_too_short", f"{kind_ko} 증명이 너무 짧습니다", f"the {proof} proof is too short",
                     length=length)


def _check_hashes(proof: Sequence[bytes] | None, field: str) -> list[bytes]:
    hashes = list(proof or [])
    for position, item in enumerate(hashes):
        if not isinstance(item, bytes | bytearray) or len(item) != HASH_SIZE:
            raise _malformed("bad_hash_length", f"{field}[{position}]", len(item) if item is not None else None,
                             "증명의 해시는 모두 32바이트여야 합니다", "every hash in a proof must be 32 bytes")
    return hashes


def _check_hash(value: bytes, field: str) -> None:
    if not isinstance(value, bytes | bytearray) or len(value) != HASH_SIZE:
        raise _malformed("bad_hash_length", field, len(value) if value is not None else None,
                         "해시는 32바이트여야 합니다", "a hash must be 32 bytes")


def _check_size(value: int, field: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _malformed("bad_size", field, value, "크기와 번호는 0 이상의 정수여야 합니다",
                         "sizes and indices must be integers >= 0")


def _shift_while_even(fn: int, sn: int) -> tuple[int, int]:
    """Right-shift both until LSB(fn) is set or fn is 0 (a step both RFC algorithms share)."""
    while fn and not fn & 1:
        fn >>= 1
        sn >>= 1
    return fn, sn


def root_from_inclusion_proof(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes] | None) -> bytes:
    """The root that ``proof`` leads to from ``leaf_hash`` at ``index`` in a tree of ``size`` (§2.1.3.2 steps 1-4).

    ::

        fn = index; sn = size - 1; r = leaf_hash
        for p in proof:
            if sn == 0: fail
            if LSB(fn) or fn == sn:
                r = H(0x01 || p || r)
                if not LSB(fn): shift fn, sn right until LSB(fn) or fn == 0
            else:
                r = H(0x01 || r || p)
            fn >>= 1; sn >>= 1
        require sn == 0
    """
    _check_size(index, "index")
    _check_size(size, "size")
    if index >= size:
        raise _malformed("index_out_of_range", "index", index, f"잎 번호가 트리 크기({size}) 이상입니다",
                         f"the leaf index is not below the tree size ({size})")
    _check_hash(leaf_hash, "leaf_hash")
    path = _check_hashes(proof, "proof")
    sha = hashlib.sha256
    fn, sn, r = index, size - 1, bytes(leaf_hash)
    for p in path:
        if sn == 0:
            raise _bad_length("inclusion", True, len(path))
        if fn & 1 or fn == sn:
            r = sha(NODE_PREFIX + p + r).digest()
            fn, sn = _shift_while_even(fn, sn)
        else:
            r = sha(NODE_PREFIX + r + p).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise _bad_length("inclusion", False, len(path))
    return r


def verify_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes] | None, root: bytes) -> None:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``size`` leaves whose root is ``root``."""
    computed = root_from_inclusion_proof(leaf_hash, index, size, proof)
    if computed != root:
        raise _mismatch("root_mismatch", f"{index}번 잎의 포함 증명이 루트 해시와 맞지 않습니다",
                        f"the inclusion proof of leaf {index} does not lead to the root hash",
                        index=index, size=size, computed=computed.hex())


def verify_consistency(size1: int, size2: int, proof: Sequence[bytes] | None, root1: bytes, root2: bytes) -> None:
    """Check that the tree (``size1``, ``root1``) is a prefix of the tree (``size2``, ``root2``) (§2.1.4.2).

    ::

        if size1 is a power of 2: path = [root1] + proof
        fn = size1 - 1; sn = size2 - 1; shift both right while LSB(fn)
        fr = sr = path[0]
        for c in path[1:]:
            if sn == 0: fail
            if LSB(fn) or fn == sn:
                fr = H(0x01 || c || fr); sr = H(0x01 || c || sr)
                if not LSB(fn): shift fn, sn right until LSB(fn) or fn == 0
            else:
                sr = H(0x01 || sr || c)
            fn >>= 1; sn >>= 1
        require fr == root1, sr == root2, sn == 0
    """
    _check_size(size1, "size1")
    _check_size(size2, "size2")
    path = list(proof or [])
    if size2 < size1:
        raise _malformed("size_decreased", "size2", size2, f"새 트리({size2})가 이전 트리({size1})보다 작습니다",
                         f"the new tree ({size2}) is smaller than the old one ({size1})")
    if size1 == size2:
        if path:
            raise _malformed("proof_not_empty", "proof", len(path), "크기가 같으면 증명은 비어 있어야 합니다",
                             "for equal sizes the proof must be empty")
        if root1 != root2:
            raise _mismatch("same_size_different_root", f"크기 {size1}에서 두 루트 해시가 다릅니다 (로그 분기)",
                            f"two different root hashes for size {size1} (a forked log)", size=size1)
        if size1 == 0 and root1 != EMPTY_ROOT:
            raise _mismatch("bad_empty_root", "빈 트리의 루트 해시가 SHA-256(\"\")이 아닙니다",
                            'the root of the empty tree is not SHA-256("")')
        return
    if size1 == 0:
        raise _malformed("size1_zero", "size1", 0, "빈 트리로부터의 일관성 증명은 의미가 없습니다",
                         "a consistency proof from the empty tree proves nothing")
    if not path:
        raise _malformed("proof_empty", "proof", 0, "일관성 증명이 비어 있습니다", "the consistency proof is empty")
    _check_hash(root1, "root1")
    _check_hash(root2, "root2")
    path = _check_hashes(path, "proof")
    if size1 & (size1 - 1) == 0:  # an exact power of two: the old root is itself a node of the new tree
        path.insert(0, bytes(root1))
    sha = hashlib.sha256
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise _bad_length("consistency", True, len(path) - 1)
        if fn & 1 or fn == sn:
            fr = sha(NODE_PREFIX + c + fr).digest()
            sr = sha(NODE_PREFIX + c + sr).digest()
            fn, sn = _shift_while_even(fn, sn)
        else:
            sr = sha(NODE_PREFIX + sr + c).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise _bad_length("consistency", False, len(path) - 1)
    if fr != root1:
        raise _mismatch("old_root_mismatch", f"일관성 증명이 이전 루트(크기 {size1})와 맞지 않습니다",
                        f"the consistency proof does not match the old root (size {size1})", size1=size1)
    if sr != root2:
        raise _mismatch("new_root_mismatch", f"일관성 증명이 새 루트(크기 {size2})와 맞지 않습니다 (로그 분기 또는 변조)",
                        f"the consistency proof does not match the new root (size {size2}): a fork or a rewrite",
                        size2=size2)


__all__ = ["root_from_inclusion_proof", "verify_consistency", "verify_inclusion"]
