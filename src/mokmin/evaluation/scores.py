"""Score sheets: one evaluator's scores, checked against the session's criteria and conflict declarations.

A sheet is ``{subject_id: {criterion_id: score}}`` for one evaluator; a :class:`ScoreTable` holds the sheets of
a whole committee (evaluator -> subject -> criterion -> score). The rules a sheet must satisfy:

* every subject is one of the session's, and a subject the evaluator declared a conflict of interest with
  (``evaluation.coi_declared``) is absent: that evaluator does not score it at all;
* every other subject is present, with every criterion, and nothing else;
* each score is a finite number with ``0 <= score <= max_score`` of its criterion.

The total of one evaluator for one subject (the 평가점수 of that 평가위원) is the weighted sum over the criteria::

    total(e, s) = round(Σ_c weight_c * score(e, s, c), 6)

summed in the spec's criterion order and rounded once to 6 decimals, so a total written into the ledger as JSON
reads back as the same number and 0.1-step weights give the totals a person computes by hand (0.3 * 85 = 25.5,
not 25.499999999999996).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mokmin.evaluation.model import SessionSpec, bad, check_number

DECIMALS = 6

Sheet = Mapping[str, Mapping[str, float]]


def check_sheet(spec: SessionSpec, sheet: Any, *, excluded: Iterable[str] = (), evaluator: str = "") -> Sheet:
    """Return ``sheet`` unchanged if it satisfies the rules above, else raise InputError naming the field."""
    where = f"scores[{evaluator}]" if evaluator else "scores"
    excluded = set(excluded)
    if not isinstance(sheet, Mapping):
        raise bad(where, type(sheet).__name__, "점수표는 객체여야 합니다", "a score sheet must be an object")
    known = {subject.id for subject in spec.subjects}
    for subject_id in sheet:
        if subject_id not in known:
            raise bad(f"{where}.{subject_id}", subject_id, "세션에 없는 평가 대상입니다", "not a subject of the session")
        if subject_id in excluded:
            raise bad(f"{where}.{subject_id}", subject_id, "이해충돌을 신고한 대상은 평가할 수 없습니다",
                      "a subject with a declared conflict of interest may not be scored")
    for subject in spec.subjects:
        if subject.id in excluded:
            continue
        scores = sheet.get(subject.id)
        if not isinstance(scores, Mapping):
            raise bad(f"{where}.{subject.id}", scores, "평가 대상의 점수가 없습니다", "the subject's scores are missing")
        extra = sorted(set(scores) - {c.id for c in spec.criteria})
        if extra:
            raise bad(f"{where}.{subject.id}.{extra[0]}", extra[0], "세션에 없는 평가항목입니다",
                      "not a criterion of the session")
        for criterion in spec.criteria:
            path = f"{where}.{subject.id}.{criterion.id}"
            if criterion.id not in scores:
                raise bad(path, None, "평가항목의 점수가 없습니다", "the criterion's score is missing")
            value = check_number(scores[criterion.id], path)
            if not 0 <= value <= criterion.max_score:
                raise bad(path, scores[criterion.id], f"점수는 0 이상 {criterion.max_score:g} 이하입니다",
                          f"a score is between 0 and {criterion.max_score:g}")
    return sheet


def subject_total(spec: SessionSpec, scores: Mapping[str, float]) -> float:
    """``round(Σ_c weight_c * score_c, 6)`` over the spec's criteria, in their order."""
    total = 0.0
    for criterion in spec.criteria:
        total += criterion.weight * float(scores[criterion.id])
    return round(total, DECIMALS)


def sheet_totals(spec: SessionSpec, sheet: Sheet) -> dict[str, float]:
    """``{subject_id: total}`` for the subjects the sheet scores."""
    return {subject.id: subject_total(spec, sheet[subject.id]) for subject in spec.subjects if subject.id in sheet}


@dataclass(frozen=True)
class ScoreTable:
    """The committee's checked sheets: ``sheets[evaluator][subject][criterion]``, conflicts per evaluator."""

    spec: SessionSpec
    sheets: Mapping[str, Sheet]
    conflicts: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, spec: SessionSpec, sheets: Mapping[str, Any],
              conflicts: Mapping[str, Iterable[str]] | None = None) -> ScoreTable:
        """Check every sheet (see the module docstring) and return the table."""
        conflicts = {evaluator: frozenset(ids) for evaluator, ids in (conflicts or {}).items()}
        checked = {evaluator: check_sheet(spec, sheet, excluded=conflicts.get(evaluator, ()), evaluator=evaluator)
                   for evaluator, sheet in sheets.items()}
        return cls(spec=spec, sheets=checked, conflicts=conflicts)

    def totals(self) -> dict[str, dict[str, float]]:
        """``{subject_id: {evaluator: total}}``, evaluators in sorted order; conflicted evaluators absent."""
        out: dict[str, dict[str, float]] = {subject.id: {} for subject in self.spec.subjects}
        for evaluator in sorted(self.sheets):
            for subject_id, total in sheet_totals(self.spec, self.sheets[evaluator]).items():
                out[subject_id][evaluator] = total
        return out


__all__ = ["DECIMALS", "ScoreTable", "Sheet", "check_sheet", "sheet_totals", "subject_total"]
