"""Evaluation sessions through the services and the pages: a whole session with browser-held keys (played here
by keys the test holds, signing exactly what the page's script signs), a server-held key opened by the password,
a reveal that does not match its commitment (logged, rejected, shown), the rules the server refuses, the
permissions, the public result with its proofs, and the export that ``mokmin ledger verify`` accepts.

Expected totals are hand-calculated in the test that checks them.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from mokmin.errors import AppendOnlyError, ConflictError, InputError
from mokmin.evaluation import events as ev
from mokmin.ledger.bundle import verify_bundle
from mokmin.ledger.commitment import canonical_json, commit, raw_public_key, sha256_hex
from mokmin.roles import Role
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db


class Browser:
    """What evaluation.js does in the evaluator's browser, with a key the server never sees."""

    def __init__(self, user, session) -> None:
        from mokmin.web.evaluation import services

        self.user, self.session, self.services = user, session, services
        self.key = Ed25519PrivateKey.generate()
        self.member = None

    def sign(self, kind: str, payload: dict) -> str:
        return self.key.sign(ev.signing_bytes(kind, payload)).hex()

    def register(self) -> None:
        self.member = self.services.register_key(self.user, self.session, public_key=raw_public_key(self.key).hex())

    @property
    def evaluator(self) -> str:
        return self.member.evaluator_id

    def declare(self, conflicts=(), statement="이해관계 없음") -> None:
        payload = ev.coi_declared_payload(self.session.session_id, self.evaluator, conflicts, statement)
        self.services.declare_conflicts(self.user, self.session, list(conflicts), statement,
                                        self.services.Signature(self.sign(ev.COI_DECLARED, payload)))

    def commit(self, scores: dict) -> None:
        self.commitment, self.reveal_data = commit(self.session.session_id, self.evaluator, scores)
        payload = ev.commit_payload(self.session.session_id, self.evaluator, self.commitment)
        self.services.commit(self.user, self.session, self.commitment,
                             self.services.Signature(self.sign(ev.COMMIT, payload)))

    def reveal(self, scores: dict | None = None):
        scores = self.reveal_data.scores if scores is None else scores
        payload = {"evaluator": self.evaluator, "nonce": self.reveal_data.nonce, "scores": scores,
                   "session": self.session.session_id}
        return self.services.reveal(self.user, self.session, scores, self.reveal_data.nonce,
                                    self.services.Signature(self.sign(ev.REVEAL, payload)))

    def sign_sheet(self) -> None:
        payload = ev.sheet_signed_payload(self.session.session_id, self.evaluator, self.reveal_data.scores)
        self.services.sign_sheet(self.user, self.session, self.services.Signature(self.sign(ev.SHEET_SIGNED,
                                                                                           payload)))


@pytest.fixture
def people(make_user):
    return {"km": make_user("km1", Role.STAFF, Role.KNOWLEDGE_MANAGER, department="3990110"),
            "a": make_user("eva", Role.STAFF), "b": make_user("evb", Role.STAFF), "c": make_user("evc", Role.STAFF),
            "outsider": make_user("out1", Role.STAFF)}


def make_session(people, members=("a", "b"), **overrides):
    from mokmin.web.evaluation.services import CriterionInput, SessionInput, create_session

    now = timezone.now()
    data = dict(title="2026 홍보 영상 제안서 평가", kind="procurement", rule="mean", anonymise=True,
                commit_deadline=now + dt.timedelta(hours=2), reveal_deadline=now + dt.timedelta(hours=4),
                criteria=[CriterionInput("이해도", 1, 20), CriterionInput("수행 방안", 2, 40)],
                members=[people[m] for m in members], subjects=["제안사 가", "제안사 나"])
    data.update(overrides)
    return create_session(people["km"], SessionInput(**data))


SHEET_A = {"subject-1": {"c1": 18, "c2": 35}, "subject-2": {"c1": 15, "c2": 30.5}}
SHEET_B = {"subject-1": {"c1": 16, "c2": 36}, "subject-2": {"c1": 17.5, "c2": 28}}


def opened(people, session, *, committed: bool = False) -> tuple[Browser, Browser]:
    """Both members registered and the session opened; with ``committed``, both declared and committed too."""
    from mokmin.web.evaluation import services

    a, b = Browser(people["a"], session), Browser(people["b"], session)
    a.register()
    b.register()
    services.open_session(people["km"], session)
    for who, sheet in ((a, SHEET_A), (b, SHEET_B)) if committed else ():
        who.declare()
        who.commit(sheet)
    return a, b


