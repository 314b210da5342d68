"""Tampering with the evaluation log in the real database, behind the application's back (raw SQL, as someone with
database access would): a changed score, a deleted entry, two entries swapped, an evaluator's key replaced, and
a log forked for one viewer. Each is detected by ``verify_bundle`` on the export, and the fork is refused by two
real witness processes on loopback (``python -m mokmin.ledger.witness serve``), the refusal stored and shown.
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import connection
from django.urls import reverse

from mokmin.errors import IntegrityError
from mokmin.evaluation import events as ev
from mokmin.ledger.bundle import verify_bundle
from mokmin.ledger.commitment import raw_public_key
from mokmin.ledger.store import leaf_hash_of
from tests.ledger.test_witness_processes import WitnessProcess
from tests.web.test_evaluation import make_session, people, run_session  # noqa: F401  (people is a fixture)

pytestmark = pytest.mark.django_db


def rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT idx, time, kind, payload FROM evaluation_ledgerleaf ORDER BY idx")
        return cursor.fetchall()


def write(index: int, payload: dict, *, rehash: bool = True) -> None:
    """Replace entry ``index``'s payload directly, and (as a careful forger would) its leaf hash too."""
    _idx, time, kind, _old = next(r for r in rows() if r[0] == index)
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = leaf_hash_of(index, time, kind, text).hex() if rehash else None
    with connection.cursor() as cursor:
        if digest:
            cursor.execute("UPDATE evaluation_ledgerleaf SET payload = %s, leaf_hash = %s WHERE idx = %s",
                           [text, digest, index])
        else:
            cursor.execute("UPDATE evaluation_ledgerleaf SET payload = %s WHERE idx = %s", [text, index])


def index_of(kind: str, nth: int = 0) -> tuple[int, dict]:
    found = [(r[0], json.loads(r[3])) for r in rows() if r[2] == kind]
    return found[nth]


def exported(tmp_path):
    from mokmin.ledger.bundle import read_bundle
    from mokmin.web.commands import ledger_export

    ledger_export(tmp_path / "bundle.json")
    return verify_bundle(read_bundle(tmp_path / "bundle.json"))


def codes(report) -> set[str]:
    return {p.code for p in report.problems}


@pytest.fixture
def session(people):  # noqa: F811
    session = make_session(people)
    run_session(people, session)
    return session


def test_the_untouched_export_verifies(session, tmp_path):
    assert exported(tmp_path).ok


@pytest.mark.parametrize("rehash", [False, True])
def test_a_score_changed_in_the_database_is_detected(session, tmp_path, rehash):
    from mokmin.web.evaluation.ledger_store import DjangoLeafStore

    index, payload = index_of(ev.REVEAL)
    payload["scores"]["subject-1"]["c2"] = 40
    write(index, payload, rehash=rehash)
    report = exported(tmp_path)
    assert not report.ok
    assert "root_mismatch" in codes(report)
    assert {"bad_signature", "ranking_mismatch"} & codes(report)  # the evaluator never signed that score
    if not rehash:
        with pytest.raises(IntegrityError) as caught:
            DjangoLeafStore().verify()
        assert caught.value.details == {"reason": "changed_entry", "index": index}


def test_a_deleted_entry_is_detected(session, tmp_path):
    index, _payload = index_of(ev.SHEET_SIGNED)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM evaluation_ledgerleaf WHERE idx = %s", [index])
    report = exported(tmp_path)
    assert not report.ok and "index_gap" in codes(report)


def test_two_reordered_entries_are_detected(session, tmp_path):
    first, _ = index_of(ev.COMMIT, 0)
    second, _ = index_of(ev.COMMIT, 1)
    with connection.cursor() as cursor:  # swap the two rows' positions, hashes kept
        cursor.execute("UPDATE evaluation_ledgerleaf SET idx = %s WHERE idx = %s", [10**9, first])
        cursor.execute("UPDATE evaluation_ledgerleaf SET idx = %s WHERE idx = %s", [first, second])
        cursor.execute("UPDATE evaluation_ledgerleaf SET idx = %s WHERE idx = %s", [second, 10**9])
    report = exported(tmp_path)
    assert not report.ok and {"index_gap", "root_mismatch"} & codes(report)


