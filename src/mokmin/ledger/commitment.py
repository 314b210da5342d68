"""Canonical JSON, commit-reveal for blind scoring, and Ed25519 signatures that a browser can make.

**Canonical JSON** (the bytes every hash and signature in the ledger is over) is RFC 8785 (JCS) for the values
mokmin puts in it: objects with string keys sorted by their UTF-16 code units, no whitespace, strings escaped as
ECMAScript's ``JSON.stringify`` does (``\\" \\\\ \\b \\f \\n \\r \\t``, other controls as ``\\u00xx``, everything
else literal UTF-8), integers in ``±(2**53 - 1)``, finite floats in ECMAScript's shortest form (``8.5``, ``1e+21``,
``1e-7``; ``2.0`` is ``2``), ``true``/``false``/``null``. Why JCS: the browser computes the same bytes with
``JSON.stringify`` over key-sorted objects, so a commitment or signature made in the page verifies here.

**Commit-reveal** (blind scoring, issue 7): during the commit phase an evaluator publishes only::

    commitment = hex(SHA-256(canonical_json({"evaluator": E, "nonce": N, "scores": S, "session": X})))

where ``N`` is 32 random bytes as 64 lowercase hex digits; the nonce hides ``S`` (scores cannot be guessed and
checked against the commitment) and the hash binds it (the evaluator cannot reveal other scores later). The reveal
is ``{session, evaluator, scores, nonce}``; :func:`verify_reveal` recomputes the hash and rejects a mismatch.

**Signatures**: Ed25519 (RFC 8032) over canonical bytes, with public keys as the raw 32 bytes that WebCrypto's
``exportKey('raw', key)`` returns and signatures as its raw 64 bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from mokmin.errors import ErrorLocation, InputError, IntegrityError

MAX_SAFE_INTEGER = 2**53 - 1
NONCE_BYTES = 32
_NONCE = re.compile(r"^[0-9a-f]{64}$")
_COMMITMENT = re.compile(r"^[0-9a-f]{64}$")
# json's own escaper for ensure_ascii=False: \" \\ \n \r \t \b \f, other controls as \u00xx, the rest
# literal: exactly what JSON.stringify does for well-formed strings.
_string = json.encoder.encode_basestring


def _bad(field: str, value: object, ko: str, en: str) -> InputError:
    return InputError(ko, en, location=ErrorLocation(field=field, value=value))


# -- canonical JSON (RFC 8785 for mokmin's values) ----------------------------------------------------------------

def _number(value: float) -> str:
    """ECMAScript Number::toString for a finite double (RFC 8785 §3.2.2.3), from Python's shortest repr."""
    if value == 0:
        return "0"
    text = repr(value)
    if "e" not in text:  # 1e-4 <= |value| < 1e16: both write the same fixed digits, ECMAScript without ".0"
        return text[:-2] if text.endswith(".0") else text
    sign = "-" if value < 0 else ""
    digits_tuple = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digits_tuple.digits))
    k = len(digits)
    n = k + int(digits_tuple.exponent)  # value = 0.digits * 10**n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        exponent = n - 1
        mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
        text = f"{mantissa}e{'+' if exponent > 0 else '-'}{abs(exponent)}"
    return sign + text


def _sorted_keys(keys: list[str]) -> list[str]:
    """Keys in UTF-16 code-unit order (RFC 8785 §3.2.3); for ASCII keys that is plain ``sorted``."""
    if all(key.isascii() for key in keys):
        return sorted(keys)
    return sorted(keys, key=lambda key: key.encode("utf-16-be"))


def _encode(value: Any, path: str, out: list[str]) -> None:
    """Append the canonical form of ``value`` to ``out`` (types tested most common first: this is a hot path)."""
    kind = type(value)
    if kind is str:
        out.append(_string(value))
    elif kind is int:
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise _bad(path, value, "정수가 너무 큽니다 (±2^53-1 이내)", "integer outside ±(2^53 - 1)")
        out.append(str(value))
    elif kind is dict or isinstance(value, Mapping):
        keys = list(value)
        if not all(type(key) is str for key in keys):
            raise _bad(path, keys, "객체의 키는 문자열이어야 합니다", "object keys must be strings")
        out.append("{")
        for position, key in enumerate(_sorted_keys(keys)):
            out.append(_string(key) + ":" if not position else "," + _string(key) + ":")
            _encode(value[key], f"{path}.{key}", out)
        out.append("}")
    elif value is None or value is True or value is False:
        out.append("null" if value is None else "true" if value else "false")
    elif kind is float:
        if not math.isfinite(value):
            raise _bad(path, value, "NaN과 무한대는 쓸 수 없습니다", "NaN and infinity are not allowed")
        out.append(_number(value))
    elif isinstance(value, list | tuple):
        out.append("[")
        for position, item in enumerate(value):
            if position:
                out.append(",")
            _encode(item, f"{path}[{position}]", out)
        out.append("]")
    else:
        raise _bad(path, type(value).__name__, "JSON으로 나타낼 수 없는 값입니다", "value has no JSON form")


