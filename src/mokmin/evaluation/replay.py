"""Replaying a session from its ledger entries: every rule checked, the state and the ranking recomputed.

Why: the ledger proves that the entries were not changed after they were logged; the replay proves that what was
logged follows the rules, so that ``mokmin ledger verify`` needs nothing but the entries. The rules, in order of
the events (:mod:`mokmin.evaluation.events` has the payloads):

1. ``session_created`` comes first for its session, once, with a valid spec; ``committee_set`` once, after it.
2. Every evaluator event is by a committee member and carries a valid Ed25519 signature by that member's key in
   ``committee_set`` (an entry whose signature fails is reported and then ignored).
3. ``coi_declared`` once per evaluator and before that evaluator's ``commit``; its subjects exist.
4. ``commit`` once per evaluator, after the declaration, not after the commit deadline and not once any reveal
   has been logged.
5. ``reveal`` only for a commitment, once every member has committed or the commit deadline has passed, and not
   after the reveal deadline. A reveal that does not open its commitment, or whose sheet breaks the score rules
   (:mod:`mokmin.evaluation.scores`), is *rejected and shown*: it is listed in :attr:`SessionState.rejected`, it
   does not count, and it is not itself a problem (the evaluator may reveal again).
6. ``sheet_signed`` once, after an accepted reveal, and its hash is that of the revealed sheet. Only sheets both
   revealed and signed count.
7. ``result_published`` once, when every committed evaluator's sheet is final or the reveal deadline has passed;
   its ranking is exactly the one recomputed from the counted sheets (:func:`mokmin.evaluation.ranking.rank`), its
   evaluator list names every member, by code when the session is anonymised; nothing follows it.
8. Entry times do not go backwards within a session.

Entries are mappings with ``index``, ``time`` (UTC ISO 8601), ``kind`` and ``payload`` (as in a bundle, or
:meth:`mokmin.ledger.store.Leaf.as_dict`); kinds outside ``evaluation.*`` are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mokmin.errors import InputError, IntegrityError
from mokmin.evaluation import events as ev
from mokmin.evaluation.findings import Finding, entry_finding
from mokmin.evaluation.model import Member, SessionSpec, check_committee, parse_time
from mokmin.evaluation.ranking import Ranking, rank
from mokmin.evaluation.scores import ScoreTable, check_sheet
from mokmin.ledger.commitment import canonical_json, verify_reveal


@dataclass(frozen=True)
class RejectedReveal:
    """A reveal that was logged but does not count: ``reason`` is ``mismatch`` or ``invalid_sheet``."""

    index: int
    evaluator: str
    reason: str
    message_ko: str
    message_en: str

    def as_dict(self) -> dict[str, Any]:
        return {"evaluator": self.evaluator, "index": self.index, "message_en": self.message_en,
                "message_ko": self.message_ko, "reason": self.reason}


@dataclass
class SessionState:
    """What a session's entries amount to after the replay."""

    session_id: str
    spec: SessionSpec | None = None
    members: dict[str, Member] = field(default_factory=dict)
    conflicts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    commitments: dict[str, str] = field(default_factory=dict)
    reveals: dict[str, Any] = field(default_factory=dict)
    entry_of: dict[tuple[str, str], int] = field(default_factory=dict)
    signed: dict[str, str] = field(default_factory=dict)
    rejected: list[RejectedReveal] = field(default_factory=list)
    published: dict[str, Any] | None = None
    problems: list[Finding] = field(default_factory=list)
    last_time: datetime | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def counted(self) -> list[str]:
        """The evaluators whose sheets count: revealed (accepted) and signed."""
        return sorted(e for e in self.reveals if e in self.signed)

    def table(self) -> ScoreTable:
        assert self.spec is not None
        return ScoreTable.build(self.spec, {e: self.reveals[e] for e in self.counted()},
                                {e: self.conflicts.get(e, ()) for e in self.counted()})

    def ranking(self) -> Ranking | None:
        """The ranking recomputed from the counted sheets (None before the spec is known)."""
        return rank(self.table()) if self.spec is not None else None

    def code(self, evaluator: str) -> str:
        member = self.members.get(evaluator)
        return member.code if member else evaluator


