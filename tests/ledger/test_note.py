"""Signed notes and checkpoints against the reference values of the spec and of golang.org/x/mod/sumdb/note.

Ed25519 is deterministic, so signing the reference text with the reference key must give the reference signature
byte for byte; that pins the key ID, the key strings, the text and the signature line format at once.
"""

from __future__ import annotations

import base64

import pytest

from mokmin.errors import InputError, IntegrityError
from mokmin.ledger.checkpoint import Checkpoint, add_signature_lines, open_checkpoint, sign_checkpoint
from mokmin.ledger.merkle import MerkleTree
from mokmin.ledger.note import (
    COSIGNATURE_V1,
    ED25519,
    Signer,
    Verifier,
    cosigned_message,
    key_id,
    open_note,
    parse_note,
    sign_note,
)

# golang.org/x/mod/sumdb/note's documented example (data only).
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
GO_NOTE = GO_TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
# The C2SP signed-note spec's verifier-key example.
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = ("This is an example message.\n\n— example.com/foo "
             "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n")
# The C2SP tlog-cosignature example line: key ID 8d66cf3f, then the timestamp of its "time 1679315147".
SPEC_COSIGNATURE = ("— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZ"
                    "qhf5nNo0xUe+mbIUBkBIfZ+qnA==\n")


def test_reference_key_strings_and_signature():
    signer = Signer.from_string(GO_SKEY)
    assert signer.to_string() == GO_SKEY
    assert signer.verifier().to_string() == GO_VKEY
    assert Verifier.from_string(GO_VKEY).key_id.hex() == "c74f20a3"
    assert sign_note(GO_TEXT, [signer]) == GO_NOTE
    opened = open_note(GO_NOTE, [Verifier.from_string(GO_VKEY)])
    assert opened.text == GO_TEXT and [s.name for s in opened.verified] == ["PeterNeumann"]


def test_spec_example_note_opens():
    verifier = Verifier.from_string(SPEC_VKEY)
    assert verifier.key_id == key_id("example.com/foo", ED25519, verifier.public_key)
    assert open_note(SPEC_NOTE, [verifier]).text == "This is an example message.\n"


def test_spec_cosignature_line_parses():
    _, [signature] = parse_note("x\n\n" + SPEC_COSIGNATURE)
    assert signature.key_id.hex() == "8d66cf3f"
    assert signature.timestamp == 1679315147
    assert cosigned_message("a\n", 5) == b"cosignature/v1\ntime 5\na\n"


def test_changed_text_or_signature_is_rejected():
    verifier = Verifier.from_string(GO_VKEY)
    with pytest.raises(IntegrityError) as caught:
        open_note(GO_NOTE.replace("answer", "Answer"), [verifier])
    assert caught.value.details["reason"] == "bad_signature"
    assert "PeterNeumann" in caught.value.message_en


@pytest.mark.parametrize("message, reason", [
    (GO_TEXT, "no_signature_block"),
    (GO_TEXT + "\n", "no_signature_block"),
    (GO_NOTE[:-1], "no_signature_block"),
    (GO_NOTE.replace("— ", "- "), "bad_signature_line"),
    (GO_NOTE.replace("x08go", "x08g!"), "bad_base64"),
    (GO_NOTE.replace("PeterNeumann x", "Peter+Neumann x"), "bad_key_name"),
    (GO_TEXT + "\n— PeterNeumann AAAA\n", "bad_signature_line"),
    ("a\tb\n" + GO_NOTE[len(GO_TEXT):], "control_character"),
    (GO_NOTE.encode() + b"\xff", "not_utf8"),
])
def test_malformed_notes(message, reason):
    with pytest.raises(InputError) as caught:
        open_note(message, [Verifier.from_string(GO_VKEY)])
    assert caught.value.details["reason"] == reason


def test_unknown_duplicate_and_untrusted_signatures():
    peter = Verifier.from_string(GO_VKEY)
    other = Signer.generate("example.com/other")
    both = sign_note(GO_TEXT, [Signer.from_string(GO_SKEY), other])
    opened = open_note(both, [peter])
    assert [s.name for s in opened.unknown] == ["example.com/other"]
    with pytest.raises(InputError) as strict:
        open_note(both, [peter], allow_unknown=False)
    assert strict.value.details["reason"] == "unknown_signature"
    with pytest.raises(IntegrityError) as nobody:
        open_note(sign_note(GO_TEXT, [other]), [peter])
    assert nobody.value.details["reason"] == "no_trusted_signature"
    assert "example.com/other" in nobody.value.message_en
    with pytest.raises(InputError) as twice:
        open_note(GO_NOTE + GO_NOTE[len(GO_TEXT) + 1:], [peter])
    assert twice.value.details["reason"] == "duplicate_signature"
    # Same name, another key: a different key ID, so it is "unknown", not a forgery of Peter's.
    impostor = Signer.generate("PeterNeumann")
    assert open_note(sign_note(GO_TEXT, [impostor, Signer.from_string(GO_SKEY)]), [peter]).unknown[0].name == \
        "PeterNeumann"