def run_session(people, session):
    from mokmin.web.evaluation import services

    a, b = opened(people, session, committed=True)
    for who in (a, b):
        assert who.reveal() == []
        who.sign_sheet()
    return a, b, services.publish(people["km"], session)


def test_a_whole_session_is_logged_replayed_and_ranked(people):
    """Totals by hand (weights 1 and 2): A: 가 18 + 70 = 88, 나 15 + 61 = 76; B: 가 16 + 72 = 88, 나 17.5 + 56
    = 73.5. Means: 가 88, 나 74.75."""
    session = make_session(people)
    a, b, state = run_session(people, session)
    assert state.ok and state.published is not None
    lines = {line["subject"]: line for line in state.published["ranking"]["subjects"]}
    assert lines["subject-1"]["score"] == 88 and lines["subject-1"]["rank"] == 1
    assert lines["subject-2"]["score"] == 74.75 and lines["subject-2"]["rank"] == 2
    assert lines["subject-2"]["totals"] == {a.evaluator: 76, b.evaluator: 73.5}
    assert state.published["evaluators"] == {a.evaluator: "평가위원 A", b.evaluator: "평가위원 B"}
    session.refresh_from_db()
    assert session.published_at is not None


def test_the_server_sees_no_score_before_the_reveal(people):
    from mokmin.web.evaluation.models import LedgerLeaf

    session = make_session(people)
    a, _b = opened(people, session)
    a.declare()
    a.commit(SHEET_A)
    stored = "".join(LedgerLeaf.objects.values_list("payload", flat=True))
    assert "30.5" not in stored and '"scores"' not in stored
    assert a.commitment in stored


def test_opening_waits_for_every_key_and_fixes_the_keys(people):
    from mokmin.web.evaluation import services

    session = make_session(people)
    Browser(people["a"], session).register()
    with pytest.raises(ConflictError) as refused:
        services.open_session(people["km"], session)
    assert refused.value.details["members"] == ["평가위원 B"]
    Browser(people["b"], session).register()
    services.open_session(people["km"], session)
    with pytest.raises(ConflictError):
        Browser(people["a"], session).register()


def test_a_reveal_that_does_not_match_is_logged_rejected_and_shown(people, client):
    from mokmin.web.evaluation import services

    session = make_session(people)
    a, _b = opened(people, session, committed=True)
    changed = json.loads(json.dumps(SHEET_A))
    changed["subject-2"]["c2"] = 40
    rejected = a.reveal(changed)
    assert [r.reason for r in rejected] == ["mismatch"]
    assert services.state_of(session).reveals == {}
    with pytest.raises(ConflictError):
        a.sign_sheet()  # nothing accepted to sign
    assert a.reveal() == rejected  # the honest reveal is accepted; the rejected one stays shown
    client.force_login(people["km"])
    page = client.get(reverse("evaluation:session", args=[session.session_id])).content.decode()
    assert "약정과 맞지 않아 거부되었습니다" in page


def test_the_server_refuses_what_the_rules_forbid(people):
    from mokmin.web.evaluation import services

    session = make_session(people)
    a, _b = opened(people, session)
    with pytest.raises(ConflictError) as before_coi:
        a.commit(SHEET_A)
    assert before_coi.value.details["reason"] == "commit_before_coi"
    a.declare(conflicts=["subject-2"], statement="제안사 나에 근무")
    with pytest.raises(ConflictError):
        a.declare()
    a.commit({"subject-1": SHEET_A["subject-1"]})
    with pytest.raises(ConflictError) as early:
        a.reveal()
    assert early.value.details["reason"] == "early_reveal"
    with pytest.raises(InputError) as forged:
        services.declare_conflicts(people["b"], session, [], "이해관계 없음", services.Signature("00" * 64))
    assert forged.value.details["reason"] == "bad_signature"
    with pytest.raises(ConflictError):
        services.publish(people["km"], session)  # no final sheet yet


def test_only_members_evaluate_and_only_administrators_run_sessions(people):
    from mokmin.web.evaluation import services

    with pytest.raises(PermissionDenied):
        make_session({**people, "km": people["a"]})
    session = make_session(people)
    with pytest.raises(PermissionDenied):
        Browser(people["outsider"], session).register()
    with pytest.raises(PermissionDenied):
        services.open_session(people["a"], session)


