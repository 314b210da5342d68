"""What an evaluation session is: its subjects, criteria, result rule, timetable and committee.

Why frozen dataclasses with ``to_dict``/``from_dict``: the spec and the committee are written into the ledger
(``evaluation.session_created``, ``evaluation.committee_set``) as canonical JSON (RFC 8785,
:func:`mokmin.ledger.commitment.canonical_json`), and the verifier rebuilds them from that JSON alone, so the
round trip ``from_dict(json.loads(canonical_json(x.to_dict()))) == x`` must hold exactly (a test checks it).
``from_dict`` validates; every problem is an :class:`~mokmin.errors.InputError` naming the field.

Kinds of session: ``procurement`` (제안서 평가, bids), ``contest`` (공모전 entries), ``proposal`` (구민창안 or
공무원제안 under review). Result rules (:mod:`mokmin.evaluation.ranking` has the formulation):

* ``mean``: each subject's score is the plain mean of its evaluators' totals;
* ``trimmed``: with three or more evaluators on a subject, that subject's single highest and single lowest total
  are dropped first, as Korean procurement proposal evaluation does ("최고·최저 점수를 제외한 평균"); with fewer
  than three it is the plain mean.

Deadlines are ISO 8601 with a time zone (``2026-03-02T10:00:00+09:00`` or ``...Z``): a naive time would mean
different instants on the server and in an auditor's verifier.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mokmin.errors import ErrorLocation, InputError

KINDS = ("procurement", "contest", "proposal")
RULES = ("mean", "trimmed")
KEY_MODES = ("browser", "server")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
_HEX_KEY = re.compile(r"^[0-9a-f]{64}$")


def bad(field: str, value: object, ko: str, en: str) -> InputError:
    """An InputError for ``field``."""
    return InputError(ko, en, location=ErrorLocation(field=field, value=value))


def check_id(value: object, field: str) -> str:
    """An identifier: 1-64 of ``[A-Za-z0-9_.:-]``, starting with a letter or digit (stable in URLs and logs)."""
    if not isinstance(value, str) or not _ID.match(value):
        raise bad(field, value, "식별자는 영문·숫자·_.:- 64자 이내입니다", "an id is up to 64 of [A-Za-z0-9_.:-]")
    return value


def check_text(value: object, field: str, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not allow_empty and not value.strip()):
        raise bad(field, value, "비어 있지 않은 문자열이어야 합니다", "must be a non-empty string")
    return value


def check_number(value: object, field: str) -> float:
    """A finite number (int or float, not bool), as a float."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise bad(field, value, "유한한 숫자여야 합니다", "must be a finite number")
    return float(value)


def parse_time(value: object, field: str) -> datetime:
    """An ISO 8601 time with a time zone, as an aware datetime."""
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise bad(field, value, "시각은 시간대가 있는 ISO 8601이어야 합니다 (예: 2026-03-02T10:00:00+09:00)",
                  "a time is ISO 8601 with a time zone (e.g. 2026-03-02T10:00:00+09:00)")
    return parsed


def _fields(data: object, name: str, keys: tuple[str, ...], optional: tuple[str, ...] = ()) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise bad(name, type(data).__name__, "객체여야 합니다", "must be an object")
    missing = [key for key in keys if key not in data]
    extra = sorted(set(data) - set(keys) - set(optional))
    if missing or extra:
        raise bad(f"{name}.{(missing or extra)[0]}", missing or extra,
                  "빠졌거나 알 수 없는 항목입니다" if missing else "알 수 없는 항목입니다",
                  "missing field" if missing else "unknown field")
    return data


@dataclass(frozen=True)
class Subject:
    """One thing evaluated: a bid, a proposal, a contest entry."""

    id: str
    title: str

    def __post_init__(self) -> None:
        check_id(self.id, "subjects.id")
        check_text(self.title, f"subjects[{self.id}].title")

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Subject:
        data = _fields(data, "subject", ("id", "title"))
        return cls(id=data["id"], title=data["title"])


@dataclass(frozen=True)
class Criterion:
    """One evaluation criterion (평가항목): scored from 0 to ``max_score``, counted ``weight`` times."""

    id: str
    title: str
    weight: float
    max_score: float

    def __post_init__(self) -> None:
        check_id(self.id, "criteria.id")
        check_text(self.title, f"criteria[{self.id}].title")
        for field in ("weight", "max_score"):
            value = check_number(getattr(self, field), f"criteria[{self.id}].{field}")
            if value <= 0:
                raise bad(f"criteria[{self.id}].{field}", value, "0보다 커야 합니다", "must be above 0")
            object.__setattr__(self, field, value)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "max_score": self.max_score, "title": self.title, "weight": self.weight}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Criterion:
        data = _fields(data, "criterion", ("id", "title", "weight", "max_score"))
        return cls(id=data["id"], title=data["title"], weight=data["weight"], max_score=data["max_score"])


