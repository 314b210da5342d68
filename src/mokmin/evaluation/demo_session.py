"""Whole evaluation sessions with server-held keys: the demo's two finished sessions, and how to build one.

A caller with server-held keys (``key_mode="server"``) builds a session's ledger entries with
:func:`session_entries` and appends them in order, each with its time::

    entries = session_entries(spec, keys, codes, sheets, conflicts=..., start=...)
    for kind, payload, time in entries:
        store.append(kind, payload, time=time)          # mokmin.ledger.store.SQLiteLeafStore

which writes, one minute apart: ``session_created``, ``committee_set``, one ``coi_declared`` per evaluator, one
``commit`` each (commitments over the sheets with a nonce), one ``reveal`` each, one ``sheet_signed`` each, and
``result_published`` with the ranking recomputed from those sheets: exactly what
:func:`mokmin.evaluation.replay.replay` accepts. With browser-held keys the same builders run without ``key``
and the browser signs :func:`mokmin.evaluation.events.signing_bytes` (see :mod:`mokmin.evaluation.events`).

:func:`demo_session` is pure and seeded: the same seed gives the same keys, nonces, scores, times and bytes.
Keys and nonces come from SHA-256 of the seed and the names, *only* so that the demo is reproducible; real
sessions take nonces from :mod:`secrets` (:func:`mokmin.ledger.commitment.commit` does when none is given) and
keys from ``Ed25519PrivateKey.generate()`` or the browser.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mokmin.evaluation import events as ev
from mokmin.evaluation.model import Criterion, Member, SessionSpec, Subject
from mokmin.evaluation.ranking import rank
from mokmin.evaluation.scores import ScoreTable
from mokmin.ledger.commitment import commit, raw_public_key

Entry = tuple[str, dict[str, Any], str]


def ledger_time(moment: datetime) -> str:
    """The ledger's time format: UTC, microseconds, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def evaluator_key(seed: int, session_id: str, evaluator_id: str) -> Ed25519PrivateKey:
    """A reproducible demo key (never for real sessions: see the module docstring)."""
    return Ed25519PrivateKey.from_private_bytes(
        hashlib.sha256(f"mokmin-demo-key/{seed}/{session_id}/{evaluator_id}".encode()).digest())


def _nonces(seed: int, session_id: str, evaluators: Iterable[str]) -> dict[str, str]:
    return {e: hashlib.sha256(f"mokmin-demo-nonce/{seed}/{session_id}/{e}".encode()).hexdigest() for e in evaluators}


def session_entries(spec: SessionSpec, keys: Mapping[str, Ed25519PrivateKey], codes: Mapping[str, str],
                    sheets: Mapping[str, Any], *, conflicts: Mapping[str, list[str]] | None = None,
                    statements: Mapping[str, str] | None = None, names: Mapping[str, str] | None = None,
                    nonces: Mapping[str, str] | None = None, start: datetime,
                    step: timedelta = timedelta(minutes=1)) -> list[Entry]:
    """Every entry of a finished session whose evaluators' keys the server holds (``keys[evaluator]``).

    ``sheets[evaluator]`` is that evaluator's sheet (without the subjects in ``conflicts[evaluator]``);
    ``nonces[evaluator]`` fixes a nonce (random when absent).
    """
    conflicts, statements, nonces = conflicts or {}, statements or {}, nonces or {}
    evaluators = list(keys)
    members = [Member(e, codes[e], raw_public_key(keys[e]).hex(), "server") for e in evaluators]
    sid = spec.session_id
    payloads: list[tuple[str, dict[str, Any]]] = [
        (ev.SESSION_CREATED, ev.session_created_payload(spec)), (ev.COMMITTEE_SET, ev.committee_set_payload(sid, members))]
    for e in evaluators:
        statement = statements.get(e, "이해관계 없음" if not conflicts.get(e) else "이해관계 있음")
        payloads.append((ev.COI_DECLARED, ev.coi_declared_payload(sid, e, conflicts.get(e, []), statement, key=keys[e])))
    reveals = {}
    for e in evaluators:
        commitment, reveals[e] = commit(sid, e, sheets[e], nonce=nonces.get(e))
        payloads.append((ev.COMMIT, ev.commit_payload(sid, e, commitment, key=keys[e])))
    payloads += [(ev.REVEAL, ev.reveal_payload(reveals[e], key=keys[e])) for e in evaluators]
    payloads += [(ev.SHEET_SIGNED, ev.sheet_signed_payload(sid, e, sheets[e], key=keys[e])) for e in evaluators]
    ranking = rank(ScoreTable.build(spec, sheets, conflicts))
    payloads.append((ev.RESULT_PUBLISHED, ev.result_published_payload(ranking, ev.display_names(spec, members, names))))
    return [(kind, payload, ledger_time(start + i * step)) for i, (kind, payload) in enumerate(payloads)]


