"""From the committee's totals to each subject's score and rank.

Per subject ``s`` with the totals ``t_1 <= ... <= t_n`` of the ``n`` evaluators who scored it (an evaluator who
declared a conflict of interest with ``s`` is not among them), sorted by total and then evaluator id::

    mean:     score(s) = round((t_1 + ... + t_n) / n, 6)
    trimmed:  score(s) = round((t_2 + ... + t_{n-1}) / (n - 2), 6)    if n >= 3   (drop one lowest, one highest)
              score(s) = mean                                         if n < 3

``trimmed`` is the Korean procurement rule (최고·최저 점수 각 1개를 제외한 평균): with equal extreme totals only
one of each is dropped, the one first (lowest) or last (highest) in that order, and the dropped evaluators are
listed so the public page can show them struck through. A subject nobody scored has no score and no rank.

Ranking: higher score first; equal scores share a rank and the next rank skips (1, 1, 3: competition ranking);
within equal scores, and for the unranked at the end, subjects are ordered by id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mokmin.evaluation.model import RULES, bad
from mokmin.evaluation.scores import DECIMALS, ScoreTable
from mokmin.ledger.commitment import canonical_json


def aggregate(totals: Mapping[str, float], rule: str) -> tuple[float | None, tuple[str, ...]]:
    """(score, dropped evaluators) of one subject under ``rule`` (see the module docstring)."""
    if rule not in RULES:
        raise bad("rule", rule, f"결과 규칙은 {', '.join(RULES)} 중 하나입니다", f"rule is one of {', '.join(RULES)}")
    ordered = sorted(totals.items(), key=lambda item: (item[1], item[0]))
    if not ordered:
        return None, ()
    dropped: tuple[str, ...] = ()
    if rule == "trimmed" and len(ordered) >= 3:
        dropped = (ordered[0][0], ordered[-1][0])
        ordered = ordered[1:-1]
    return round(sum(total for _, total in ordered) / len(ordered), DECIMALS), dropped


@dataclass(frozen=True)
class RankedSubject:
    """One line of the published result."""

    subject_id: str
    title: str
    rank: int | None
    score: float | None
    totals: Mapping[str, float]
    dropped: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"dropped": list(self.dropped), "rank": self.rank, "score": self.score, "subject": self.subject_id,
                "title": self.title, "totals": dict(self.totals)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RankedSubject:
        try:
            return cls(subject_id=data["subject"], title=data["title"], rank=data["rank"], score=data["score"],
                       totals=dict(data["totals"]), dropped=tuple(data["dropped"]))
        except (KeyError, TypeError) as exc:
            raise bad("ranking.subjects", str(exc), "순위 항목의 형식이 잘못되었습니다", "malformed ranking line") from None


@dataclass(frozen=True)
class Ranking:
    """The result of a session: every subject with its score, rank and the totals behind it."""

    session_id: str
    rule: str
    subjects: tuple[RankedSubject, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "session": self.session_id, "subjects": [s.to_dict() for s in self.subjects]}

    def to_json(self) -> bytes:
        """Canonical JSON: what ``evaluation.result_published`` carries and what the verifier compares."""
        return canonical_json(self.to_dict())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Ranking:
        if not isinstance(data, Mapping) or not isinstance(data.get("subjects"), list):
            raise bad("ranking", None, "순위의 형식이 잘못되었습니다", "malformed ranking")
        return cls(session_id=data.get("session"), rule=data.get("rule"),
                   subjects=tuple(RankedSubject.from_dict(s) for s in data["subjects"]))

    def subject(self, subject_id: str) -> RankedSubject | None:
        return next((s for s in self.subjects if s.subject_id == subject_id), None)


def rank(table: ScoreTable) -> Ranking:
    """Aggregate every subject of ``table`` by the session's rule and rank them (see the module docstring)."""
    spec = table.spec
    totals = table.totals()
    scored = []
    for subject in spec.subjects:
        score, dropped = aggregate(totals[subject.id], spec.rule)
        scored.append((subject, score, dropped))
    ranked = sorted((item for item in scored if item[1] is not None), key=lambda item: (-item[1], item[0].id))
    unranked = sorted((item for item in scored if item[1] is None), key=lambda item: item[0].id)
    lines = []
    for position, (subject, score, dropped) in enumerate(ranked):
        previous = lines[-1] if lines else None
        place = previous.rank if previous is not None and previous.score == score else position + 1
        lines.append(RankedSubject(subject.id, subject.title, place, score, totals[subject.id], dropped))
    lines += [RankedSubject(subject.id, subject.title, None, None, {}, ()) for subject, _, _ in unranked]
    return Ranking(session_id=spec.session_id, rule=spec.rule, subjects=tuple(lines))


__all__ = ["RankedSubject", "Ranking", "aggregate", "rank"]