def test_a_server_held_key_signs_with_the_password(people):
    from mokmin.web.evaluation import services

    session = make_session(people, members=("a",))
    with pytest.raises(InputError):
        services.register_key(people["a"], session, password="wrong-password-1")
    member = services.register_key(people["a"], session, password=PASSWORD)
    assert member.key_mode == "server" and member.sealed_key and PASSWORD not in member.sealed_key
    services.open_session(people["km"], session)
    services.declare_conflicts(people["a"], session, [], "이해관계 없음", services.Signature(password=PASSWORD))
    commitment, reveal = commit(session.session_id, member.evaluator_id, SHEET_A)
    with pytest.raises(InputError) as wrong:
        services.commit(people["a"], session, commitment, services.Signature(password="not-it-123"))
    assert wrong.value.details["reason"] == "wrong_password"
    services.commit(people["a"], session, commitment, services.Signature(password=PASSWORD))
    assert services.reveal(people["a"], session, SHEET_A, reveal.nonce, services.Signature(password=PASSWORD)) == []
    services.sign_sheet(people["a"], session, services.Signature(password=PASSWORD))
    state = services.publish(people["km"], session)
    assert state.ok and state.members[member.evaluator_id].key_mode == "server"


def test_the_ledger_is_append_only_in_the_orm(people):
    from mokmin.web.evaluation.models import Checkpoint, LedgerLeaf

    run_session(people, make_session(people))
    leaf = LedgerLeaf.objects.first()
    leaf.payload = "{}"
    with pytest.raises(AppendOnlyError):
        leaf.save()
    with pytest.raises(AppendOnlyError):
        leaf.delete()
    with pytest.raises(AppendOnlyError):
        LedgerLeaf.objects.filter(index=0).update(kind="x")
    with pytest.raises(AppendOnlyError):
        LedgerLeaf.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        Checkpoint.objects.all().delete()


def test_every_write_is_checkpointed_and_the_store_verifies(people):
    from mokmin.ledger.store import LeafStore
    from mokmin.web.evaluation.checkpoints import log_key
    from mokmin.web.evaluation.ledger_store import DjangoLeafStore
    from mokmin.web.evaluation.models import Checkpoint

    run_session(people, make_session(people))
    store = DjangoLeafStore()
    assert isinstance(store, LeafStore)
    size = store.size()
    assert size == 2 + 2 * 4 + 1
    last = Checkpoint.objects.order_by("-size").first()
    assert last.size == size and store.verify(size, bytes.fromhex(last.root)) == size
    assert Checkpoint.objects.count() == 1 + 2 * 4 + 1  # open, each evaluator event, publish
    assert log_key().name == "mokmin.local/evaluation"


