"""The evaluation ledger's pure core: a Certificate-Transparency-style log for scores nobody can change unseen.

Pieces, each in its own module and none importing Django:

* :mod:`~mokmin.ledger.merkle` — the RFC 6962/9162 tree: roots, inclusion and consistency proofs for every size;
* :mod:`~mokmin.ledger.proofs` — verifying those proofs with nothing but SHA-256 (RFC 9162 §2.1.3.2, §2.1.4.2);
* :mod:`~mokmin.ledger.note` and :mod:`~mokmin.ledger.checkpoint` — C2SP signed notes and tlog-checkpoints;
* :mod:`~mokmin.ledger.witness` — a witness that cosigns only append-only growth (C2SP tlog-witness/cosignature);
* :mod:`~mokmin.ledger.commitment` — canonical JSON (RFC 8785), commit-reveal, Ed25519 over canonical bytes;
* :mod:`~mokmin.ledger.store` — the durable append-only leaf store (SQLite; a Protocol for PostgreSQL);
* :mod:`~mokmin.ledger.bench` — the benchmark of issue 7 (appends/s, proof latency, 1M-entry verification).

Failures raise the one error tree (:mod:`mokmin.errors`): ``InputError`` for malformed input,
``IntegrityError`` for data or proofs that do not check out, ``ConflictError`` for a witness's refusal to roll
back; ``details["reason"]`` is a stable code for each.
"""

from mokmin.ledger.checkpoint import Checkpoint, SignedCheckpoint, open_checkpoint, sign_checkpoint
from mokmin.ledger.commitment import Reveal, canonical_json, commit, verify_canonical, verify_reveal
from mokmin.ledger.merkle import EMPTY_ROOT, MerkleTree, hash_children, hash_leaf, root_of_leaf_hashes
from mokmin.ledger.note import COSIGNATURE_V1, ED25519, Signer, Verifier, open_note, sign_note
from mokmin.ledger.proofs import root_from_inclusion_proof, verify_consistency, verify_inclusion
from mokmin.ledger.store import Leaf, LeafStore, SQLiteLeafStore

__all__ = [
    "COSIGNATURE_V1",
    "ED25519",
    "EMPTY_ROOT",
    "Checkpoint",
    "Leaf",
    "LeafStore",
    "MerkleTree",
    "Reveal",
    "SQLiteLeafStore",
    "SignedCheckpoint",
    "Signer",
    "Verifier",
    "canonical_json",
    "commit",
    "hash_children",
    "hash_leaf",
    "open_checkpoint",
    "open_note",
    "root_from_inclusion_proof",
    "root_of_leaf_hashes",
    "sign_checkpoint",
    "sign_note",
    "verify_canonical",
    "verify_consistency",
    "verify_inclusion",
    "verify_reveal",
]
