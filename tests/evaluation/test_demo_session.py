"""The demo's two sessions: seeded (the same seed gives the same bytes), finished, and passing the replay."""

from __future__ import annotations

import json

from mokmin.evaluation import events as ev
from mokmin.evaluation.demo_session import demo_session
from mokmin.evaluation.replay import replay_all
from mokmin.evaluation.scores import ScoreTable, subject_total
from mokmin.ledger.commitment import canonical_json


def entries(seed: int):
    return [{"index": i, "time": t, "kind": k, "payload": json.loads(canonical_json(p))}
            for i, (k, p, t) in enumerate(demo_session(seed))]


def test_same_seed_same_bytes_other_seed_other_scores():
    assert canonical_json(demo_session(3)) == canonical_json(demo_session(3))
    assert canonical_json(demo_session(3)) != canonical_json(demo_session(4))


def test_two_finished_sessions_that_replay_cleanly():
    sessions, orphans = replay_all(entries(1))
    assert orphans == [] and all(state.ok and not state.rejected for state in sessions.values())
    procurement, contest = sessions["demo-2026-procurement-01"], sessions["demo-2026-contest-01"]
    assert (procurement.spec.kind, procurement.spec.rule, len(procurement.members)) == ("procurement", "trimmed", 5)
    assert (contest.spec.kind, contest.spec.rule, len(contest.members)) == ("contest", "mean", 3)
    assert procurement.conflicts["eval-d"] == ("bid-2",)
    assert all(m.key_mode == "server" for m in procurement.members.values())
    assert procurement.published["evaluators"] == {f"eval-{x}": f"평가위원 {x.upper()}" for x in "abcde"}
    assert contest.published["evaluators"] == {"judge-1": "김민지", "judge-2": "이서준", "judge-3": "박하은"}


def test_the_published_trimmed_mean_recomputed_by_hand():
    """For each bid: sort the totals, drop the first and the last, average the rest (as the docstring of ranking)."""
    sessions, _ = replay_all(entries(1))
    state = sessions["demo-2026-procurement-01"]
    published = state.published["ranking"]["subjects"]
    for line in published:
        totals = sorted(subject_total(state.spec, state.reveals[e][line["subject"]])
                        for e in state.reveals if line["subject"] in state.reveals[e])
        assert len(totals) == (4 if line["subject"] == "bid-2" else 5)
        assert line["score"] == round(sum(totals[1:-1]) / (len(totals) - 2), 6)
    assert [line["rank"] for line in published] == [1, 2, 3]
    assert ScoreTable.build(state.spec, state.reveals, state.conflicts).totals()["bid-2"].keys() == {
        "eval-a", "eval-b", "eval-c", "eval-e"}


def test_log_order_and_times():
    log = demo_session(1)
    kinds = [k for k, _, _ in log]
    assert kinds[:2] == [ev.SESSION_CREATED, ev.COMMITTEE_SET] and kinds.count(ev.RESULT_PUBLISHED) == 2
    assert len(log) == (2 + 5 * 4 + 1) + (2 + 3 * 4 + 1)
    times = [t for _, _, t in log]
    assert times == sorted(times) and all(t.endswith("Z") and len(t) == 27 for t in times)