def canonical_json(value: Any) -> bytes:
    """The canonical UTF-8 bytes of ``value`` (see the module docstring); InputError names a bad value's path."""
    out: list[str] = []
    _encode(value, "$", out)
    try:
        return "".join(out).encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate: no UTF-8 form, and JCS would escape it differently
        raise _bad("$", exc.object[exc.start:exc.end], "UTF-8로 나타낼 수 없는 문자가 있습니다",
                   "a character has no UTF-8 form (lone surrogate)") from exc


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- commit-reveal ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reveal:
    """What an evaluator discloses in the reveal phase; its canonical hash is the commitment."""

    session: str
    evaluator: str
    scores: Any
    nonce: str

    def as_dict(self) -> dict[str, Any]:
        return {"evaluator": self.evaluator, "nonce": self.nonce, "scores": self.scores, "session": self.session}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reveal:
        missing = sorted({"session", "evaluator", "scores", "nonce"} - set(data))
        extra = sorted(set(data) - {"session", "evaluator", "scores", "nonce"})
        if missing or extra:
            raise _bad("reveal", missing or extra, "공개 값의 항목이 맞지 않습니다 (session, evaluator, scores, nonce)",
                       "a reveal has exactly session, evaluator, scores and nonce")
        return cls(session=data["session"], evaluator=data["evaluator"], scores=data["scores"], nonce=data["nonce"])

    def commitment(self) -> str:
        """``hex(SHA-256(canonical_json(self.as_dict())))``."""
        for field in ("session", "evaluator"):
            if not isinstance(getattr(self, field), str) or not getattr(self, field):
                raise _bad(field, getattr(self, field), "비어 있지 않은 문자열이어야 합니다", "must be a non-empty string")
        if not isinstance(self.nonce, str) or not _NONCE.match(self.nonce):
            raise _bad("nonce", self.nonce, "nonce는 32바이트(소문자 16진수 64자리)여야 합니다",
                       "the nonce must be 32 bytes as 64 lowercase hex digits")
        return sha256_hex(canonical_json(self.as_dict()))


def commit(session: str, evaluator: str, scores: Any, *, nonce: str | None = None) -> tuple[str, Reveal]:
    """Make a commitment to ``scores``; return (commitment hex, the reveal to keep secret until the reveal phase).

    The nonce comes from :mod:`secrets` unless given (tests pass one to get a fixed commitment).
    """
    reveal = Reveal(session=session, evaluator=evaluator, scores=scores,
                    nonce=secrets.token_hex(NONCE_BYTES) if nonce is None else nonce)
    return reveal.commitment(), reveal


def verify_reveal(commitment: str, revealed: Reveal | Mapping[str, Any]) -> Reveal:
    """Check that ``revealed`` opens ``commitment``; return it as a :class:`Reveal` or raise IntegrityError."""
    reveal = revealed if isinstance(revealed, Reveal) else Reveal.from_dict(revealed)
    if not isinstance(commitment, str) or not _COMMITMENT.match(commitment):
        raise _bad("commitment", commitment, "약정 값은 SHA-256 (소문자 16진수 64자리)이어야 합니다",
                   "a commitment is a SHA-256 as 64 lowercase hex digits")
    computed = reveal.commitment()
    if not hmac.compare_digest(computed, commitment):
        raise IntegrityError(
            f"평가위원 {reveal.evaluator}의 공개 점수가 제출한 약정과 맞지 않습니다 (점수 또는 nonce가 다름)",
            f"evaluator {reveal.evaluator}'s revealed scores do not match the commitment (scores or nonce differ)",
            details={"reason": "reveal_mismatch", "session": reveal.session, "evaluator": reveal.evaluator,
                     "commitment": commitment, "computed": computed})
    return reveal


# -- Ed25519 over canonical bytes ---------------------------------------------------------------------------------

def public_key_from_raw(raw: bytes) -> Ed25519PublicKey:
    """An Ed25519 public key from its raw 32 bytes (WebCrypto ``exportKey('raw')``)."""
    if not isinstance(raw, bytes | bytearray) or len(raw) != 32:
        raise _bad("public_key", len(raw) if isinstance(raw, bytes | bytearray) else raw,
                   "Ed25519 공개키는 32바이트여야 합니다", "an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(bytes(raw))


def raw_public_key(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    """The raw 32 bytes of a key's public half."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def verify_signature(public_key: bytes | Ed25519PublicKey, message: bytes, signature: bytes, *,
                     signer: str = "") -> None:
    """Raise IntegrityError unless ``signature`` (64 raw bytes) is ``public_key``'s Ed25519 signature of ``message``."""
    key = public_key if isinstance(public_key, Ed25519PublicKey) else public_key_from_raw(public_key)
    try:
        if len(signature) != 64:
            raise InvalidSignature
        key.verify(bytes(signature), message)
    except InvalidSignature:
        who = f" ({signer})" if signer else ""
        raise IntegrityError(f"전자서명이 맞지 않습니다{who}", f"the signature does not verify{who}",
                             details={"reason": "bad_signature", "signer": signer}) from None


def sign_canonical(private_key: Ed25519PrivateKey, value: Any) -> bytes:
    """Ed25519 signature (64 bytes) of ``canonical_json(value)``."""
    return private_key.sign(canonical_json(value))


def verify_canonical(public_key: bytes | Ed25519PublicKey, value: Any, signature: bytes, *, signer: str = "") -> None:
    """Check a signature over ``canonical_json(value)``, e.g. one made in the browser with WebCrypto."""
    verify_signature(public_key, canonical_json(value), signature, signer=signer)


__all__ = [
    "Reveal",
    "canonical_json",
    "commit",
    "public_key_from_raw",
    "raw_public_key",
    "sha256_hex",
    "sign_canonical",
    "verify_canonical",
    "verify_reveal",
    "verify_signature",
]
