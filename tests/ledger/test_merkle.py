"""The tree itself: roots, inclusion and consistency proofs for every earlier size, against independent values.

Independent sources: the RFC 6962 test leaves and the roots/proofs in the transparency-dev vectors (read in place),
a naive recursive MTH written here straight from RFC 9162 §2.1.1, and hand computation for one and two leaves:

* leaf ``b""``: ``H(0x00)`` = ``6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d``;
* leaves ``b""``, ``b"\\x00"``: ``H(0x01 || H(0x00) || H(0x00 0x00))`` = ``fac54203...c125``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random

import pytest

from mokmin.errors import InputError, IntegrityError
from mokmin.ledger.merkle import EMPTY_ROOT, MerkleTree, hash_children, hash_leaf, root_of_leaf_hashes
from mokmin.ledger.proofs import root_from_inclusion_proof, verify_consistency, verify_inclusion
from tests.conftest import SHARED

# The eight leaves of RFC 6962's test tree (as used by transparency-dev/merkle's vectors).
RFC_LEAVES = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")]


def naive_mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1, written as the recursion it is (independent of the tree under test)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + naive_mth(leaves[:k]) + naive_mth(leaves[k:])).digest()


def tree_of(leaves: list[bytes]) -> MerkleTree:
    tree = MerkleTree()
    for leaf in leaves:
        tree.append(leaf)
    return tree


def test_hand_computed_tiny_trees():
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert MerkleTree().root() == EMPTY_ROOT
    one = tree_of([b""])
    assert one.root().hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    two = tree_of([b"", b"\x00"])
    assert two.root() == hash_children(hash_leaf(b""), hash_leaf(b"\x00"))
    assert two.root().hex() == "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"
    assert two.inclusion_proof(0) == [hash_leaf(b"\x00")]
    assert two.consistency_proof(1) == [hash_leaf(b"\x00")]


def test_rfc_tree_roots_and_proofs_match_the_vectors():
    """Our tree over the RFC leaves reproduces each happy-path vector's roots and proof, byte for byte."""
    tree = tree_of(RFC_LEAVES)
    checked = 0
    for path in sorted((SHARED / "merkle").glob("*/[0-9]/happy-path.json")):
        case = json.loads(path.read_text())
        proof = [base64.b64decode(p) for p in case["proof"] or []]
        if "leafIdx" in case:
            assert tree.root(case["treeSize"]) == base64.b64decode(case["root"])
            assert tree.leaf_hash(case["leafIdx"]) == base64.b64decode(case["leafHash"])
            assert tree.inclusion_proof(case["leafIdx"], case["treeSize"]) == proof, path
        else:
            assert tree.root(case["size1"]) == base64.b64decode(case["root1"])
            assert tree.root(case["size2"]) == base64.b64decode(case["root2"])
            assert tree.consistency_proof(case["size1"], case["size2"]) == proof, path
        checked += 1
    if (SHARED / "merkle").exists():
        assert checked == 10


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 8, 13, 31, 32, 33, 100])
def test_roots_for_every_size_match_naive_recursion(n):
    rng = random.Random(n)
    leaves = [rng.randbytes(rng.randrange(0, 40)) for _ in range(n)]
    tree = tree_of(leaves)
    bulk = MerkleTree.from_leaf_hashes([hash_leaf(x) for x in leaves])
    for size in range(n + 1):
        expected = naive_mth(leaves[:size])
        assert tree.root(size) == expected
        assert bulk.root(size) == expected
        assert root_of_leaf_hashes([hash_leaf(x) for x in leaves[:size]]) == expected


def test_every_inclusion_proof_verifies_up_to_48_leaves():
    leaves = [i.to_bytes(4, "big") for i in range(48)]
    tree = tree_of(leaves)
    for size in range(1, 49):
        root = tree.root(size)
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            verify_inclusion(hash_leaf(leaves[index]), index, size, proof, root)
            assert len(proof) <= (size - 1).bit_length()


def test_every_consistency_proof_verifies_up_to_48_leaves():
    tree = tree_of([i.to_bytes(4, "big") for i in range(48)])
    for size2 in range(1, 49):
        for size1 in range(1, size2 + 1):
            verify_consistency(size1, size2, tree.consistency_proof(size1, size2), tree.root(size1), tree.root(size2))