@dataclass(frozen=True)
class SessionSpec:
    """An evaluation session as fixed when it is created (the first ledger entry of the session)."""

    session_id: str
    title: str
    kind: str
    subjects: tuple[Subject, ...]
    criteria: tuple[Criterion, ...]
    rule: str
    anonymise: bool
    commit_deadline: str
    reveal_deadline: str

    def __post_init__(self) -> None:
        check_id(self.session_id, "session_id")
        check_text(self.title, "title")
        if self.kind not in KINDS:
            raise bad("kind", self.kind, f"종류는 {', '.join(KINDS)} 중 하나입니다", f"kind is one of {', '.join(KINDS)}")
        if self.rule not in RULES:
            raise bad("rule", self.rule, f"결과 규칙은 {', '.join(RULES)} 중 하나입니다",
                      f"rule is one of {', '.join(RULES)}")
        if not isinstance(self.anonymise, bool):
            raise bad("anonymise", self.anonymise, "참/거짓이어야 합니다", "must be true or false")
        object.__setattr__(self, "subjects", tuple(self.subjects))
        object.__setattr__(self, "criteria", tuple(self.criteria))
        for field, items, kind in (("subjects", self.subjects, Subject), ("criteria", self.criteria, Criterion)):
            if not items or not all(isinstance(item, kind) for item in items):
                raise bad(field, len(items), "하나 이상 있어야 합니다", "at least one is needed")
            ids = [item.id for item in items]
            duplicate = next((i for i in ids if ids.count(i) > 1), None)
            if duplicate is not None:
                raise bad(field, duplicate, "식별자가 겹칩니다", "duplicate id")
        if parse_time(self.commit_deadline, "commit_deadline") > parse_time(self.reveal_deadline, "reveal_deadline"):
            raise bad("reveal_deadline", self.reveal_deadline, "공개 마감은 약정 마감보다 늦어야 합니다",
                      "the reveal deadline must not be before the commit deadline")

    def subject(self, subject_id: str) -> Subject | None:
        return next((s for s in self.subjects if s.id == subject_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {"anonymise": self.anonymise, "commit_deadline": self.commit_deadline,
                "criteria": [c.to_dict() for c in self.criteria], "kind": self.kind,
                "reveal_deadline": self.reveal_deadline, "rule": self.rule, "session_id": self.session_id,
                "subjects": [s.to_dict() for s in self.subjects], "title": self.title}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SessionSpec:
        data = _fields(data, "spec", ("session_id", "title", "kind", "subjects", "criteria", "rule", "anonymise",
                                      "commit_deadline", "reveal_deadline"))
        for field in ("subjects", "criteria"):
            if not isinstance(data[field], list):
                raise bad(field, type(data[field]).__name__, "목록이어야 합니다", "must be a list")
        return cls(session_id=data["session_id"], title=data["title"], kind=data["kind"],
                   subjects=tuple(Subject.from_dict(s) for s in data["subjects"]),
                   criteria=tuple(Criterion.from_dict(c) for c in data["criteria"]), rule=data["rule"],
                   anonymise=data["anonymise"], commit_deadline=data["commit_deadline"],
                   reveal_deadline=data["reveal_deadline"])


@dataclass(frozen=True)
class Member:
    """A committee member: a stable id, the code shown when anonymised, and the Ed25519 key that signs.

    ``public_key`` is the hex of the raw 32-byte key (WebCrypto ``exportKey('raw')``). ``key_mode`` records where
    the private key lives: ``browser`` (generated and kept in the evaluator's browser; the server never sees it)
    or ``server`` (held by the server, encrypted under the evaluator's password, for browsers without Ed25519).
    The id should be opaque (not a name) when the session is anonymised, since the log is public.
    """

    evaluator_id: str
    code: str
    public_key: str
    key_mode: str

    def __post_init__(self) -> None:
        check_id(self.evaluator_id, "evaluator_id")
        check_text(self.code, f"members[{self.evaluator_id}].code")
        if not isinstance(self.public_key, str) or not _HEX_KEY.match(self.public_key):
            raise bad(f"members[{self.evaluator_id}].public_key", self.public_key,
                      "공개키는 32바이트 Ed25519 키의 소문자 16진수 64자리입니다",
                      "the public key is the raw 32-byte Ed25519 key as 64 lowercase hex digits")
        if self.key_mode not in KEY_MODES:
            raise bad(f"members[{self.evaluator_id}].key_mode", self.key_mode, "키 방식은 browser 또는 server입니다",
                      "key_mode is browser or server")

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "evaluator_id": self.evaluator_id, "key_mode": self.key_mode,
                "public_key": self.public_key}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Member:
        data = _fields(data, "member", ("evaluator_id", "code", "public_key", "key_mode"))
        return cls(evaluator_id=data["evaluator_id"], code=data["code"], public_key=data["public_key"],
                   key_mode=data["key_mode"])


def check_committee(members: tuple[Member, ...] | list[Member]) -> tuple[Member, ...]:
    """At least one member; ids, codes and keys each distinct."""
    members = tuple(members)
    if not members or not all(isinstance(m, Member) for m in members):
        raise bad("members", len(members), "평가위원이 한 명 이상 있어야 합니다", "at least one member is needed")
    for field in ("evaluator_id", "code", "public_key"):
        values = [getattr(m, field) for m in members]
        duplicate = next((v for v in values if values.count(v) > 1), None)
        if duplicate is not None:
            raise bad(f"members.{field}", duplicate, "평가위원끼리 겹칩니다", "two members share it")
    return members


__all__ = [
    "KEY_MODES",
    "KINDS",
    "RULES",
    "Criterion",
    "Member",
    "SessionSpec",
    "Subject",
    "bad",
    "check_committee",
    "check_id",
    "check_number",
    "check_text",
    "parse_time",
]
