"""A small evaluation session built by hand, as a browser would, and a signed, witnessed log to put it in.

The session (scores chosen so that every total is a hand calculation; ``price`` counts half)::

    criteria: tech (weight 1, max 60), price (weight 0.5, max 80); rule: trimmed; ev-d declared a conflict with bid-2

                 bid-1                          bid-2
    ev-a   50 + 0.5*60 = 80               40 + 0.5*70 = 75
    ev-b   45 + 0.5*70 = 80               44 + 0.5*50 = 69
    ev-c   55 + 0.5*75 = 92.5             30 + 0.5*40 = 50
    ev-d   38 + 0.5*64 = 70               (conflict: not scored)

    trimmed  bid-1: drop 70 (ev-d) and 92.5 (ev-c) -> (80 + 80) / 2 = 80      rank 1
             bid-2: drop 50 (ev-c) and 75 (ev-a)   -> 69                       rank 2
    mean     bid-1: 322.5 / 4 = 80.625;  bid-2: 194 / 3 = 64.666667
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mokmin.evaluation import events as ev
from mokmin.evaluation.model import Criterion, Member, SessionSpec, Subject
from mokmin.evaluation.ranking import Ranking, rank
from mokmin.evaluation.scores import ScoreTable
from mokmin.ledger.bundle import build_bundle
from mokmin.ledger.checkpoint import Checkpoint, add_signature_lines, sign_checkpoint
from mokmin.ledger.commitment import commit, raw_public_key
from mokmin.ledger.note import COSIGNATURE_V1, Signer
from mokmin.ledger.store import SQLiteLeafStore
from mokmin.ledger.witness import Witness

ORIGIN = "mokmin.test/evaluation"
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
SPEC = SessionSpec(
    session_id="t-2026-01", title="시험 제안서 평가", kind="procurement",
    subjects=(Subject("bid-1", "제안사 가"), Subject("bid-2", "제안사 나")),
    criteria=(Criterion("tech", "기술", 1.0, 60), Criterion("price", "가격", 0.5, 80)),
    rule="trimmed", anonymise=True, commit_deadline="2026-03-02T12:00:00+09:00",
    reveal_deadline="2026-03-02T18:00:00+09:00")
SHEETS: dict[str, dict[str, dict[str, float]]] = {
    "ev-a": {"bid-1": {"tech": 50, "price": 60}, "bid-2": {"tech": 40, "price": 70}},
    "ev-b": {"bid-1": {"tech": 45, "price": 70}, "bid-2": {"tech": 44, "price": 50}},
    "ev-c": {"bid-1": {"tech": 55, "price": 75}, "bid-2": {"tech": 30, "price": 40}},
    "ev-d": {"bid-1": {"tech": 38, "price": 64}},
}
CONFLICTS = {"ev-d": ["bid-2"]}


def ledger_time(minutes: int) -> str:
    return (START + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Committee:
    """Four evaluators with browser-style keys: payloads built unsigned, signed over signing_bytes, attached."""

    spec: SessionSpec = SPEC
    keys: dict[str, Ed25519PrivateKey] = field(default_factory=lambda: {
        e: Ed25519PrivateKey.generate() for e in SHEETS})

    def members(self) -> list[Member]:
        return [Member(e, f"평가위원 {e[-1].upper()}", raw_public_key(k).hex(), "browser") for e, k in self.keys.items()]

    def sign(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """What the page does: sign the exact bytes with the evaluator's key; the server attaches and checks."""
        evaluator = payload["evaluator"]
        signature = self.keys[evaluator].sign(ev.signing_bytes(kind, payload)).hex()
        return ev.with_signature(kind, payload, signature, raw_public_key(self.keys[evaluator]).hex())

    def coi(self, evaluator: str) -> tuple[str, dict[str, Any]]:
        conflicts = CONFLICTS.get(evaluator, [])
        return ev.COI_DECLARED, self.sign(ev.COI_DECLARED, ev.coi_declared_payload(
            SPEC.session_id, evaluator, conflicts, "제안사 나와 최근 3년 내 근무" if conflicts else "이해관계 없음"))

    def commit(self, evaluator: str, scores: Any, nonce: str) -> tuple[str, dict[str, Any]]:
        commitment, _ = commit(SPEC.session_id, evaluator, scores, nonce=nonce)
        return ev.COMMIT, self.sign(ev.COMMIT, ev.commit_payload(SPEC.session_id, evaluator, commitment))

    def reveal(self, evaluator: str, scores: Any, nonce: str) -> tuple[str, dict[str, Any]]:
        _, opened = commit(SPEC.session_id, evaluator, scores, nonce=nonce)
        return ev.REVEAL, self.sign(ev.REVEAL, ev.reveal_payload(opened))

    def signed_sheet(self, evaluator: str, scores: Any) -> tuple[str, dict[str, Any]]:
        return ev.SHEET_SIGNED, self.sign(ev.SHEET_SIGNED, ev.sheet_signed_payload(SPEC.session_id, evaluator, scores))

    def result(self, ranking: Ranking | None = None) -> tuple[str, dict[str, Any]]:
        ranking = ranking or rank(ScoreTable.build(SPEC, SHEETS, CONFLICTS))
        return ev.RESULT_PUBLISHED, ev.result_published_payload(ranking, ev.display_names(SPEC, self.members()))


