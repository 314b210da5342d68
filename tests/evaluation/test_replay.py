"""Replaying a session: the honest one passes with the hand-calculated ranking; each broken rule is named with the
entry index, kind and evaluator. Entry numbers refer to ``session_events`` (conftest): 0 created, 1 committee,
2-5 declarations, 6-9 commits, 10-13 reveals, 14-17 signatures, 18 result; evaluators a, b, c, d in that order."""

from __future__ import annotations

from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mokmin.errors import IntegrityError
from mokmin.evaluation import events as ev
from mokmin.evaluation.model import Member
from mokmin.evaluation.ranking import rank
from mokmin.evaluation.replay import replay, replay_all
from mokmin.evaluation.scores import ScoreTable
from mokmin.ledger.commitment import raw_public_key
from tests.evaluation.conftest import CONFLICTS, SHEETS, SPEC, as_entries, ledger_time, nonce, session_events

AFTER_REVEAL_DEADLINE = "2026-03-02T09:30:00.000000Z"  # 18:30 KST


def codes(entries) -> list[tuple[int | None, str]]:
    sessions, orphans = replay_all(entries)
    return [(p.index, p.code) for p in orphans + [p for s in sessions.values() for p in s.problems]]


def retime(entries):
    for i, entry in enumerate(entries):
        entry["index"], entry["time"] = i, ledger_time(i)
    return entries


def test_the_honest_session_replays_to_the_hand_calculated_ranking(committee):
    state = replay(as_entries(session_events(committee)))
    assert state.ok and state.rejected == [] and state.counted() == ["ev-a", "ev-b", "ev-c", "ev-d"]
    assert [(s.subject_id, s.score, s.rank) for s in state.ranking().subjects] == [("bid-1", 80, 1), ("bid-2", 69, 2)]
    assert state.conflicts == {"ev-a": (), "ev-b": (), "ev-c": (), "ev-d": ("bid-2",)}


def test_replay_raises_naming_index_kind_and_reason(committee):
    events = session_events(committee)
    mean = rank(ScoreTable.build(replace(SPEC, rule="mean"), SHEETS, CONFLICTS))
    events[18] = committee.result(replace(mean, rule="trimmed"))  # labelled trimmed, computed as the mean
    with pytest.raises(IntegrityError) as caught:
        replay(as_entries(events))
    error = caught.value
    assert error.details["index"] == 18 and error.details["kind"] == ev.RESULT_PUBLISHED
    assert error.details["reason"] == "ranking_mismatch"
    assert error.message_en == ("entry 18 (result_published): the published ranking differs from the recomputed one: "
                                "bid-1: published 80.625 (rank 1), recomputed 80 (rank 1)")  # the mean, not trimmed
    assert error.message_ko.startswith("18번 항목 (result_published): 공개된 순위가 다시 계산한 순위와 다릅니다")


def test_a_reveal_that_does_not_match_is_rejected_and_shown_and_another_may_follow(committee):
    events = session_events(committee)
    wrong = committee.reveal("ev-b", {**SHEETS["ev-b"], "bid-1": {"tech": 60, "price": 80}}, nonce("ev-b"))
    events.insert(11, wrong)
    state = replay(retime(as_entries(events)))
    assert state.ok and state.counted() == ["ev-a", "ev-b", "ev-c", "ev-d"]
    assert [(r.index, r.evaluator, r.reason) for r in state.rejected] == [(11, "ev-b", "mismatch")]
    assert state.rejected[0].message_en == ("entry 11 (reveal, 평가위원 B): does not match its commitment (scores or "
                                            "nonce differ): rejected")


def test_a_rejected_reveal_does_not_count(committee):
    """ev-b reveals with the wrong nonce and never again; the result after the reveal deadline leaves ev-b out:
    bid-1 (80, 92.5, 70) -> 80; bid-2 (75, 50) -> 62.5."""
    events = session_events(committee)
    events[11] = committee.reveal("ev-b", SHEETS["ev-b"], "ff" * 32)
    del events[15]  # ev-b's sheet signature
    table = ScoreTable.build(SPEC, {e: s for e, s in SHEETS.items() if e != "ev-b"}, CONFLICTS)
    events[-1] = committee.result(rank(table))
    entries = retime(as_entries(events))
    entries[-1]["time"] = AFTER_REVEAL_DEADLINE
    state = replay(entries)
    assert [(s.subject_id, s.score) for s in state.ranking().subjects] == [("bid-1", 80), ("bid-2", 62.5)]
    assert [r.reason for r in state.rejected] == ["mismatch"]
    counted_anyway = session_events(committee)
    counted_anyway[11] = events[11]
    assert (17, "signed_without_reveal") not in codes(as_entries(counted_anyway))
    assert {(15, "signed_without_reveal"), (18, "ranking_mismatch")} <= set(codes(as_entries(counted_anyway)))