class _Replay:
    def __init__(self) -> None:
        self.sessions: dict[str, SessionState] = {}
        self.orphans: list[Finding] = []

    def feed(self, entry: Mapping[str, Any]) -> None:
        kind = entry.get("kind")
        if not isinstance(kind, str) or not kind.startswith(ev.PREFIX):
            return
        index, payload = entry.get("index"), entry.get("payload")
        session_id = payload.get("session") if isinstance(payload, Mapping) else None
        if kind not in ev.KINDS or not isinstance(session_id, str):
            self.orphans.append(entry_finding("malformed_event", index, kind, "", "알 수 없는 종류이거나 세션이 없는 항목입니다",
                                              "unknown kind or no session in the payload"))
            return
        state = self.sessions.get(session_id)
        if state is None:
            state = self.sessions[session_id] = SessionState(session_id)
            if kind != ev.SESSION_CREATED:
                state.problems.append(entry_finding("no_session", index, kind, "",
                                                    f"세션 {session_id}의 생성 항목보다 먼저 나옵니다",
                                                    f"comes before session {session_id} was created"))
        _Session(state, index, kind, payload, entry.get("time")).apply()


class _Session:
    """The checks for one entry of one session (a fresh object per entry keeps the rules readable)."""

    def __init__(self, state: SessionState, index: int, kind: str, payload: Mapping[str, Any], time: Any) -> None:
        self.state, self.index, self.kind, self.payload, self.raw_time = state, index, kind, payload, time
        evaluator = payload.get("evaluator")
        self.evaluator = evaluator if isinstance(evaluator, str) else ""

    def problem(self, code: str, ko: str, en: str) -> None:
        who = self.state.code(self.evaluator) if self.evaluator else ""
        self.state.problems.append(entry_finding(code, self.index, self.kind, who, ko, en))

    def apply(self) -> None:
        state = self.state
        try:
            self.time = parse_time(self.raw_time, "time")
        except InputError:
            self.problem("bad_time", "시각이 잘못되었습니다", "the time is malformed")
            return
        if state.last_time is not None and self.time < state.last_time:
            self.problem("time_backwards", "앞 항목보다 이른 시각입니다 (순서가 바뀜)",
                         "its time is earlier than the previous entry's (reordered)")
        state.last_time = max(self.time, state.last_time or self.time)
        if state.published is not None:
            self.problem("after_result", "결과 공개 뒤에 기록되었습니다", "logged after the result was published")
        if self.kind == ev.SESSION_CREATED:
            return self.session_created()
        if state.spec is None:
            return
        if self.kind == ev.COMMITTEE_SET:
            return self.committee_set()
        if self.kind == ev.RESULT_PUBLISHED:
            return self.result_published()
        if self.signed_by_member():
            {ev.COI_DECLARED: self.coi_declared, ev.COMMIT: self.commit, ev.REVEAL: self.reveal,
             ev.SHEET_SIGNED: self.sheet_signed}[self.kind]()

    def once(self, done: bool, what_ko: str, what_en: str) -> bool:
        if done:
            self.problem("duplicate", f"{what_ko}이(가) 두 번째입니다", f"a second {what_en}")
        return not done

    def session_created(self) -> None:
        if not self.once(self.state.spec is not None, "세션 생성", "session_created"):
            return
        try:
            spec = SessionSpec.from_dict(self.payload.get("spec"))
        except InputError as exc:
            return self.problem("bad_spec", f"세션 정의가 잘못되었습니다: {exc.message('ko')}",
                                f"the session spec is invalid: {exc.message('en')}")
        if spec.session_id != self.state.session_id:
            return self.problem("bad_spec", "세션 정의의 식별자가 다릅니다", "the spec's session id differs")
        self.state.spec = spec

    def committee_set(self) -> None:
        if not self.once(bool(self.state.members), "평가위원 구성", "committee_set"):
            return
        try:
            members = check_committee([Member.from_dict(m) for m in self.payload.get("members") or []])
        except InputError as exc:
            return self.problem("bad_committee", f"평가위원 명단이 잘못되었습니다: {exc.message('ko')}",
                                f"the committee is invalid: {exc.message('en')}")
        self.state.members = {m.evaluator_id: m for m in members}

    def signed_by_member(self) -> bool:
        member = self.state.members.get(self.evaluator)
        if member is None:
            self.problem("not_member", "평가위원 명단에 없는 사람의 항목입니다", "by someone not on the committee")
            return False
        try:
            ev.verify_payload(self.kind, self.payload, member.public_key)
        except (IntegrityError, InputError):
            self.problem("bad_signature", "평가위원 명단의 공개키로 서명이 검증되지 않습니다",
                         "the signature does not verify against the committee key")
            return False
        return True

    def coi_declared(self) -> None:
        state, evaluator = self.state, self.evaluator
        if not self.once(evaluator in state.conflicts, "이해충돌 신고", "coi_declared"):
            return
        if evaluator in state.commitments:
            self.problem("coi_after_commit", "점수 약정 뒤에 이해충돌을 신고했습니다",
                         "the conflict of interest was declared after the commit")
        conflicts = self.payload.get("conflicts")
        known = {s.id for s in state.spec.subjects}
        if not isinstance(conflicts, list) or not set(conflicts) <= known:
            return self.problem("bad_conflicts", "신고한 대상이 세션에 없습니다", "a declared subject is not in the session")
        state.conflicts[evaluator] = tuple(conflicts)

    def commit(self) -> None:
        state, evaluator = self.state, self.evaluator
        if not self.once(evaluator in state.commitments, "점수 약정", "commit"):
            return
        if evaluator not in state.conflicts:
            self.problem("commit_before_coi", "이해충돌 신고보다 먼저 약정했습니다",
                         "committed before declaring conflicts of interest")
        if self.time > parse_time(state.spec.commit_deadline, "commit_deadline"):
            self.problem("late_commit", "약정 마감 뒤의 약정입니다", "committed after the commit deadline")
        if state.reveals or state.rejected:
            self.problem("commit_after_reveal", "점수 공개가 시작된 뒤의 약정입니다", "committed after reveals began")
        commitment = self.payload.get("commitment")
        if not isinstance(commitment, str):
            return self.problem("bad_commitment", "약정 값이 없습니다", "no commitment value")
        state.commitments[evaluator] = commitment
        state.entry_of[(ev.COMMIT, evaluator)] = self.index

    def reveal(self) -> None:
        state, evaluator, spec = self.state, self.evaluator, self.state.spec
        commitment = state.commitments.get(evaluator)
        if commitment is None:
            return self.problem("reveal_without_commit", "약정 없이 점수를 공개했습니다", "a reveal without a commitment")
        if not self.once(evaluator in state.reveals, "점수 공개", "reveal"):
            return
        all_in = set(state.members) <= set(state.commitments)
        if not all_in and self.time < parse_time(spec.commit_deadline, "commit_deadline"):
            self.problem("early_reveal", "모든 약정이 들어오기 전, 약정 마감 전에 공개했습니다",
                         "revealed before every commitment was in and before the commit deadline")
        if self.time > parse_time(spec.reveal_deadline, "reveal_deadline"):
            self.problem("late_reveal", "공개 마감 뒤의 공개입니다", "revealed after the reveal deadline")
        opened = {key: self.payload.get(key) for key in ("session", "evaluator", "scores", "nonce")}
        try:
            verify_reveal(commitment, opened)
        except (IntegrityError, InputError):
            return self.reject("mismatch", "약정과 맞지 않아 거부되었습니다 (점수 또는 nonce가 다름)",
                               "does not match its commitment (scores or nonce differ): rejected")
        try:
            check_sheet(spec, opened["scores"], excluded=state.conflicts.get(evaluator, ()), evaluator=evaluator)
        except InputError as exc:
            return self.reject("invalid_sheet", f"점수표가 규칙에 맞지 않아 거부되었습니다: {exc.message('ko')}",
                               f"the score sheet breaks a rule: rejected: {exc.message('en')}")
        state.reveals[evaluator] = opened["scores"]
        state.entry_of[(ev.REVEAL, evaluator)] = self.index

    def reject(self, reason: str, ko: str, en: str) -> None:
        finding = entry_finding(reason, self.index, self.kind, self.state.code(self.evaluator), ko, en)
        self.state.rejected.append(RejectedReveal(self.index, self.evaluator, reason, finding.message_ko,
                                                  finding.message_en))

    def sheet_signed(self) -> None:
        state, evaluator = self.state, self.evaluator
        if evaluator not in state.reveals:
            return self.problem("signed_without_reveal", "받아들여진 공개 없이 서명했습니다",
                                "signed without an accepted reveal")
        if not self.once(evaluator in state.signed, "평가표 서명", "sheet_signed"):
            return
        expected = ev.sheet_hash(state.session_id, evaluator, state.reveals[evaluator])
        if self.payload.get("sheet_sha256") != expected:
            return self.problem("sheet_hash_mismatch", "서명한 해시가 공개한 평가표의 해시와 다릅니다",
                                "the signed hash is not the hash of the revealed sheet")
        state.signed[evaluator] = expected
        state.entry_of[(ev.SHEET_SIGNED, evaluator)] = self.index

    def result_published(self) -> None:
        state, spec = self.state, self.state.spec
        if not self.once(state.published is not None, "결과 공개", "result_published"):
            return
        state.published = dict(self.payload)
        state.entry_of[(ev.RESULT_PUBLISHED, "")] = self.index
        pending = [e for e in state.commitments if e not in state.signed]
        if pending and self.time < parse_time(spec.reveal_deadline, "reveal_deadline"):
            self.problem("early_result", "모든 평가표가 확정되기 전, 공개 마감 전에 결과를 공개했습니다",
                         "published before every sheet was final and before the reveal deadline")
        recomputed = state.ranking()
        published = self.payload.get("ranking")
        if canonical_json(published) != recomputed.to_json():
            ko, en = _ranking_difference(published, recomputed)
            self.problem("ranking_mismatch", f"공개된 순위가 다시 계산한 순위와 다릅니다: {ko}",
                         f"the published ranking differs from the recomputed one: {en}")
        shown = self.payload.get("evaluators")
        expected = ev.display_names(spec, state.members.values()) if spec.anonymise else None
        if not isinstance(shown, Mapping) or set(shown) != set(state.members):
            self.problem("bad_evaluators", "공개된 평가위원 목록이 명단과 다릅니다",
                         "the published evaluator list is not the committee")
        elif expected is not None and dict(shown) != expected:
            self.problem("not_anonymised", "익명 세션인데 평가위원 코드 대신 다른 이름을 공개했습니다",
                         "the session is anonymised but evaluators are shown by other than their codes")


