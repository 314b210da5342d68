"""The witness in process: it cosigns append-only growth and refuses each kind of rewrite with the spec's reason.

The expected statuses are those C2SP tlog-witness assigns: 404 unknown log, 403 bad log signature, 400 smaller
checkpoint or malformed request, 409 old size mismatch or same size with another root, 422 bad consistency proof.
"""

from __future__ import annotations

import json

import pytest

from mokmin.errors import ConflictError, InputError, IntegrityError, MokminError, NotFoundError
from mokmin.ledger.checkpoint import Checkpoint, add_signature_lines, open_checkpoint, sign_checkpoint
from mokmin.ledger.merkle import MerkleTree
from mokmin.ledger.note import COSIGNATURE_V1, Signer
from mokmin.ledger.witness import Witness, format_request, parse_request

ORIGIN = "mokmin.example/evaluation"


class Log:
    """A minimal honest log for the tests: a tree and a signing key."""

    def __init__(self, signer: Signer, leaves: list[bytes] = ()) -> None:
        self.signer, self.tree = signer, MerkleTree()
        for leaf in leaves:
            self.tree.append(leaf)

    def checkpoint(self, size: int | None = None) -> str:
        size = self.tree.size if size is None else size
        return sign_checkpoint(Checkpoint(ORIGIN, size, self.tree.root(size)), self.signer)

    def proof(self, old: int, new: int | None = None) -> list[bytes]:
        return self.tree.consistency_proof(old, new) if old else []


@pytest.fixture
def setup(tmp_path):
    log_key = Signer.generate(ORIGIN)
    witness = Witness(Signer.generate("audit.example/w1", COSIGNATURE_V1), [log_key.verifier()],
                      tmp_path / "w1.json", clock=lambda: 1767225600.5)
    return Log(log_key, [bytes([i]) for i in range(10)]), witness


def reason(call) -> tuple[str, int]:
    with pytest.raises(MokminError) as caught:
        call()
    return caught.value.details["reason"], caught.value.details["status"]


def test_cosigns_growth_and_stores_state(setup):
    log, witness = setup
    line = witness.add_checkpoint(0, [], log.checkpoint(4))
    signed = open_checkpoint(add_signature_lines(log.checkpoint(4), [line]), log.signer.verifier(),
                             witnesses=[witness.verifier()], quorum=1)
    assert signed.cosigners == ("audit.example/w1",) and signed.cosignatures()[0].timestamp == 1767225600
    witness.add_checkpoint(4, log.proof(4, 10), log.checkpoint(10))
    witness.add_checkpoint(10, [], log.checkpoint(10))  # the same checkpoint again: cosigned again
    state = json.loads(witness.state_path.read_text())
    assert state["logs"][ORIGIN]["size"] == 10 and witness.last(ORIGIN).root == log.tree.root()


def test_refusals(setup, tmp_path):
    log, witness = setup
    witness.add_checkpoint(0, [], log.checkpoint(6))
    assert reason(lambda: witness.add_checkpoint(6, [], log.checkpoint(4))) == ("smaller_checkpoint", 400)
    assert reason(lambda: witness.add_checkpoint(4, log.proof(4, 10), log.checkpoint(10))) == \
        ("old_size_mismatch", 409)
    with pytest.raises(ConflictError) as stale:
        witness.add_checkpoint(0, [], log.checkpoint(10))
    assert stale.value.details["size"] == 6

    forked = Log(log.signer, [bytes([i]) if i != 2 else b"rewritten" for i in range(10)])
    assert reason(lambda: witness.add_checkpoint(6, forked.proof(6, 10), forked.checkpoint(10))) == \
        ("inconsistent", 422)
    assert reason(lambda: witness.add_checkpoint(6, [], forked.checkpoint(6))) == ("same_size_different_root", 409)
    assert reason(lambda: witness.add_checkpoint(6, log.proof(6, 9), log.checkpoint(10))) == ("inconsistent", 422)

    stranger = Log(Signer.generate(ORIGIN), [bytes([i]) for i in range(10)])
    assert reason(lambda: witness.add_checkpoint(6, log.proof(6), stranger.checkpoint())) == \
        ("bad_log_signature", 403)
    other = Log(Signer.generate("other.example/log"))
    with pytest.raises(NotFoundError):
        witness.add_checkpoint(0, [], sign_checkpoint(Checkpoint("other.example/log", 0, other.tree.root()),
                                                      other.signer))
    assert witness.last(ORIGIN).size == 6  # nothing refused was stored


def test_request_body_round_trip_and_malformed():
    body = format_request(3, [b"\x01" * 32, b"\x02" * 32], "cp\n\n— x AAAAAAA=\n")
    assert body.startswith(b"old 3\nAQEB")
    assert parse_request(body) == (3, [b"\x01" * 32, b"\x02" * 32], "cp\n\n— x AAAAAAA=\n")
    for bad in (b"old 03\n\ncp\n", b"new 3\n\ncp\n", b"old 3\nnot*base64\n\ncp\n", b"old 3\n", b"\xff"):
        with pytest.raises(InputError):
            parse_request(bad)


def test_witness_key_must_be_a_cosigning_key(tmp_path):
    with pytest.raises(InputError):
        Witness(Signer.generate("w"), [], tmp_path / "s.json")
    (tmp_path / "bad.json").write_text('{"format": "other"}')
    with pytest.raises(IntegrityError):
        Witness(Signer.generate("w", COSIGNATURE_V1), [], tmp_path / "bad.json").state()
