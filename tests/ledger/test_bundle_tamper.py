"""Tampered copies of a good bundle: each is detected by the verifier (or refused by a witness) with the message
that says what happened. Entries as in ``tests/evaluation/conftest.py``: 0 created, 1 committee, 2-5 declarations,
6-9 commits, 10-13 reveals, 14-17 sheet signatures, 18 result; checkpoint 0 at size 10, checkpoint 1 at 19."""

from __future__ import annotations

import copy
import sqlite3
from dataclasses import replace

import pytest

from mokmin.errors import ConflictError, MokminError
from mokmin.evaluation.ranking import rank
from mokmin.evaluation.scores import ScoreTable
from mokmin.ledger.bundle import build_bundle, verify_bundle
from mokmin.ledger.checkpoint import Checkpoint, add_signature_lines, sign_checkpoint
from mokmin.ledger.commitment import canonical_json, raw_public_key
from mokmin.ledger.merkle import MerkleTree
from mokmin.ledger.note import Signer
from mokmin.ledger.store import SQLiteLeafStore, leaf_hash_of
from tests.evaluation.conftest import (
    CONFLICTS,
    ORIGIN,
    SHEETS,
    SPEC,
    Committee,
    SignedLog,
    ledger_time,
    logged,
    nonce,
    session_events,
)


@pytest.fixture
def committee() -> Committee:
    return Committee()


@pytest.fixture
def log(tmp_path, committee) -> SignedLog:
    return logged(tmp_path, session_events(committee))


@pytest.fixture
def good(log) -> dict:
    bundle = log.bundle()
    assert verify_bundle(bundle).ok
    return bundle


def tree_of(entries) -> MerkleTree:
    return MerkleTree.from_leaf_hashes(
        leaf_hash_of(e["index"], e["time"], e["kind"], canonical_json(e["payload"]).decode()) for e in entries)


def problems(bundle, **options) -> list[str]:
    return [p.message_en for p in verify_bundle(bundle, **options).problems]


def kinds(bundle, **options) -> set[str]:
    return {p.code for p in verify_bundle(bundle, **options).problems}


def test_a_changed_score_breaks_the_root_the_signature_and_the_proof(good):
    bundle = copy.deepcopy(good)
    bundle["entries"][12]["payload"]["scores"]["bid-1"]["tech"] = 60  # ev-c: 55 -> 60
    found = problems(bundle)
    assert "checkpoint 1: root differs from entries 0..18" in found
    assert "entry 12 (reveal, 평가위원 C): the signature does not verify against the committee key" in found
    assert "proof for entry 12 (reveal, 평가위원 C): does not lead to checkpoint 1's root" in found
    assert "checkpoint 0: root differs from entries 0..9" not in found  # the first 10 entries are intact


def test_a_score_changed_in_the_database_with_its_leaf_hash_is_caught_by_the_checkpoint(tmp_path, log, good):
    """The attacker drops the append-only trigger and rewrites a payload together with its leaf hash."""
    db = sqlite3.connect(log.store.path)
    index, time, kind, payload = db.execute("SELECT idx, time, kind, payload FROM ledger_leaf WHERE idx = 11").fetchone()
    changed = payload.replace('"tech":45', '"tech":58')
    assert changed != payload
    db.executescript("DROP TRIGGER ledger_leaf_no_update;")
    db.execute("UPDATE ledger_leaf SET payload = ?, leaf_hash = ? WHERE idx = 11",
               (changed, leaf_hash_of(index, time, kind, changed)))
    db.commit()
    db.close()
    with SQLiteLeafStore(log.store.path, verify=False) as store:
        bundle = build_bundle(store.read(), log.checkpoints, log_key=log.signer.verifier(),
                              witness_keys=[w.verifier() for w in log.witnesses])
    assert {"root_mismatch", "bad_signature", "bad_inclusion"} <= kinds(bundle)
    assert "checkpoint 1: root differs from entries 0..18" in problems(bundle)


def test_a_deleted_entry(good):
    bundle = copy.deepcopy(good)
    del bundle["entries"][7]  # ev-b's commit
    found = problems(bundle)
    assert found[:3] == ["the entries at positions 7..17 carry indices 8..18 (entries deleted, inserted or moved)",
                         "checkpoint 0: root differs from entries 0..9",
                         "checkpoint 1: size 19 but the bundle has only 18 entries"]
    assert "entry 11 (reveal, 평가위원 B): a reveal without a commitment" in found
    assert "proof 1: the bundle has no entry 7" in found


def test_two_entries_reordered(good):
    bundle = copy.deepcopy(good)
    bundle["entries"][7], bundle["entries"][8] = bundle["entries"][8], bundle["entries"][7]
    found = problems(bundle)
    assert found[:2] == ["the entry at position 7 carries index 8 (entries deleted, inserted or moved)",
                         "the entry at position 8 carries index 7 (entries deleted, inserted or moved)"]
    assert "checkpoint 1: root differs from entries 0..18" in found
    renumbered = copy.deepcopy(bundle)
    for position, entry in enumerate(renumbered["entries"]):
        entry["index"] = position
    assert {"root_mismatch", "time_backwards"} <= kinds(renumbered) and "index_gap" not in kinds(renumbered)