def _number(value: Any, none: str = "None") -> str:
    if value is None:
        return none
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return canonical_json(value).decode() if number else str(value)  # 80 for 80.0, every digit of 81.833333


def _ranking_difference(published: Any, recomputed: Ranking) -> tuple[str, str]:
    """The first difference, in words: ``bid-1: published 80.625 (rank 1), recomputed 80 (rank 1)``."""
    try:
        theirs = Ranking.from_dict(published)
    except InputError:
        return "형식이 잘못됨", "malformed"
    if theirs.rule != recomputed.rule or theirs.session_id != recomputed.session_id:
        return "규칙 또는 세션이 다름", "another rule or session"
    for ours in recomputed.subjects:
        line = theirs.subject(ours.subject_id)
        if line is None:
            return f"{ours.subject_id} 없음", f"{ours.subject_id} missing"
        if (line.score, line.rank) != (ours.score, ours.rank):
            return (f"{ours.subject_id}: 공개 {_number(line.score)} (순위 {line.rank}), 재계산 {_number(ours.score)} "
                    f"(순위 {ours.rank})", f"{ours.subject_id}: published {_number(line.score)} (rank {line.rank}), "
                    f"recomputed {_number(ours.score)} (rank {ours.rank})")
        for evaluator in sorted(set(line.totals) | set(ours.totals)):
            shown, counted = line.totals.get(evaluator), ours.totals.get(evaluator)
            if shown != counted:
                return (f"{ours.subject_id}의 {evaluator} 합계: 공개 {_number(shown, '없음')}, 재계산 {_number(counted, '없음')}",
                        f"{ours.subject_id}, {evaluator}'s total: published {_number(shown, 'none')}, recomputed "
                        f"{_number(counted, 'none')}")
        if line.to_dict() != ours.to_dict():
            return f"{ours.subject_id}의 제외 위원 또는 제목이 다름", f"{ours.subject_id}: dropped evaluators or title differ"
    return "항목 또는 순서가 다름", "other lines or order"


