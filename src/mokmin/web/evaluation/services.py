"""Atomic verbs of evaluation sessions: create, register a key, open, declare conflicts, commit, reveal, sign,
publish.

Every verb that writes the ledger appends its event, replays the session (:mod:`mokmin.evaluation.replay`, the
same rule book ``mokmin ledger verify`` uses) and refuses, rolling everything back, if the log would then break a
rule (a commit after the deadline, a reveal before every commitment is in, a second signature...): the server
never logs what the verifier would flag. A reveal that does not open its commitment is the exception the issue
asks for: it is logged, *rejected and shown*, and does not count. The same transaction signs a checkpoint of the
new size; the witnesses are asked once it commits (:mod:`.checkpoints`).

Signatures come from the evaluator's browser (``signature``: 128 hex digits over
:func:`mokmin.evaluation.events.signing_bytes` of the payload the server rebuilds from the posted fields), or,
for a server-held key, from the key unsealed with the evaluator's ``password`` (:mod:`.sealed_keys`). Scores
reach the server only in the reveal: the commitment is computed in the browser.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from mokmin.errors import ConflictError, ErrorLocation, InputError, IntegrityError
from mokmin.evaluation import events as ev
from mokmin.evaluation.model import Member as CommitteeMember
from mokmin.evaluation.replay import RejectedReveal, SessionState, replay_all
from mokmin.ledger.commitment import Reveal, public_key_from_raw, raw_public_key
from mokmin.web.evaluation import checkpoints, sealed_keys
from mokmin.web.evaluation.ledger_store import DjangoLeafStore
from mokmin.web.evaluation.models import KeyMode, Kind, Member, Session, SessionSubject

_HEX_KEY = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class CriterionInput:
    title: str
    weight: float
    max_score: float


@dataclass(frozen=True)
class SessionInput:
    title: str
    kind: str
    rule: str
    anonymise: bool
    commit_deadline: dt.datetime
    reveal_deadline: dt.datetime
    criteria: Sequence[CriterionInput]
    members: Sequence[Any]
    subjects: Sequence[str] = ()
    proposal_ids: Sequence[int] = field(default_factory=tuple)


@dataclass(frozen=True)
class Signature:
    """How an evaluator signs one event: the browser's signature, or the password of a server-held key."""

    signature: str = ""
    password: str = ""


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def new_session_id() -> str:
    return f"ev-{timezone.localdate():%Y%m%d}-{secrets.token_hex(3)}"


def _subjects(data: SessionInput) -> list[tuple[str, str, Any]]:
    if data.kind == Kind.PROPOSAL:
        from mokmin.web.proposals.models import Proposal, Stage

        found = {p.pk: p for p in Proposal.objects.filter(pk__in=data.proposal_ids, stage=Stage.EVALUATION)}
        missing = sorted(set(data.proposal_ids) - set(found))
        if missing:
            raise InputError("심사 단계가 아닌 제안입니다", "a proposal is not in the 심사 (evaluation) stage",
                             location=ErrorLocation(field="proposals", value=missing[0]))
        return [(f"proposal-{pk}", found[pk].title, found[pk]) for pk in data.proposal_ids]
    return [(f"subject-{i}", title.strip(), None) for i, title in enumerate(data.subjects, 1) if title.strip()]


@transaction.atomic
def create_session(user, data: SessionInput) -> Session:
    """A draft session: nothing is logged until every member has registered a key and it is opened."""
    _require(user, "evaluation.manage")
    members = list(dict.fromkeys(data.members))
    if not members:
        raise InputError("평가위원을 한 명 이상 지정해 주세요", "name at least one committee member",
                         location=ErrorLocation(field="members"))
    session = Session.objects.create(
        session_id=new_session_id(), title=data.title.strip(), kind=data.kind, rule=data.rule,
        anonymise=data.anonymise, commit_deadline=data.commit_deadline, reveal_deadline=data.reveal_deadline,
        criteria=[{"id": f"c{i}", "title": c.title.strip(), "weight": c.weight, "max_score": c.max_score}
                  for i, c in enumerate(data.criteria, 1)], created_by=user)
    SessionSubject.objects.bulk_create([
        SessionSubject(session=session, subject_id=sid, title=title, proposal=proposal, order=i)
        for i, (sid, title, proposal) in enumerate(_subjects(data))])
    Member.objects.bulk_create([
        Member(session=session, user=member, evaluator_id=f"ev-{secrets.token_hex(4)}", code=f"평가위원 {chr(65 + i)}",
               name=member.display_name or member.username, order=i) for i, member in enumerate(members)])
    session.spec()  # the core's checks (criteria, timetable, subjects): an InputError rolls the draft back
    return session