def test_an_evaluator_key_replaced_in_the_committee(good, committee):
    bundle = copy.deepcopy(good)
    impostor = Signer.generate("x").private_key
    member = next(m for m in bundle["entries"][1]["payload"]["members"] if m["evaluator_id"] == "ev-b")
    member["public_key"] = raw_public_key(impostor).hex()
    found = problems(bundle)
    assert "checkpoint 0: root differs from entries 0..9" in found
    assert "checkpoint 1: root differs from entries 0..18" in found
    assert [f for f in found if "(" in f and "평가위원 B" in f and "signature" in f] == [
        f"entry {i} ({k}, 평가위원 B): the signature does not verify against the committee key"
        for i, k in ((3, "coi_declared"), (7, "commit"), (11, "reveal"), (15, "sheet_signed"))]


def test_a_rewritten_history_is_refused_by_the_witnesses(tmp_path, log, committee):
    """The log re-signs a history in which ev-b's key is the impostor's and ev-b's scores are the impostor's:
    the replay alone would pass, but neither witness cosigns it, and the old cosigned checkpoints do not match."""
    impostor = Committee(keys={**committee.keys, "ev-b": Signer.generate("x").private_key})
    forged = SHEETS | {"ev-b": {"bid-1": {"tech": 20, "price": 10}, "bid-2": {"tech": 60, "price": 80}}}
    events = session_events(impostor)
    events[7] = impostor.commit("ev-b", forged["ev-b"], nonce("ev-b"))
    events[11] = impostor.reveal("ev-b", forged["ev-b"], nonce("ev-b"))
    events[15] = impostor.signed_sheet("ev-b", forged["ev-b"])
    events[18] = impostor.result(rank(ScoreTable.build(SPEC, forged, CONFLICTS)))
    entries = [{"index": i, "time": ledger_time(i), "kind": k, "payload": p} for i, (k, p) in enumerate(events)]
    tree = tree_of(entries)
    rewritten = sign_checkpoint(Checkpoint(ORIGIN, 19, tree.root()), log.signer)
    for witness in log.witnesses:  # they last cosigned size 19 with the honest root
        with pytest.raises(ConflictError) as refused:
            witness.add_checkpoint(19, [], rewritten)
        assert refused.value.details["reason"] == "same_size_different_root"
    alone = build_bundle(entries, [rewritten], log_key=log.signer.verifier(),
                         witness_keys=[w.verifier() for w in log.witnesses])
    assert problems(alone) == ["checkpoint 0: 0 witness cosignatures of the 2 required (missing: audit.test/w1, "
                               "audit.test/w2)"]
    with_history = build_bundle(entries, [*log.checkpoints, rewritten], log_key=log.signer.verifier(),
                                witness_keys=[w.verifier() for w in log.witnesses])
    assert {"root_mismatch", "fork", "no_quorum"} <= kinds(with_history)


def test_the_log_key_replaced(good, log):
    bundle = copy.deepcopy(good)
    bundle["log_key"] = Signer.generate(ORIGIN).verifier().to_string()
    found = problems(bundle)
    assert found[:2] == ["checkpoint 0: signature by unknown key (none by the log key)",
                         "checkpoint 1: signature by unknown key (none by the log key)"]
    assert "no checkpoint verifies" in found
    assert "entries 0..18 are not covered by a signed checkpoint" in found
    assert problems(bundle, log_key=log.signer.verifier()) == [
        "the bundle's log key is not the trusted log key"]  # the trusted key still checks every signature


def test_a_forked_checkpoint_is_refused_by_a_witness_and_detected(good, log):
    """Same size as checkpoint 1, another root: the log shows a viewer a history where ev-c gave bid-2 full marks."""
    entries = copy.deepcopy(good["entries"])
    entries[12]["payload"]["scores"]["bid-2"] = {"tech": 60, "price": 80}
    tree = tree_of(entries)
    fork = sign_checkpoint(Checkpoint(ORIGIN, 19, tree.root()), log.signer)
    witness = log.witnesses[0]
    with pytest.raises(ConflictError) as refused:
        witness.add_checkpoint(19, [], fork)
    assert refused.value.details["reason"] == "same_size_different_root"
    with pytest.raises(MokminError):  # nor from the earlier size, with the forked tree's own proof
        witness.add_checkpoint(10, tree.consistency_proof(10, 19), fork)
    bundle = copy.deepcopy(good)
    bundle["checkpoints"].append(fork)
    found = problems(bundle)
    assert "checkpoints 1 and 2: the same size 19 with different roots (a forked log)" in found
    assert "checkpoint 2: root differs from entries 0..18" in found
    assert "checkpoint 2: 0 witness cosignatures of the 2 required (missing: audit.test/w1, audit.test/w2)" in found