def test_bad_keys():
    with pytest.raises(InputError) as caught:
        Verifier.from_string(GO_VKEY.replace("c74f20a3", "c74f20a4"))
    assert caught.value.details["reason"] == "key_id_mismatch"
    with pytest.raises(InputError):
        Verifier.from_string("PeterNeumann+c74f20a3+AAAA")
    with pytest.raises(InputError):
        Signer.from_string("PRIVATE+KEY+x")


def test_checkpoint_format_and_round_trip():
    tree = MerkleTree()
    for i in range(5):
        tree.append(bytes([i]))
    checkpoint = Checkpoint("mokmin.example/evaluation", tree.size, tree.root())
    body = checkpoint.body()
    assert body == f"mokmin.example/evaluation\n5\n{base64.b64encode(tree.root()).decode()}\n"
    assert Checkpoint.parse(body) == checkpoint
    assert Checkpoint.parse(body + "ext line\n").extensions == ("ext line",)
    log = Signer.generate("mokmin.example/evaluation")
    signed = open_checkpoint(sign_checkpoint(checkpoint, log), log.verifier())
    assert signed.checkpoint == checkpoint and signed.cosigners == ()


@pytest.mark.parametrize("text", [
    "origin\n5\n", "origin\n05\nAAAA\n", "origin\n-1\n" + "A" * 43 + "=\n", "origin\n5\nnot base64!\n",
    "origin\n5\n" + base64.b64encode(b"x" * 31).decode() + "\n", "\n5\n" + base64.b64encode(b"x" * 32).decode() + "\n",
    "origin\n5\n" + base64.b64encode(b"x" * 32).decode() + "\n\n", "origin\n5\n" + base64.b64encode(b"x" * 32).decode(),
])
def test_malformed_checkpoints(text):
    with pytest.raises(InputError):
        Checkpoint.parse(text)


def test_cosigned_checkpoint_and_quorum():
    log = Signer.generate("mokmin.example/evaluation")
    w1, w2 = Signer.generate("audit.example/w1", COSIGNATURE_V1), Signer.generate("cli.example/w2", COSIGNATURE_V1)
    checkpoint = Checkpoint("mokmin.example/evaluation", 1, bytes(32))
    message = add_signature_lines(sign_checkpoint(checkpoint, log),
                                  [w1.signature_line(checkpoint.body(), timestamp=1767225600),
                                   w2.signature_line(checkpoint.body(), timestamp=1767225601)])
    signed = open_checkpoint(message, log.verifier(), witnesses=[w1.verifier(), w2.verifier()], quorum=2)
    assert signed.cosigners == ("audit.example/w1", "cli.example/w2")
    assert [s.timestamp for s in signed.cosignatures()] == [1767225600, 1767225601]
    with pytest.raises(IntegrityError) as short:
        open_checkpoint(message, log.verifier(), witnesses=[w1.verifier()], quorum=2)
    assert short.value.details["reason"] == "no_quorum"
    # A cosignature whose timestamp was edited no longer verifies (the time is inside the signed message).
    line = w1.signature_line(checkpoint.body(), timestamp=1767225600)
    raw = bytearray(base64.b64decode(line.split()[-1]))
    raw[11] ^= 1
    forged = line.rsplit(" ", 1)[0] + " " + base64.b64encode(bytes(raw)).decode() + "\n"
    with pytest.raises(IntegrityError):
        open_checkpoint(sign_checkpoint(checkpoint, log) + forged, log.verifier(), witnesses=[w1.verifier()])
    with pytest.raises(IntegrityError) as unsigned:
        open_checkpoint(sign_note(checkpoint.body(), [w1], timestamp=1), log.verifier(), witnesses=[w1.verifier()])
    assert unsigned.value.details["reason"] == "no_log_signature"


def test_log_must_sign_as_its_origin():
    with pytest.raises(InputError):
        sign_checkpoint(Checkpoint("a.example/log", 0, bytes(32)), Signer.generate("b.example/log"))
