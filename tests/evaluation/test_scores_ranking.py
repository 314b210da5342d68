"""Score sheets, totals, the mean and the trimmed mean, and the ranking, against hand calculations.

The session of ``conftest.py`` (its docstring has the table): trimmed gives bid-1 80 and bid-2 69; the mean
gives 80.625 and 64.666667.
"""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from mokmin.errors import InputError
from mokmin.evaluation.model import Criterion, SessionSpec, Subject
from mokmin.evaluation.ranking import Ranking, aggregate, rank
from mokmin.evaluation.scores import ScoreTable, check_sheet, subject_total
from tests.evaluation.conftest import CONFLICTS, SHEETS, SPEC


def test_totals_are_weighted_sums():
    """ev-c on bid-1: 55 * 1 + 75 * 0.5 = 92.5; 0.3 * 85 is 25.5 exactly after rounding (not 25.499999999999996)."""
    assert subject_total(SPEC, SHEETS["ev-c"]["bid-1"]) == 92.5
    spec = replace(SPEC, criteria=(Criterion("x", "X", 0.3, 100),))
    assert subject_total(spec, {"x": 85}) == 25.5
    totals = ScoreTable.build(SPEC, SHEETS, CONFLICTS).totals()
    assert totals == {"bid-1": {"ev-a": 80, "ev-b": 80, "ev-c": 92.5, "ev-d": 70},
                      "bid-2": {"ev-a": 75, "ev-b": 69, "ev-c": 50}}


def test_trimmed_drops_one_highest_and_one_lowest():
    ranking = rank(ScoreTable.build(SPEC, SHEETS, CONFLICTS))
    assert [(s.subject_id, s.score, s.rank, s.dropped) for s in ranking.subjects] == [
        ("bid-1", 80.0, 1, ("ev-d", "ev-c")), ("bid-2", 69.0, 2, ("ev-c", "ev-a"))]


def test_mean_rule():
    ranking = rank(ScoreTable.build(replace(SPEC, rule="mean"), SHEETS, CONFLICTS))
    assert [(s.subject_id, s.score, s.rank, s.dropped) for s in ranking.subjects] == [
        ("bid-1", 80.625, 1, ()), ("bid-2", 64.666667, 2, ())]


def test_trimmed_needs_three_evaluators_and_drops_only_one_of_equal_extremes():
    """Two totals: the plain mean. 70, 70, 80, 90, 90: drop one 70 and one 90 -> (70 + 80 + 90) / 3 = 80."""
    assert aggregate({"a": 60, "b": 90}, "trimmed") == (75, ())
    assert aggregate({"a": 70, "b": 70, "c": 80, "d": 90, "e": 90}, "trimmed") == (80, ("a", "e"))
    assert aggregate({"a": 10, "b": 20, "c": 90}, "trimmed") == (20, ("a", "c"))
    assert aggregate({}, "trimmed") == (None, ())


def test_ties_share_a_rank_then_order_by_subject_id():
    """c and a both 75 -> rank 1 (a listed first), b 60 -> rank 3; d unscored: no rank, last."""
    spec = SessionSpec("tie", "동점", "contest", tuple(Subject(i, i.upper()) for i in "dcba"),
                       (Criterion("q", "Q", 1, 100),), "mean", False, "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")
    sheets = {"x": {"a": {"q": 75}, "b": {"q": 60}, "c": {"q": 75}}}
    ranking = rank(ScoreTable.build(spec, sheets, {"x": ["d"]}))
    assert [(s.subject_id, s.rank, s.score) for s in ranking.subjects] == [
        ("a", 1, 75), ("c", 1, 75), ("b", 3, 60), ("d", None, None)]


def test_ranking_round_trips_as_canonical_json():
    ranking = rank(ScoreTable.build(SPEC, SHEETS, CONFLICTS))
    assert Ranking.from_dict(ranking.to_dict()) == ranking
    assert ranking.to_json().startswith(b'{"rule":"trimmed","session":"t-2026-01","subjects":[{"dropped":["ev-d",')


@pytest.mark.parametrize(("edit", "field"), [
    (lambda s: s["bid-1"].update(tech=61), "scores[ev-a].bid-1.tech"),
    (lambda s: s["bid-1"].update(tech=-0.5), "scores[ev-a].bid-1.tech"),
    (lambda s: s["bid-1"].update(tech="50"), "scores[ev-a].bid-1.tech"),
    (lambda s: s["bid-1"].update(tech=True), "scores[ev-a].bid-1.tech"),
    (lambda s: s["bid-1"].pop("price"), "scores[ev-a].bid-1.price"),
    (lambda s: s["bid-1"].update(speed=3), "scores[ev-a].bid-1.speed"),
    (lambda s: s.pop("bid-2"), "scores[ev-a].bid-2"),
    (lambda s: s.update({"bid-9": {}}), "scores[ev-a].bid-9"),
])
def test_sheet_rules_name_the_score(edit, field):
    sheet = copy.deepcopy(SHEETS["ev-a"])
    edit(sheet)
    with pytest.raises(InputError) as caught:
        check_sheet(SPEC, sheet, evaluator="ev-a")
    assert caught.value.location.field == field


def test_a_conflicted_subject_must_not_be_scored():
    sheet = copy.deepcopy(SHEETS["ev-a"])
    with pytest.raises(InputError) as caught:
        check_sheet(SPEC, sheet, excluded=["bid-2"], evaluator="ev-a")
    assert caught.value.location.field == "scores[ev-a].bid-2"
    assert check_sheet(SPEC, SHEETS["ev-d"], excluded=["bid-2"]) is SHEETS["ev-d"]
    assert check_sheet(SPEC, {"bid-1": {"tech": 0, "price": 80}, "bid-2": {"tech": 60, "price": 0.0}})