def _sheet(rng: random.Random, spec: SessionSpec, skip: list[str], quality: Mapping[str, float]) -> dict[str, Any]:
    """Scores in half points: the subject's quality (share of the maximum) give or take 12 points in 100."""
    sheet = {}
    for subject in spec.subjects:
        if subject.id in skip:
            continue
        sheet[subject.id] = {c.id: min(c.max_score, max(0.0, round(
            c.max_score * (quality[subject.id] + rng.uniform(-0.12, 0.12)) * 2) / 2)) for c in spec.criteria}
    return sheet


def procurement_spec(start: datetime) -> SessionSpec:
    """제안서 평가: three bids, four criteria out of 100, five anonymised evaluators, the trimmed rule."""
    return SessionSpec(
        session_id="demo-2026-procurement-01", title="2026 구정 홍보 영상 제작 용역 제안서 평가", kind="procurement",
        subjects=(Subject("bid-1", "제안사 가 (한빛미디어)"), Subject("bid-2", "제안사 나 (구름영상)"),
                  Subject("bid-3", "제안사 다 (새벽스튜디오)")),
        criteria=(Criterion("understanding", "사업 이해도", 1.0, 20), Criterion("method", "기술 및 수행 방안", 1.0, 40),
                  Criterion("management", "사업 관리", 1.0, 20), Criterion("support", "지원 역량", 1.0, 20)),
        rule="trimmed", anonymise=True, commit_deadline=ledger_time(start + timedelta(hours=4)),
        reveal_deadline=ledger_time(start + timedelta(hours=8)))


def contest_spec(start: datetime) -> SessionSpec:
    """구민창안 공모전: four citizen proposals, three weighted criteria out of 100, three named judges, the mean."""
    return SessionSpec(
        session_id="demo-2026-contest-01", title="2026 구민창안 우수 제안 심사", kind="contest",
        subjects=(Subject("proposal-1", "골목길 태양광 보안등"), Subject("proposal-2", "경로당 공유 냉장고"),
                  Subject("proposal-3", "하천변 자전거 수리 거점"), Subject("proposal-4", "어린이 통학로 색깔 발자국")),
        criteria=(Criterion("creativity", "창의성", 0.3, 100), Criterion("feasibility", "실현 가능성", 0.3, 100),
                  Criterion("effect", "기대 효과", 0.4, 100)),
        rule="mean", anonymise=False, commit_deadline=ledger_time(start + timedelta(days=1)),
        reveal_deadline=ledger_time(start + timedelta(days=2)))


def demo_session(seed: int = 1) -> list[Entry]:
    """The demo's two finished sessions, as ``(kind, payload, time)`` in log order (procurement, then contest)."""
    rng = random.Random(seed)
    entries: list[Entry] = []
    start = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 10:00 KST
    spec = procurement_spec(start)
    evaluators = [f"eval-{letter}" for letter in "abcde"]
    quality = {"bid-1": 0.82, "bid-2": 0.74, "bid-3": 0.66}
    conflicts = {"eval-d": ["bid-2"]}
    sheets = {e: _sheet(rng, spec, conflicts.get(e, []), quality) for e in evaluators}
    entries += session_entries(
        spec, {e: evaluator_key(seed, spec.session_id, e) for e in evaluators},
        {e: f"평가위원 {e[-1].upper()}" for e in evaluators}, sheets, conflicts=conflicts,
        statements={"eval-d": "제안사 나의 대표와 최근 3년 내 같은 회사에 근무"},
        nonces=_nonces(seed, spec.session_id, evaluators), start=start)

    start = datetime(2026, 5, 11, 5, 0, tzinfo=UTC)  # 14:00 KST
    spec = contest_spec(start)
    judges = {"judge-1": "김민지", "judge-2": "이서준", "judge-3": "박하은"}
    quality = {"proposal-1": 0.78, "proposal-2": 0.71, "proposal-3": 0.6, "proposal-4": 0.8}
    sheets = {j: _sheet(rng, spec, [], quality) for j in judges}
    entries += session_entries(
        spec, {j: evaluator_key(seed, spec.session_id, j) for j in judges},
        {j: f"심사위원 {i}" for i, j in enumerate(judges, 1)}, sheets, names=judges,
        nonces=_nonces(seed, spec.session_id, judges), start=start)
    return entries


__all__ = ["Entry", "contest_spec", "demo_session", "evaluator_key", "ledger_time", "procurement_spec",
           "session_entries"]