def test_a_replaced_evaluator_key_is_detected(session, tmp_path):
    """The forger swaps member A's key for one of their own in committee_set and re-signs A's reveal with it."""
    index, committee = index_of(ev.COMMITTEE_SET)
    forged = Ed25519PrivateKey.generate()
    committee["members"][0]["public_key"] = raw_public_key(forged).hex()
    write(index, committee)
    evaluator = committee["members"][0]["evaluator_id"]
    reveal_index, reveal = next((i, p) for i, p in [index_of(ev.REVEAL, n) for n in range(2)]
                                if p["evaluator"] == evaluator)
    reveal["scores"]["subject-2"]["c1"] = 20
    write(reveal_index, ev.sign_payload(ev.REVEAL, {k: v for k, v in reveal.items() if k != "signature"}, forged))
    report = exported(tmp_path)
    assert not report.ok
    assert "root_mismatch" in codes(report)
    assert "bad_signature" in codes(report)  # A's declaration and commit no longer verify against the new key


@pytest.fixture
def witnessed(people, settings, tmp_path, django_capture_on_commit_callbacks):  # noqa: F811
    from mokmin.web.evaluation.checkpoints import log_key

    started = [WitnessProcess(tmp_path, name, log_key()) for name in ("audit", "cli")]
    try:
        for witness in started:
            witness.start()
        settings.MOKMIN_CONFIG = dataclasses.replace(settings.MOKMIN_CONFIG,
                                                     ledger_witnesses=tuple(w.url for w in started))
        with django_capture_on_commit_callbacks(execute=True):
            session = make_session(people)
            run_session(people, session)
        yield session, started
    finally:
        for witness in started:
            witness.stop()


def test_witnesses_cosign_every_checkpoint_and_the_export_needs_them(witnessed, tmp_path):
    from mokmin.web.evaluation.models import Checkpoint

    for checkpoint in Checkpoint.objects.all():
        assert checkpoint.replies.filter(ok=True).count() == 2, checkpoint.size
    report = exported(tmp_path)
    assert report.ok, [p.as_dict() for p in report.problems]
    assert sorted(report.summary["witnesses"]) == ["audit.example/w", "cli.example/w"]


def test_a_log_forked_for_one_viewer_is_refused_by_the_witnesses_and_shown(witnessed, tmp_path, client, people):  # noqa: F811
    """The forger holds the database and the log key: they rewrite a score, re-sign a checkpoint of the same size
    and show it to one viewer. Both witnesses already cosigned that size with the true root: both refuse."""
    from mokmin.ledger.checkpoint import Checkpoint as Body
    from mokmin.ledger.checkpoint import sign_checkpoint
    from mokmin.web.evaluation import checkpoints
    from mokmin.web.evaluation.ledger_store import DjangoLeafStore
    from mokmin.web.evaluation.models import Checkpoint

    honest = Checkpoint.objects.order_by("-size").first()
    index, payload = index_of(ev.REVEAL)
    payload["scores"]["subject-1"]["c1"] = 20
    write(index, payload)
    tree = DjangoLeafStore().tree()
    assert tree.root().hex() != honest.root
    forged = Checkpoint.objects.create(size=tree.size, root=tree.root().hex(), note=sign_checkpoint(
        Body(origin=checkpoints.log_key().name, size=tree.size, root=tree.root()), checkpoints.log_signer()))
    replies = checkpoints.cosign(forged)
    assert [r.ok for r in replies] == [False, False]
    assert {r.reason for r in replies} == {"same_size_different_root"}
    client.force_login(people["km"])
    page = client.get(reverse("evaluation:ledger")).content.decode()
    assert "same_size_different_root" in page and "증인이 연서명을 거부했습니다" in page and "a forked log" in page
    report = exported(tmp_path)
    assert not report.ok and {"fork", "no_quorum", "root_mismatch"} <= codes(report)


def test_an_unreachable_witness_is_recorded_not_swallowed(session, settings):
    from mokmin.web.evaluation import checkpoints

    settings.MOKMIN_CONFIG = dataclasses.replace(settings.MOKMIN_CONFIG, ledger_witnesses=("http://127.0.0.1:9",))
    replies = checkpoints.cosign(checkpoints.sign_latest())
    assert [(r.ok, r.reason) for r in replies] == [(False, "unreachable")]
