"""The ledger events of an evaluation session, their payloads, and the bytes evaluators sign.

Kinds, in the order a session writes them (every payload carries ``"session": <session_id>``)::

    evaluation.session_created   {"session", "spec": SessionSpec.to_dict()}                  written by the server
    evaluation.committee_set     {"session", "members": [Member.to_dict(), ...]}             written by the server
    evaluation.coi_declared      {"session", "evaluator", "conflicts": [subject ids], "statement", "signature"}
    evaluation.commit            {"session", "evaluator", "commitment", "signature"}
    evaluation.reveal            {"session", "evaluator", "scores", "nonce", "signature"}
    evaluation.sheet_signed      {"session", "evaluator", "sheet_sha256", "signature"}
    evaluation.result_published  {"session", "ranking": Ranking.to_dict(), "evaluators": {id: name or code}}

Kinds are prefixed ``evaluation.`` because the same log also holds proposals and other events; messages show the
short name (``reveal``). ``commitment`` is :func:`mokmin.ledger.commitment.commit`'s hash of
``{"evaluator", "nonce", "scores", "session"}``; ``sheet_sha256`` is :func:`sheet_hash`, the SHA-256 of the
canonical final sheet ``{"evaluator", "scores", "session"}``: one final signature per evaluator confirms the whole
score sheet (서명 한 번으로 평가표 전체를 확정).

**What an evaluator signs** (Ed25519, RFC 8032; raw 64-byte signature stored as 128 lowercase hex digits)::

    message = UTF-8("mokmin-evaluation/v1\\n") || UTF-8(<short kind>) || "\\n" || canonical_json(payload - "signature")

``canonical_json`` is RFC 8785: keys sorted, no whitespace, non-ASCII written as UTF-8 (not ``\\u`` escapes),
numbers in ECMAScript form. The domain line keeps a signature from meaning anything outside mokmin's
evaluations; the kind line keeps a signed declaration from passing for another kind of event. For example the
declaration ``{"session": "s1", "evaluator": "ev-a", "conflicts": ["bid-2"], "statement": "배우자 재직"}`` is signed
as exactly these bytes:

>>> message = signing_bytes(COI_DECLARED, {"session": "s1", "evaluator": "ev-a", "conflicts": ["bid-2"],
...                                        "statement": "배우자 재직", "signature": "ignored"})
>>> message.decode("utf-8")
'mokmin-evaluation/v1\\ncoi_declared\\n{"conflicts":["bid-2"],"evaluator":"ev-a","session":"s1","statement":"배우자 재직"}'
>>> len(message), message[-19:]
(122, b'"\\xeb\\xb0\\xb0\\xec\\x9a\\xb0\\xec\\x9e\\x90 \\xec\\x9e\\xac\\xec\\xa7\\x81"}')

that is ``mokmin-evaluation/v1⏎coi_declared⏎{"conflicts":["bid-2"],"evaluator":"ev-a","session":"s1",
"statement":"배우자 재직"}`` with ``⏎`` a line feed (0x0A) and no newline at the end. In the browser::

    const text = "mokmin-evaluation/v1\\n" + "coi_declared" + "\\n" + canonicalJSON(payloadWithoutSignature);
    const signature = await crypto.subtle.sign({name: "Ed25519"}, privateKey, new TextEncoder().encode(text));

The server builds the unsigned payload with a builder below (``key=None``), hands the browser
:func:`signing_bytes`, and attaches the answer with :func:`with_signature`, which verifies it. For server-held
keys the builders sign directly (``key=Ed25519PrivateKey``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mokmin.errors import IntegrityError
from mokmin.evaluation.model import Member, SessionSpec, bad, check_committee, check_id, check_text
from mokmin.evaluation.ranking import Ranking
from mokmin.ledger.commitment import Reveal, canonical_json, sha256_hex, verify_signature

DOMAIN = "mokmin-evaluation/v1\n"
PREFIX = "evaluation."
SESSION_CREATED = PREFIX + "session_created"
COMMITTEE_SET = PREFIX + "committee_set"
COI_DECLARED = PREFIX + "coi_declared"
COMMIT = PREFIX + "commit"
REVEAL = PREFIX + "reveal"
SHEET_SIGNED = PREFIX + "sheet_signed"
RESULT_PUBLISHED = PREFIX + "result_published"
KINDS = (SESSION_CREATED, COMMITTEE_SET, COI_DECLARED, COMMIT, REVEAL, SHEET_SIGNED, RESULT_PUBLISHED)
SIGNED_KINDS = frozenset({COI_DECLARED, COMMIT, REVEAL, SHEET_SIGNED})
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_SIGNATURE = re.compile(r"^[0-9a-f]{128}$")


def short_kind(kind: str) -> str:
    """``evaluation.reveal`` -> ``reveal``."""
    return kind.removeprefix(PREFIX)


def signing_bytes(kind: str, payload: Mapping[str, Any]) -> bytes:
    """The exact bytes an evaluator signs for ``payload`` of ``kind`` (see the module docstring)."""
    if kind not in SIGNED_KINDS:
        raise bad("kind", kind, "평가위원이 서명하는 종류가 아닙니다", "not a kind an evaluator signs")
    body = {key: value for key, value in payload.items() if key != "signature"}
    return (DOMAIN + short_kind(kind) + "\n").encode("utf-8") + canonical_json(body)


def with_signature(kind: str, payload: Mapping[str, Any], signature: str, public_key: str) -> dict[str, Any]:
    """``payload`` with the evaluator's ``signature`` (128 hex digits) attached, after checking it verifies."""
    signed = {**payload, "signature": signature}
    verify_payload(kind, signed, public_key)
    return signed