def test_a_forged_cosignature_and_a_smaller_quorum(good, log):
    bundle = copy.deepcopy(good)
    text = bundle["checkpoints"][1]
    lines = text.split("\n")
    w2 = next(i for i, line in enumerate(lines) if line.startswith("— audit.test/w2 "))
    lines[w2] = lines[w2][:-6] + ("AAAAAA" if not lines[w2].endswith("AAAAAA") else "BBBBBB")
    bundle["checkpoints"][1] = "\n".join(lines)
    found = problems(bundle)
    assert found == ["checkpoint 1: the cosignature by witness audit.test/w2 does not verify",
                     "checkpoint 1: 0 witness cosignatures of the 2 required (missing: audit.test/w1, audit.test/w2)"]
    stripped = copy.deepcopy(good)
    stripped["checkpoints"][1] = add_signature_lines(sign_checkpoint(
        Checkpoint(ORIGIN, 19, log.store.tree().root()), log.signer), [])
    assert kinds(stripped) == {"no_quorum"} and verify_bundle(stripped, quorum=0).ok


def test_proofs_removed_or_changed(good):
    bundle = copy.deepcopy(good)
    removed = bundle["proofs"].pop(0)
    bundle["proofs"][0]["hashes"][0] = "00" * 32
    found = problems(bundle)
    assert f"entry {removed['index']} (commit, 평가위원 A): no inclusion proof in the bundle" in found
    assert (removed["index"], bundle["proofs"][0]["index"]) == (6, 7)
    assert "proof for entry 7 (commit, 평가위원 B): does not lead to checkpoint 1's root" in found


def test_a_reveal_that_does_not_match_is_rejected_and_shown_but_the_bundle_is_ok(tmp_path, committee):
    events = session_events(committee)
    events.insert(12, committee.reveal("ev-c", {**SHEETS["ev-c"], "bid-2": {"tech": 60, "price": 80}}, nonce("ev-c")))
    report = verify_bundle(logged(tmp_path, events).bundle())
    assert report.ok
    assert [r.message_en for r in report.rejected] == [
        "entry 12 (reveal, 평가위원 C): does not match its commitment (scores or nonce differ): rejected"]
    assert report.summary["sessions"]["t-2026-01"]["rejected_reveals"] == 1


def test_a_ranking_that_counted_a_rejected_reveal_fails(tmp_path, committee):
    """ev-c only ever reveals other scores than committed (bid-2: 60 + 0.5 * 80 = 100); the server counts them.
    Recomputed without ev-c, bid-1 is still 80 (80, 80, 70: drop 70 and one 80), so the first difference named is
    ev-c's total."""
    changed = {**SHEETS["ev-c"], "bid-2": {"tech": 60, "price": 80}}
    events = session_events(committee)
    events[12] = committee.reveal("ev-c", changed, nonce("ev-c"))
    events[16] = committee.signed_sheet("ev-c", changed)
    events[18] = committee.result(rank(ScoreTable.build(SPEC, SHEETS | {"ev-c": changed}, CONFLICTS)))
    report = verify_bundle(logged(tmp_path, events).bundle())
    assert not report.ok and [r.index for r in report.rejected] == [12]
    assert {p.code for p in report.problems} == {"signed_without_reveal", "early_result", "ranking_mismatch"}
    assert ("entry 18 (result_published): the published ranking differs from the recomputed one: bid-1, ev-c's total: "
            "published 92.5, recomputed none") in [p.message_en for p in report.problems]


def test_a_published_ranking_that_differs(tmp_path, committee):
    events = session_events(committee)
    events[18][1]["ranking"]["subjects"][1]["score"] = 79.5
    assert problems(logged(tmp_path, events).bundle()) == [
        "entry 18 (result_published): the published ranking differs from the recomputed one: bid-2: published 79.5 "
        "(rank 2), recomputed 69 (rank 2)"]


def test_a_trimmed_mean_computed_wrongly(tmp_path, committee):
    """Labelled trimmed but computed as the plain mean: bid-1 published 80.625, the trimmed mean is 80."""
    mean = rank(ScoreTable.build(replace(SPEC, rule="mean"), SHEETS, CONFLICTS))
    events = session_events(committee)
    events[18] = committee.result(replace(mean, rule="trimmed"))
    assert problems(logged(tmp_path, events).bundle()) == [
        "entry 18 (result_published): the published ranking differs from the recomputed one: bid-1: published 80.625 "
        "(rank 1), recomputed 80 (rank 1)"]
    no_drops = copy.deepcopy(session_events(committee))
    no_drops[18][1]["ranking"]["subjects"][0]["dropped"] = []
    found = problems(logged(tmp_path / "b", no_drops).bundle())
    assert found == ["entry 18 (result_published): the published ranking differs from the recomputed one: bid-1: "
                     "dropped evaluators or title differ"]


def test_malformed_bundles_are_named_not_crashed(good):
    assert problems({"format": "x"})[0].startswith("bundle fields missing or of the wrong type: origin")
    assert problems({**good, "format": "mokmin-ledger-bundle/0"}) == [
        "unknown bundle format mokmin-ledger-bundle/0 (expected mokmin-ledger-bundle/1)"]
    broken = copy.deepcopy(good)
    broken["entries"][3] = {"index": 3}
    assert "the entry at position 3 is malformed" in problems(broken)
    assert problems({**good, "log_key": "nonsense"})[0].startswith("a public key in the bundle is malformed")