def nonce(evaluator: str) -> str:
    return (evaluator.encode().hex() * 16)[:64]


def session_events(committee: Committee) -> list[tuple[str, dict[str, Any]]]:
    """The whole honest session, in order: created, committee, 4 declarations, 4 commits, 4 reveals, 4 signatures,
    the result (19 entries)."""
    out = [(ev.SESSION_CREATED, ev.session_created_payload(SPEC)),
           (ev.COMMITTEE_SET, ev.committee_set_payload(SPEC.session_id, committee.members()))]
    out += [committee.coi(e) for e in SHEETS]
    out += [committee.commit(e, SHEETS[e], nonce(e)) for e in SHEETS]
    out += [committee.reveal(e, SHEETS[e], nonce(e)) for e in SHEETS]
    out += [committee.signed_sheet(e, SHEETS[e]) for e in SHEETS]
    out.append(committee.result())
    return out


def as_entries(events: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Bundle-style entries, one minute apart."""
    return [{"index": i, "time": ledger_time(i), "kind": kind, "payload": copy.deepcopy(payload)}
            for i, (kind, payload) in enumerate(events)]


class SignedLog:
    """A durable log with its signing key and two in-process witnesses that cosign every checkpoint."""

    def __init__(self, directory: Path) -> None:
        self.store = SQLiteLeafStore(directory / "ledger.sqlite3")
        self.signer = Signer.generate(ORIGIN)
        self.witnesses = [Witness(Signer.generate(f"audit.test/w{i}", COSIGNATURE_V1), [self.signer.verifier()],
                                  directory / f"w{i}.json", clock=lambda: 1772413200) for i in (1, 2)]
        self.checkpoints: list[str] = []
        self.cosigned = 0

    def append(self, events: list[tuple[str, dict[str, Any]]]) -> None:
        for kind, payload in events:
            self.store.append(kind, payload, time=ledger_time(self.store.size()))

    def checkpoint(self) -> str:
        tree = self.store.tree()
        signed = sign_checkpoint(Checkpoint(ORIGIN, tree.size, tree.root()), self.signer)
        proof = tree.consistency_proof(self.cosigned, tree.size) if self.cosigned else []
        lines = [witness.add_checkpoint(self.cosigned, proof, signed) for witness in self.witnesses]
        self.cosigned = tree.size
        self.checkpoints.append(add_signature_lines(signed, lines))
        return self.checkpoints[-1]

    def bundle(self) -> dict[str, Any]:
        return build_bundle(self.store.read(), self.checkpoints, log_key=self.signer.verifier(),
                            witness_keys=[w.verifier() for w in self.witnesses])


def logged(directory: Path, events: list[tuple[str, dict[str, Any]]], split: int = 10) -> SignedLog:
    """``events`` in a signed log, checkpointed (and cosigned by both witnesses) after ``split`` and at the end."""
    log = SignedLog(directory)
    log.append(events[:split])
    log.checkpoint()
    log.append(events[split:])
    log.checkpoint()
    return log


@pytest.fixture
def committee() -> Committee:
    return Committee()