def sign_payload(kind: str, payload: Mapping[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """``payload`` signed with a server-held ``key``."""
    return {**payload, "signature": key.sign(signing_bytes(kind, payload)).hex()}


def verify_payload(kind: str, payload: Mapping[str, Any], public_key: str) -> None:
    """Raise IntegrityError unless ``payload["signature"]`` is ``public_key``'s signature of its signing bytes."""
    signature = payload.get("signature")
    if not isinstance(signature, str) or not _SIGNATURE.match(signature):
        raise IntegrityError("서명이 없거나 형식이 잘못되었습니다 (소문자 16진수 128자리)",
                             "the signature is missing or malformed (128 lowercase hex digits)",
                             details={"reason": "bad_signature"})
    verify_signature(bytes.fromhex(public_key), signing_bytes(kind, payload), bytes.fromhex(signature),
                     signer=str(payload.get("evaluator", "")))


def _maybe_signed(kind: str, payload: dict[str, Any], key: Ed25519PrivateKey | None) -> dict[str, Any]:
    return sign_payload(kind, payload, key) if key is not None else payload


# -- builders (pure: the same arguments give the same payload) -----------------------------------------------------

def session_created_payload(spec: SessionSpec) -> dict[str, Any]:
    return {"session": spec.session_id, "spec": spec.to_dict()}


def committee_set_payload(session_id: str, members: Iterable[Member]) -> dict[str, Any]:
    return {"members": [m.to_dict() for m in check_committee(tuple(members))], "session": check_id(session_id, "session")}


def coi_declared_payload(session_id: str, evaluator: str, conflicts: Iterable[str], statement: str, *,
                         key: Ed25519PrivateKey | None = None) -> dict[str, Any]:
    """A conflict-of-interest declaration (이해충돌 신고); an empty ``conflicts`` declares none."""
    ids = sorted({check_id(subject, "conflicts") for subject in conflicts})
    payload = {"conflicts": ids, "evaluator": check_id(evaluator, "evaluator"), "session": check_id(session_id, "session"),
               "statement": check_text(statement, "statement", allow_empty=True)}
    return _maybe_signed(COI_DECLARED, payload, key)


def commit_payload(session_id: str, evaluator: str, commitment: str, *,
                   key: Ed25519PrivateKey | None = None) -> dict[str, Any]:
    if not isinstance(commitment, str) or not _HEX64.match(commitment):
        raise bad("commitment", commitment, "약정 값은 소문자 16진수 64자리입니다", "a commitment is 64 lowercase hex digits")
    payload = {"commitment": commitment, "evaluator": check_id(evaluator, "evaluator"),
               "session": check_id(session_id, "session")}
    return _maybe_signed(COMMIT, payload, key)


def reveal_payload(reveal: Reveal, *, key: Ed25519PrivateKey | None = None) -> dict[str, Any]:
    """The reveal (the scores and the nonce behind the commitment)."""
    return _maybe_signed(REVEAL, {**reveal.as_dict()}, key)


def final_sheet(session_id: str, evaluator: str, scores: Any) -> dict[str, Any]:
    """The final sheet an evaluator confirms: ``{"evaluator", "scores", "session"}``."""
    return {"evaluator": evaluator, "scores": scores, "session": session_id}


def sheet_hash(session_id: str, evaluator: str, scores: Any) -> str:
    """``hex(SHA-256(canonical_json(final_sheet(...))))``."""
    return sha256_hex(canonical_json(final_sheet(session_id, evaluator, scores)))


def sheet_signed_payload(session_id: str, evaluator: str, scores: Any, *,
                         key: Ed25519PrivateKey | None = None) -> dict[str, Any]:
    payload = {"evaluator": check_id(evaluator, "evaluator"), "session": check_id(session_id, "session"),
               "sheet_sha256": sheet_hash(session_id, evaluator, scores)}
    return _maybe_signed(SHEET_SIGNED, payload, key)


def display_names(spec: SessionSpec, members: Iterable[Member], names: Mapping[str, str] | None = None) -> dict[str, str]:
    """What the result shows for each evaluator: the code when anonymised, else the given name (or the code)."""
    names = names or {}
    if spec.anonymise and names:
        raise bad("names", sorted(names)[0], "익명 세션에는 이름을 공개할 수 없습니다",
                  "an anonymised session does not publish names")
    return {m.evaluator_id: m.code if spec.anonymise else names.get(m.evaluator_id, m.code) for m in members}


def result_published_payload(ranking: Ranking, evaluators: Mapping[str, str]) -> dict[str, Any]:
    """The published result: the ranking and how each evaluator is shown (:func:`display_names`)."""
    return {"evaluators": dict(evaluators), "ranking": ranking.to_dict(), "session": ranking.session_id}


__all__ = [
    "COI_DECLARED",
    "COMMIT",
    "COMMITTEE_SET",
    "DOMAIN",
    "KINDS",
    "PREFIX",
    "RESULT_PUBLISHED",
    "REVEAL",
    "SESSION_CREATED",
    "SHEET_SIGNED",
    "SIGNED_KINDS",
    "coi_declared_payload",
    "commit_payload",
    "committee_set_payload",
    "display_names",
    "final_sheet",
    "result_published_payload",
    "reveal_payload",
    "session_created_payload",
    "sheet_hash",
    "sheet_signed_payload",
    "short_kind",
    "sign_payload",
    "signing_bytes",
    "verify_payload",
    "with_signature",
]
