"""Canonical JSON (RFC 8785 number and string forms), commit-reveal, and Ed25519 over raw WebCrypto-style keys.

Expected values: RFC 8785 Appendix B's number serialisations and ECMAScript's own rules for the others, canonical
strings written out by hand below, and RFC 8032 §7.1 test vectors 1 and 2 for Ed25519.
"""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mokmin.errors import InputError, IntegrityError
from mokmin.ledger.commitment import (
    Reveal,
    canonical_json,
    commit,
    raw_public_key,
    sign_canonical,
    verify_canonical,
    verify_reveal,
    verify_signature,
)


@pytest.mark.parametrize("value, text", [
    (0.0, "0"), (-0.0, "0"), (5e-324, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
    (9007199254740992.0, "9007199254740992"), (1e21, "1e+21"), (9.999999999999997e22, "9.999999999999997e+22"),
    (1e-6, "0.000001"), (1e-7, "1e-7"), (333333333.3333332, "333333333.3333332"), (8.5, "8.5"), (2.0, "2"),
    (-12.25, "-12.25"), (123456789012345680000.0, "123456789012345680000"), (0.1, "0.1"), (100.0, "100"),
])
def test_numbers_like_ecmascript(value, text):
    assert canonical_json(value) == text.encode()


def test_objects_strings_and_order():
    value = {"b": [1, True, None, "x"],
             "a": {"점수": 8.5, "\uff21": 3, "\u20ac": 1, "\U0001F600": 2, "z": "\n\"\\\x01\u2028"}}
    expected = ('{"a":{"z":"\\n\\"\\\\\\u0001\u2028","\u20ac":1,"점수":8.5,"\U0001F600":2,"\uff21":3},'
                '"b":[1,true,null,"x"]}')
    # keys by UTF-16 code units (RFC 8785 §3.2.3): "z" < U+20AC < U+C810 ("점") < U+1F600 (as D83D DE00) < U+FF21,
    # where code-point order would put U+FF21 before U+1F600
    assert canonical_json(value) == expected.encode("utf-8")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 2**53, {1: "x"}, {"a": {1, 2}}, b"bytes", "\ud800"])
def test_values_without_a_canonical_form(value):
    with pytest.raises(InputError):
        canonical_json(value)


def test_commitment_by_hand():
    nonce = "00" * 31 + "01"
    scores = {"bid-1": {"가격": 8.5, "기술": 27}}
    text = ('{"evaluator":"ev-02","nonce":"' + nonce + '","scores":{"bid-1":{"가격":8.5,"기술":27}},'
            '"session":"2026-proc-07"}')
    commitment, reveal = commit("2026-proc-07", "ev-02", scores, nonce=nonce)
    assert commitment == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert verify_reveal(commitment, reveal.as_dict()) == reveal


def test_wrong_reveals_are_rejected():
    commitment, reveal = commit("s", "ev-01", {"bid-1": 80})
    assert len(reveal.nonce) == 64 and reveal.nonce != commit("s", "ev-01", {"bid-1": 80})[1].nonce
    for changed in ({"scores": {"bid-1": 81}}, {"nonce": "0" * 64}, {"evaluator": "ev-02"}, {"session": "t"}):
        with pytest.raises(IntegrityError) as caught:
            verify_reveal(commitment, {**reveal.as_dict(), **changed})
        assert caught.value.details["reason"] == "reveal_mismatch"
    with pytest.raises(InputError):
        verify_reveal(commitment, {**reveal.as_dict(), "nonce": "short"})
    with pytest.raises(InputError):
        verify_reveal(commitment, {"scores": {}})
    with pytest.raises(InputError):
        verify_reveal("not-a-hash", reveal)
    with pytest.raises(InputError):
        Reveal("", "ev", {}, "0" * 64).commitment()


RFC8032 = [  # (secret, public, message, signature) from RFC 8032 §7.1, tests 1 and 2
    ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
]


@pytest.mark.parametrize("secret, public, message, signature", RFC8032)
def test_ed25519_rfc8032_vectors_with_raw_keys(secret, public, message, signature):
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(secret))
    assert raw_public_key(key).hex() == public
    assert key.sign(bytes.fromhex(message)).hex() == signature
    verify_signature(bytes.fromhex(public), bytes.fromhex(message), bytes.fromhex(signature))
    with pytest.raises(IntegrityError):
        verify_signature(bytes.fromhex(public), bytes.fromhex(message) + b"!", bytes.fromhex(signature), signer="ev")


def test_signatures_over_canonical_values():
    key = Ed25519PrivateKey.generate()
    sheet = {"session": "s", "evaluator": "ev-01", "commitment": "ab" * 32}
    signature = sign_canonical(key, sheet)
    verify_canonical(raw_public_key(key), dict(reversed(sheet.items())), signature)  # key order does not matter
    with pytest.raises(IntegrityError) as caught:
        verify_canonical(raw_public_key(key), {**sheet, "evaluator": "ev-02"}, signature, signer="ev-01")
    assert caught.value.details == {"reason": "bad_signature", "signer": "ev-01"}
    with pytest.raises(IntegrityError):
        verify_canonical(raw_public_key(key), sheet, signature[:63])
    with pytest.raises(InputError):
        verify_canonical(b"\x00" * 31, sheet, signature)