def test_a_sheet_that_breaks_the_rules_is_rejected_even_if_it_opens_the_commitment(committee):
    events = session_events(committee)
    bad_sheet = {**SHEETS["ev-a"], "bid-1": {"tech": 61, "price": 60}}  # tech max is 60
    events[6], events[10] = committee.commit("ev-a", bad_sheet, nonce("ev-a")), committee.reveal("ev-a", bad_sheet,
                                                                                                nonce("ev-a"))
    state, = replay_all(as_entries(events))[0].values()
    assert [(r.index, r.reason) for r in state.rejected] == [(10, "invalid_sheet")]
    assert "scores[ev-a].bid-1.tech" in state.rejected[0].message_en


@pytest.mark.parametrize(("edit", "expected"), [
    # ev-a declares after committing
    (lambda c, e: e.insert(7, e.pop(2)), {(5, "commit_before_coi"), (7, "coi_after_commit")}),
    # ev-a reveals before ev-d has committed (and before the deadline); ev-d then commits after a reveal
    (lambda c, e: e.insert(9, e.pop(10)), {(9, "early_reveal"), (10, "commit_after_reveal")}),
    # ev-a signs the hash of other scores: the sheet is not final, so the result came too early and counted it
    (lambda c, e: e.__setitem__(14, c.signed_sheet("ev-a", SHEETS["ev-b"])),
     {(14, "sheet_hash_mismatch"), (18, "early_result"), (18, "ranking_mismatch")}),
    # a second commit by ev-a
    (lambda c, e: e.insert(7, c.commit("ev-a", SHEETS["ev-a"], nonce("ev-b"))), {(7, "duplicate")}),
    # an entry after the result
    (lambda c, e: e.append(c.signed_sheet("ev-a", SHEETS["ev-a"])), {(19, "after_result"), (19, "duplicate")}),
    # the result names the evaluators of an anonymised session
    (lambda c, e: e[18][1].__setitem__("evaluators", {m: m for m in SHEETS}), {(18, "not_anonymised")}),
    # the published ranking differs (the two bids' scores swapped)
    (lambda c, e: e[18][1]["ranking"]["subjects"][0].__setitem__("score", 69), {(18, "ranking_mismatch")}),
    # a reveal without a commitment: ev-d's commit removed (so the others revealed before all commits were in)
    (lambda c, e: e.pop(9), {(9, "early_reveal"), (10, "early_reveal"), (11, "early_reveal"),
                             (12, "reveal_without_commit"), (16, "signed_without_reveal"), (17, "ranking_mismatch")}),
])
def test_each_broken_rule_is_named(committee, edit, expected):
    events = session_events(committee)
    edit(committee, events)
    assert set(codes(retime(as_entries(events)))) == expected


def test_signatures_are_checked_against_the_committee_keys(committee):
    """ev-c's key in committee_set replaced: each of ev-c's four entries fails; without ev-c's commit the others
    revealed before every commitment was in, and the result (which counted ev-c) no longer matches."""
    events = session_events(committee)
    other = raw_public_key(Ed25519PrivateKey.generate()).hex()
    members = [replace(m, public_key=other) if m.evaluator_id == "ev-c" else m for m in committee.members()]
    events[1] = (ev.COMMITTEE_SET, ev.committee_set_payload(SPEC.session_id, members))
    assert set(codes(as_entries(events))) == {(4, "bad_signature"), (8, "bad_signature"), (12, "bad_signature"),
                                              (16, "bad_signature"), (18, "ranking_mismatch"), (10, "early_reveal"),
                                              (11, "early_reveal"), (13, "early_reveal")}
    sessions, _ = replay_all(as_entries(events))
    assert sessions[SPEC.session_id].problems[0].message_en == (
        "entry 4 (coi_declared, 평가위원 C): the signature does not verify against the committee key")


def test_reveals_open_at_the_commit_deadline_without_every_commit(committee):
    """ev-d never commits; the others reveal after the commit deadline (12:00 KST) and the result waits for the
    reveal deadline: no problem, ev-d is simply not counted."""
    events = [e for e in session_events(committee) if not (e[0] in {ev.COMMIT, ev.REVEAL, ev.SHEET_SIGNED}
                                                          and e[1]["evaluator"] == "ev-d")]
    table = ScoreTable.build(SPEC, {e: s for e, s in SHEETS.items() if e != "ev-d"}, CONFLICTS)
    events[-1] = committee.result(rank(table))
    entries = retime(as_entries(events))
    for entry in entries[9:-1]:
        entry["time"] = entry["time"].replace("T01:", "T03:")  # after 03:00 UTC = 12:00 KST
    entries[-1]["time"] = AFTER_REVEAL_DEADLINE
    state = replay(entries)
    assert state.counted() == ["ev-a", "ev-b", "ev-c"]


def test_not_a_member_and_time_going_backwards(committee):
    events = session_events(committee)
    stranger = Ed25519PrivateKey.generate()
    payload = ev.coi_declared_payload(SPEC.session_id, "ev-x", [], "", key=stranger)
    events.insert(6, (ev.COI_DECLARED, payload))
    entries = retime(as_entries(events))
    entries[3]["time"], entries[4]["time"] = entries[4]["time"], entries[3]["time"]
    assert set(codes(entries)) == {(6, "not_member"), (4, "time_backwards")}
    assert Member.from_dict(entries[1]["payload"]["members"][0]).code == "평가위원 A"