def _opened(session: Session) -> bool:
    """Read from the database: the caller's object may predate the opening."""
    return Session.objects.filter(pk=session.pk, opened_at__isnull=False).exists()


def member_of(user, session: Session) -> Member:
    _require(user, "evaluation.evaluate", session)
    return session.members.get(user=user)


@transaction.atomic
def register_key(user, session: Session, *, public_key: str = "", password: str = "") -> Member:
    """Record the member's public key: raw Ed25519 from the browser (hex), or, with ``password``, a key the server
    makes and seals under it. Allowed again until the session is opened (a browser's storage may be lost)."""
    member = member_of(user, session)
    if _opened(session):
        raise ConflictError("이미 개시된 회차라 키를 바꿀 수 없습니다", "the session is open: its keys are fixed")
    if password:
        if not user.check_password(password):
            raise InputError("로그인 비밀번호가 맞지 않습니다", "the login password is wrong",
                             location=ErrorLocation(field="password"))
        key = Ed25519PrivateKey.generate()
        member.public_key, member.key_mode = raw_public_key(key).hex(), KeyMode.SERVER
        member.sealed_key = sealed_keys.seal(key, password)
    else:
        if not _HEX_KEY.match(public_key or ""):
            raise InputError("공개키는 32바이트 Ed25519 키의 16진수 64자리입니다",
                             "the public key is a raw 32-byte Ed25519 key as 64 hex digits",
                             location=ErrorLocation(field="public_key"))
        public_key_from_raw(bytes.fromhex(public_key))
        member.public_key, member.key_mode, member.sealed_key = public_key, KeyMode.BROWSER, ""
    if session.members.exclude(pk=member.pk).filter(public_key=member.public_key).exists():
        raise InputError("다른 평가위원과 같은 키입니다", "another member registered the same key",
                         location=ErrorLocation(field="public_key"))
    member.registered_at = timezone.now()
    member.save(update_fields=["public_key", "key_mode", "sealed_key", "registered_at"])
    return member


def state_of(session: Session) -> SessionState:
    """The session as its ledger entries amount to (an empty state before it is opened)."""
    sessions, _ = replay_all(DjangoLeafStore().session_entries(session.session_id))
    return sessions.get(session.session_id) or SessionState(session.session_id)


def _log(session: Session, entries: list[tuple[str, dict[str, Any]]]) -> SessionState:
    before = len(state_of(session).problems)
    DjangoLeafStore().append_leaves(entries)
    state = state_of(session)
    if len(state.problems) > before:
        problem = state.problems[before]
        raise ConflictError(problem.message_ko, problem.message_en, details={"reason": problem.code})
    checkpoints.after_write()
    return state


@transaction.atomic
def open_session(user, session: Session) -> SessionState:
    """Log ``session_created`` and ``committee_set``: only once every member has registered a key."""
    _require(user, "evaluation.manage")
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.opened_at is not None:
        raise ConflictError("이미 개시된 회차입니다", "the session is already open")
    members = list(session.members.all())
    waiting = [m.code for m in members if not m.public_key]
    if waiting:
        raise ConflictError(f"서명 키를 등록하지 않은 평가위원이 있습니다: {', '.join(waiting)}",
                            f"members without a registered key: {', '.join(waiting)}",
                            details={"reason": "keys_missing", "members": waiting})
    spec = session.spec()
    committee = [CommitteeMember(m.evaluator_id, m.code, m.public_key, m.key_mode) for m in members]
    state = _log(session, [(ev.SESSION_CREATED, ev.session_created_payload(spec)),
                           (ev.COMMITTEE_SET, ev.committee_set_payload(session.session_id, committee))])
    session.opened_at = timezone.now()
    session.save(update_fields=["opened_at"])
    return state