def test_export_then_verify_passes_and_the_public_page_shows_the_proofs(people, client, tmp_path):
    from mokmin.ledger.bundle import read_bundle
    from mokmin.web.commands import ledger_export

    session = make_session(people)
    run_session(people, session)
    summary = ledger_export(tmp_path / "b.json")
    bundle = read_bundle(tmp_path / "b.json")
    report = verify_bundle(bundle)
    assert report.ok, [p.as_dict() for p in report.problems]
    assert summary["entries"] == 11 and summary["proofs"] == 2 * 3 + 1
    page = client.get(reverse("evaluation_public:result", args=[session.session_id]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "평가위원 A" in text and "88" in text and "74.75" in text
    assert bundle["checkpoints"][-1].splitlines()[0] in text
    for proof in bundle["proofs"]:
        assert all(h in text for h in proof["hashes"])
    downloaded = json.loads(client.get(reverse("evaluation_public:bundle")).content)
    assert verify_bundle(downloaded).ok
    assert client.get(reverse("evaluation_public:published")).status_code == 200


def test_an_unpublished_session_has_no_public_page(people, client):
    session = make_session(people)
    assert client.get(reverse("evaluation_public:result", args=[session.session_id])).status_code == 404


def test_pages_for_administrator_and_member(people, client):
    session = make_session(people)
    client.force_login(people["km"])
    assert client.get(reverse("evaluation:list")).status_code == 200
    assert client.get(reverse("evaluation:new")).status_code == 200
    assert client.get(reverse("evaluation:ledger")).status_code == 200
    page = client.get(reverse("evaluation:session", args=[session.session_id])).content.decode()
    assert "회차 개시" in page
    client.force_login(people["a"])
    page = client.get(reverse("evaluation:session", args=[session.session_id])).content.decode()
    assert 'id="key-form"' in page and "회차 개시" not in page
    assert client.get(reverse("evaluation:new")).status_code == 403
    client.force_login(people["outsider"])
    assert client.get(reverse("evaluation:session", args=[session.session_id])).status_code == 403


def test_the_creation_form_and_the_actions_through_http(people, client):
    from mokmin.web.evaluation.models import Session

    client.force_login(people["km"])
    local = timezone.localtime() + dt.timedelta(days=1)
    response = client.post(reverse("evaluation:new"), {
        "title": "공모전 심사", "kind": "contest", "rule": "trimmed", "anonymise": "on",
        "commit_deadline": local.strftime("%Y-%m-%dT%H:%M"),
        "reveal_deadline": (local + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "subjects": "응모작 1\n응모작 2\n", "criteria": "창의성 | 0.5 | 100\n효과 | 0.5 | 100",
        "members": [people["a"].pk, people["b"].pk]})
    session = Session.objects.get(title="공모전 심사")
    assert response.status_code == 302 and session.subjects.count() == 2 and session.members.count() == 2
    refused = client.post(reverse("evaluation:act", args=[session.session_id, "open"]))
    assert refused.status_code == 409 and "서명 키를 등록하지 않은 평가위원" in refused.content.decode()
    client.force_login(people["a"])
    bad = client.post(reverse("evaluation:act", args=[session.session_id, "key"]), {"public_key": "zz"})
    assert bad.status_code == 400
    key = Ed25519PrivateKey.generate()
    ok = client.post(reverse("evaluation:act", args=[session.session_id, "key"]),
                     {"public_key": raw_public_key(key).hex()})
    assert ok.status_code == 302 and session.members.get(user=people["a"]).key_mode == "browser"
    form = client.post(reverse("evaluation:new"), {"title": "x", "kind": "contest", "rule": "mean",
                                                   "criteria": "잘못된 줄"})
    assert form.status_code == 403


def test_a_proposal_session_links_its_subjects_to_proposals(people, make_user):
    from mokmin.web.proposals.models import Kind, Proposal, Stage

    proposal = Proposal.objects.create(kind=Kind.STAFF, title="골목 보안등", problem="어둡다", solution="등을 단다",
                                       tracking_code="ABCD-2345", stage=Stage.EVALUATION)
    Proposal.objects.create(kind=Kind.STAFF, title="검토 중", problem="p", solution="s", tracking_code="ABCD-2346")
    session = make_session(people, kind="proposal", subjects=[], proposal_ids=[proposal.pk])
    subject = session.subjects.get()
    assert subject.proposal == proposal and subject.subject_id == f"proposal-{proposal.pk}"
    with pytest.raises(InputError):
        make_session(people, kind="proposal", subjects=[],
                     proposal_ids=[Proposal.objects.get(tracking_code="ABCD-2346").pk])


def test_the_browser_commitment_bytes_match_the_core():
    """The page's canonical JSON of a sheet with integers and halves equals the core's (the JS sorts keys with
    Array.sort and writes numbers with JSON.stringify: 18, 30.5)."""
    sheet = {"subject-2": {"c2": 30.5, "c1": 15}, "subject-1": {"c1": 18, "c2": 35.0}}
    expected = '{"subject-1":{"c1":18,"c2":35},"subject-2":{"c1":15,"c2":30.5}}'
    assert canonical_json(sheet).decode() == expected
    assert sha256_hex(canonical_json({"evaluator": "e", "nonce": "0" * 64, "scores": sheet, "session": "s"})) == \
        commit("s", "e", sheet, nonce="0" * 64)[0]


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_never_share_an_index():
    """Four threads, each with its own database connection, append ten entries each at once. Runs on PostgreSQL
    (row lock on the head); the suite's SQLite test database is in memory with a shared cache, whose table locks
    fail at once instead of waiting (a file database, as served, waits under BEGIN IMMEDIATE)."""
    import threading

    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("in-memory shared-cache SQLite does not wait for locks; the PostgreSQL pass runs this")

    from mokmin.web.evaluation.ledger_store import DjangoLeafStore

    errors: list[Exception] = []

    def work(n: int) -> None:
        try:
            for i in range(10):
                DjangoLeafStore().append("test.concurrent", {"thread": n, "i": i})
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert DjangoLeafStore().verify() == 40
