"""The export bundle of a whole session: real keys, commitments, a durable log, checkpoints cosigned by two
in-process witnesses; written, read back and verified with nothing but the file, and through the CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from mokmin.cli import main
from mokmin.evaluation import events as ev
from mokmin.evaluation.demo_session import demo_session
from mokmin.ledger.bundle import FORMAT, read_bundle, verify_bundle, write_bundle
from mokmin.ledger.cli import ledger
from mokmin.ledger.proofs import verify_inclusion
from mokmin.ledger.store import leaf_hash_of
from tests.evaluation.conftest import ORIGIN, Committee, SignedLog, logged, session_events


@pytest.fixture
def log(tmp_path) -> SignedLog:
    return logged(tmp_path, session_events(Committee()))


def test_the_bundle_of_an_honest_session_verifies(tmp_path, log):
    bundle = write_bundle(tmp_path / "bundle.json", log.store.read(), log.checkpoints, log_key=log.signer.verifier(),
                          witness_keys=[w.verifier() for w in log.witnesses])
    assert read_bundle(tmp_path / "bundle.json") == bundle
    assert bundle["format"] == FORMAT and bundle["origin"] == ORIGIN and len(bundle["entries"]) == 19
    assert [e["index"] for e in bundle["entries"]] == list(range(19))
    assert bundle["checkpoints"][0].startswith(f"{ORIGIN}\n10\n") and bundle["checkpoints"][1].count("\n— ") == 3
    report = verify_bundle(bundle)
    assert report.ok, [p.text() for p in report.problems]
    assert report.rejected == []
    summary = report.summary
    assert (summary["entries"], summary["tree_size"], summary["checkpoints"], summary["quorum"]) == (19, 19, 2, 2)
    assert summary["witnesses"] == ["audit.test/w1", "audit.test/w2"]
    assert summary["sessions"] == {"t-2026-01": {"published": True, "counted": 4, "rejected_reveals": 0}}
    assert summary["root"] == log.store.tree().root().hex()


def test_every_score_has_an_inclusion_proof_against_the_final_checkpoint(log):
    """4 evaluators x (commit, reveal, signature) + the result = 13 proofs, each checked here independently."""
    bundle = log.bundle()
    assert len(bundle["proofs"]) == 13
    assert {p["kind"] for p in bundle["proofs"]} == {ev.COMMIT, ev.REVEAL, ev.SHEET_SIGNED, ev.RESULT_PUBLISHED}
    root = log.store.tree().root()
    for proof in bundle["proofs"]:
        entry = bundle["entries"][proof["index"]]
        leaf = leaf_hash_of(entry["index"], entry["time"], entry["kind"],
                            json.dumps(entry["payload"], ensure_ascii=False, sort_keys=True, separators=(",", ":")))
        assert proof["tree_size"] == 19
        verify_inclusion(leaf, proof["index"], 19, [bytes.fromhex(h) for h in proof["hashes"]], root)
    assert verify_bundle(bundle).summary["proofs_checked"] == 13


def test_trusted_keys_and_quorum(log):
    bundle = log.bundle()
    witnesses = [w.verifier() for w in log.witnesses]
    assert verify_bundle(bundle, log_key=log.signer.verifier(), witness_keys=witnesses).ok
    assert verify_bundle(bundle, witness_keys=witnesses[:1], quorum=1).ok
    assert not verify_bundle(bundle, quorum=3).ok


def test_the_demo_sessions_export_and_verify(tmp_path):
    log = SignedLog(tmp_path)
    for kind, payload, time in demo_session(2):
        log.store.append(kind, payload, time=time)
        if kind == ev.RESULT_PUBLISHED:
            log.checkpoint()
    report = verify_bundle(log.bundle())
    assert report.ok, [p.text() for p in report.problems]
    assert report.summary["sessions"] == {
        "demo-2026-procurement-01": {"published": True, "counted": 5, "rejected_reveals": 0},
        "demo-2026-contest-01": {"published": True, "counted": 3, "rejected_reveals": 0}}


def test_cli_verify_good_bundle(tmp_path, log):
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(log.bundle(), ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(ledger, ["verify", str(path)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["ok"] is True and summary["entries"] == 19 and summary["problems"] == 0
    through_main = CliRunner().invoke(main, ["ledger", "verify", str(path), "--log-key",
                                             log.signer.verifier().to_string(), "--quorum", "2"])
    assert through_main.exit_code == 0, through_main.output


def test_cli_verify_tampered_bundle(tmp_path, log):
    bundle = log.bundle()
    bundle["entries"][12]["payload"]["scores"]["bid-1"]["tech"] = 60  # ev-c's tech score for bid-1
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(ledger, ["verify", str(path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert json.loads(lines[-1])["ok"] is False
    assert any("checkpoint 1: root differs from entries 0..18" in line for line in lines)
    assert any("entry 12 (reveal, 평가위원 C): the signature does not verify against the committee key" in line
               for line in lines)
    assert all(line.startswith("문제 / problem: ") for line in lines[:-1])


def test_cli_unreadable_bundle_and_bad_key(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(ledger, ["verify", str(path)])
    assert result.exit_code == 1 and json.loads(result.output.strip().splitlines()[-1])["ok"] is False
    result = CliRunner().invoke(ledger, ["verify", str(path), "--log-key", "nonsense"])
    assert result.exit_code == 2 and "--log-key" in result.output



def test_bench_ledger_prints_a_summary_and_writes_a_section(tmp_path):
    output = tmp_path / "benchmarks.md"
    result = CliRunner().invoke(main, ["bench", "ledger", "--appends", "200", "--log-size", "1000", "--proofs", "20",
                                       "--output", str(output)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["log_size"] == 1000 and summary["appends_per_second_batch_100"] > 0
    assert summary["pymerkle"]["root_matches_ours"] is True  # pymerkle is in the test extra
    text = output.read_text(encoding="utf-8")
    assert "## ledger\n" in text and "mokmin bench ledger --appends 200 --log-size 1000 --proofs 20 --seed 0" in text