def _signed(member: Member, kind: str, payload: dict[str, Any], how: Signature) -> dict[str, Any]:
    if member.key_mode == KeyMode.SERVER:
        return ev.sign_payload(kind, payload, sealed_keys.unseal(member.sealed_key, how.password))
    try:
        return ev.with_signature(kind, payload, how.signature, member.public_key)
    except IntegrityError as exc:
        raise InputError(f"전자서명이 맞지 않습니다: {exc.message_ko}", f"the signature does not verify: {exc.message_en}",
                         location=ErrorLocation(field="signature"), details={"reason": "bad_signature"}) from None


def _evaluator_event(user, session: Session, kind: str, build, how: Signature) -> tuple[Member, SessionState]:
    member = member_of(user, session)
    if not _opened(session):
        raise ConflictError("아직 개시되지 않은 회차입니다", "the session is not open yet")
    payload = build(member)
    return member, _log(session, [(kind, _signed(member, kind, payload, how))])


@transaction.atomic
def declare_conflicts(user, session: Session, conflicts: Sequence[str], statement: str, how: Signature) -> SessionState:
    """The signed conflict-of-interest declaration, before the member sees the entries."""
    return _evaluator_event(user, session, ev.COI_DECLARED, lambda m: ev.coi_declared_payload(
        session.session_id, m.evaluator_id, conflicts, statement), how)[1]


@transaction.atomic
def commit(user, session: Session, commitment: str, how: Signature) -> SessionState:
    """The signed commitment (computed in the browser: the server does not see the scores)."""
    return _evaluator_event(user, session, ev.COMMIT, lambda m: ev.commit_payload(
        session.session_id, m.evaluator_id, commitment), how)[1]


@transaction.atomic
def reveal(user, session: Session, scores: Any, nonce: str, how: Signature) -> list[RejectedReveal]:
    """Log the signed reveal; return it among the rejected ones if it does not open the commitment."""
    member, state = _evaluator_event(user, session, ev.REVEAL, lambda m: ev.reveal_payload(
        Reveal(session=session.session_id, evaluator=m.evaluator_id, scores=scores, nonce=nonce)), how)
    return [r for r in state.rejected if r.evaluator == member.evaluator_id]


@transaction.atomic
def sign_sheet(user, session: Session, how: Signature) -> SessionState:
    """The one final signature over the whole revealed sheet."""
    member = member_of(user, session)
    revealed = state_of(session).reveals.get(member.evaluator_id)
    if revealed is None:
        raise ConflictError("받아들여진 점수 공개가 없어 서명할 수 없습니다", "no accepted reveal to sign")
    return _evaluator_event(user, session, ev.SHEET_SIGNED, lambda m: ev.sheet_signed_payload(
        session.session_id, m.evaluator_id, revealed), how)[1]


@transaction.atomic
def publish(user, session: Session) -> SessionState:
    """Log ``result_published`` with the ranking recomputed from the counted sheets."""
    _require(user, "evaluation.manage")
    session = Session.objects.select_for_update().get(pk=session.pk)
    state = state_of(session)
    if state.spec is None:
        raise ConflictError("아직 개시되지 않은 회차입니다", "the session is not open yet")
    if not state.counted():
        raise ConflictError("확정된(공개·서명된) 평가표가 없습니다", "no score sheet is final (revealed and signed) yet")
    names = None if session.anonymise else {m.evaluator_id: m.name or m.code for m in session.members.all()}
    shown = ev.display_names(state.spec, state.members.values(), names)
    state = _log(session, [(ev.RESULT_PUBLISHED, ev.result_published_payload(state.ranking(), shown))])
    session.published_at = timezone.now()
    session.save(update_fields=["published_at"])
    return state


def ask_witnesses(user) -> list:
    """Ask the witnesses again to cosign the latest checkpoint (after one was down); every answer is stored."""
    _require(user, "evaluation.manage")
    return checkpoints.cosign(checkpoints.sign_latest())


__all__ = ["CriterionInput", "SessionInput", "Signature", "ask_witnesses", "commit", "create_session", "declare_conflicts",
           "member_of", "open_session", "publish", "register_key", "reveal", "sign_sheet", "state_of"]