def test_tampering_is_caught():
    """Flip one bit anywhere (proof, root, leaf), or use a wrong index or size: each proof is then rejected.

    (Not every wrong size can be caught from the proof alone: leaf 0's path in 77 and 78 leaves has the same
    shape. The size is bound by the signed checkpoint, not by the proof.)"""
    rng = random.Random(7)
    tree = tree_of([rng.randbytes(16) for _ in range(77)])
    for index, size in [(0, 77), (76, 77), (40, 64), (33, 50), (5, 6)]:
        proof, root, leaf = tree.inclusion_proof(index, size), tree.root(size), tree.leaf_hash(index)
        for position in range(len(proof)):
            bad = list(proof)
            bad[position] = bytes([bad[position][0] ^ 1]) + bad[position][1:]
            with pytest.raises(IntegrityError):
                verify_inclusion(leaf, index, size, bad, root)
        with pytest.raises(IntegrityError):
            verify_inclusion(leaf, index, size, proof, root[:-1] + bytes([root[-1] ^ 0x80]))
        with pytest.raises(IntegrityError):
            verify_inclusion(hash_leaf(b"forged score"), index, size, proof, root)
        with pytest.raises((InputError, IntegrityError)):
            verify_inclusion(leaf, index ^ 1, size, proof, root)
        with pytest.raises((InputError, IntegrityError)):
            verify_inclusion(leaf, index, size * 2, proof, root)
    for size1, size2 in [(1, 77), (32, 77), (33, 77), (50, 64), (76, 77)]:
        proof, r1, r2 = tree.consistency_proof(size1, size2), tree.root(size1), tree.root(size2)
        for position in range(len(proof)):
            bad = list(proof)
            bad[position] = bytes([bad[position][0] ^ 1]) + bad[position][1:]
            with pytest.raises(IntegrityError):
                verify_consistency(size1, size2, bad, r1, r2)
        with pytest.raises(IntegrityError):
            verify_consistency(size1, size2, proof, r1, tree.root(size2 - 1))
        with pytest.raises((InputError, IntegrityError)):
            verify_consistency(size1, size2, proof[:-1], r1, r2)


def test_a_fork_is_not_consistent():
    """Rewrite leaf 10 of a 40-leaf log: no proof from the honest size-20 root to the forked size-40 root."""
    honest = tree_of([bytes([i]) for i in range(40)])
    forked = tree_of([bytes([i]) if i != 10 else b"changed" for i in range(40)])
    with pytest.raises(IntegrityError) as caught:
        verify_consistency(20, 40, forked.consistency_proof(20, 40), honest.root(20), forked.root(40))
    assert caught.value.details["reason"] in {"old_root_mismatch", "new_root_mismatch"}
    with pytest.raises(IntegrityError) as same:
        verify_consistency(40, 40, [], honest.root(), forked.root())
    assert same.value.details["reason"] == "same_size_different_root"


def test_large_random_spot_checks():
    rng = random.Random(2026)
    tree = MerkleTree.from_leaf_hashes(b"".join(hash_leaf(i.to_bytes(8, "big")) for i in range(20_000)))
    tree.extend_hashes(hash_leaf(i.to_bytes(8, "big")) for i in range(20_000, 20_500))
    for _ in range(200):
        size = rng.randrange(1, tree.size + 1)
        index = rng.randrange(size)
        root = tree.root(size)
        assert root_from_inclusion_proof(tree.leaf_hash(index), index, size, tree.inclusion_proof(index, size)) == root
        size1 = rng.randrange(1, size + 1)
        verify_consistency(size1, size, tree.consistency_proof(size1, size), tree.root(size1), root)


def test_bad_arguments_are_input_errors():
    tree = tree_of([b"a", b"b", b"c"])
    with pytest.raises(InputError):
        tree.inclusion_proof(3)
    with pytest.raises(InputError):
        tree.root(4)
    with pytest.raises(InputError):
        tree.consistency_proof(0, 3)
    with pytest.raises(InputError):
        tree.append_hash(b"short")
    with pytest.raises(InputError) as caught:
        verify_inclusion(b"x" * 31, 0, 1, [], b"x" * 32)
    assert caught.value.details["reason"] == "bad_hash_length"
    assert "32" in caught.value.message_en


@pytest.mark.slow
def test_a_million_leaves():
    """Issue 7's size: a million leaves build, give the same root both ways, and prove anything in well under 60 s."""
    import time

    start = time.perf_counter()
    hashes = b"".join(hash_leaf(i.to_bytes(8, "big")) for i in range(1_000_000))
    tree = MerkleTree.from_leaf_hashes(hashes)
    assert tree.root() == root_of_leaf_hashes(hashes)
    rng = random.Random(1)
    for _ in range(100):
        size = rng.randrange(1, tree.size + 1)
        index, size1 = rng.randrange(size), rng.randrange(1, size + 1)
        verify_inclusion(tree.leaf_hash(index), index, size, tree.inclusion_proof(index, size), tree.root(size))
        verify_consistency(size1, size, tree.consistency_proof(size1, size), tree.root(size1), tree.root(size))
    assert time.perf_counter() - start < 60
