"""The bytes an evaluator signs, written out by hand, and the browser flow: build, sign the bytes, attach, verify.

The key is RFC 8032 §7.1 test 1 (secret 9d61b1..., public d75a98...), so the browser test can sign the same bytes
with WebCrypto and compare: Ed25519 is deterministic, the signature below is the one every correct implementation
gives for that key and message.
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mokmin.errors import InputError, IntegrityError
from mokmin.evaluation import events as ev
from mokmin.evaluation.model import Member
from mokmin.ledger.commitment import Reveal, raw_public_key
from tests.evaluation.conftest import SPEC

RFC8032_SECRET = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
RFC8032_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
EXAMPLE = {"session": "s1", "evaluator": "ev-a", "conflicts": ["bid-2"], "statement": "배우자 재직"}
EXAMPLE_BYTES = ("mokmin-evaluation/v1\ncoi_declared\n"
                 '{"conflicts":["bid-2"],"evaluator":"ev-a","session":"s1","statement":"배우자 재직"}').encode()
EXAMPLE_SIGNATURE = ("38efe16aa0376d81a2db974731176f0ae90dd6d78c29fc36a89d22de1276acae"
                     "69478b0f9d4b0746c29631b745ead35508807ca900b9145552367ab4bb727b04")


def rfc_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(RFC8032_SECRET))


def test_signing_bytes_are_domain_kind_and_canonical_json():
    assert raw_public_key(rfc_key()).hex() == RFC8032_PUBLIC
    assert ev.signing_bytes(ev.COI_DECLARED, EXAMPLE) == EXAMPLE_BYTES
    assert ev.signing_bytes(ev.COI_DECLARED, {**EXAMPLE, "signature": "x"}) == EXAMPLE_BYTES  # never signed over
    assert ev.coi_declared_payload("s1", "ev-a", ["bid-2"], "배우자 재직") == EXAMPLE


def test_the_example_signature_verifies_and_is_attached():
    signed = ev.sign_payload(ev.COI_DECLARED, EXAMPLE, rfc_key())
    assert signed["signature"] == EXAMPLE_SIGNATURE
    assert ev.with_signature(ev.COI_DECLARED, EXAMPLE, EXAMPLE_SIGNATURE, RFC8032_PUBLIC) == signed


def test_a_signature_binds_the_kind_and_every_field():
    signed = ev.sign_payload(ev.COI_DECLARED, EXAMPLE, rfc_key())
    with pytest.raises(IntegrityError):
        ev.verify_payload(ev.COI_DECLARED, {**signed, "conflicts": []}, RFC8032_PUBLIC)
    commit = ev.commit_payload("s1", "ev-a", "ab" * 32, key=rfc_key())
    with pytest.raises(IntegrityError):  # the same fields under another kind do not verify
        ev.verify_payload(ev.SHEET_SIGNED, commit, RFC8032_PUBLIC)
    with pytest.raises(IntegrityError):
        ev.verify_payload(ev.COMMIT, {**commit, "signature": "00" * 64}, RFC8032_PUBLIC)
    with pytest.raises(IntegrityError):
        ev.verify_payload(ev.COMMIT, {k: v for k, v in commit.items() if k != "signature"}, RFC8032_PUBLIC)
    with pytest.raises(IntegrityError):
        ev.with_signature(ev.COMMIT, commit, "00" * 64, RFC8032_PUBLIC)


def test_builders_have_the_documented_fields():
    reveal = Reveal("s1", "ev-a", {"bid-1": {"tech": 1}}, "00" * 32)
    assert set(ev.reveal_payload(reveal, key=rfc_key())) == {"session", "evaluator", "scores", "nonce", "signature"}
    sheet = ev.sheet_signed_payload("s1", "ev-a", {"bid-1": {"tech": 1}})
    assert sheet["sheet_sha256"] == ev.sheet_hash("s1", "ev-a", {"bid-1": {"tech": 1}})
    assert ev.session_created_payload(SPEC) == {"session": "t-2026-01", "spec": SPEC.to_dict()}
    assert ev.short_kind(ev.RESULT_PUBLISHED) == "result_published"
    assert [ev.short_kind(k) for k in ev.KINDS] == ["session_created", "committee_set", "coi_declared", "commit",
                                                    "reveal", "sheet_signed", "result_published"]


def test_builders_refuse_bad_input():
    with pytest.raises(InputError):
        ev.commit_payload("s1", "ev-a", "not-a-hash")
    with pytest.raises(InputError):
        ev.signing_bytes(ev.RESULT_PUBLISHED, {})
    member = Member("ev-a", "평가위원 A", RFC8032_PUBLIC, "browser")
    with pytest.raises(InputError):  # an anonymised session shows codes only
        ev.display_names(SPEC, [member], {"ev-a": "홍길동"})
    assert ev.display_names(SPEC, [member]) == {"ev-a": "평가위원 A"}