def replay_all(entries: Iterable[Mapping[str, Any]]) -> tuple[dict[str, SessionState], list[Finding]]:
    """Replay every session in ``entries``: (states by session id, findings about entries of no session)."""
    replay = _Replay()
    for entry in entries:
        replay.feed(entry)
    return replay.sessions, replay.orphans


def replay(entries: Iterable[Mapping[str, Any]], session_id: str | None = None) -> SessionState:
    """Replay one session (the only one in ``entries`` unless ``session_id`` says which); IntegrityError on the
    first broken rule, naming the entry index, kind and reason (every problem is in ``details["problems"]``)."""
    sessions, orphans = replay_all(entries)
    if session_id is None and len(sessions) != 1:
        raise InputError("세션이 하나가 아니므로 session_id가 필요합니다", "not exactly one session: give session_id",
                         details={"sessions": sorted(sessions)})
    state = sessions.get(session_id) if session_id is not None else next(iter(sessions.values()))
    if state is None:
        raise InputError(f"세션 {session_id}의 항목이 없습니다", f"no entries of session {session_id}")
    problems = orphans + state.problems
    if problems:
        first = problems[0]
        raise IntegrityError(first.message_ko, first.message_en,
                             details={"reason": first.code, "index": first.index, "kind": first.kind,
                                      "problems": [p.as_dict() for p in problems]})
    return state


__all__ = ["RejectedReveal", "SessionState", "replay", "replay_all"]
