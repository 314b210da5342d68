"""The demo's two finished evaluation sessions in the ledger: loaded through the demo loader, then
``mokmin ledger export`` and ``mokmin ledger verify`` through the command line pass; a second load adds nothing;
the public pages show both results. Expected rankings come from :func:`mokmin.evaluation.demo_session` replayed
by the core."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from django.urls import reverse

from mokmin.demo.context import DemoContext
from mokmin.evaluation.demo_session import demo_session
from mokmin.evaluation.replay import replay_all

pytestmark = pytest.mark.django_db

SEED = 1


@pytest.fixture
def loaded(tmp_path):
    from mokmin.web.evaluation.demo import load

    return load(DemoContext(tmp_path, SEED))


def test_the_demo_sessions_are_loaded_once_and_marked(loaded, tmp_path):
    from mokmin.web.evaluation.demo import load
    from mokmin.web.evaluation.models import Checkpoint, Session

    entries = demo_session(SEED)
    assert loaded == {"sessions": 2, "entries": len(entries), "skipped": False}
    assert set(Session.objects.values_list("session_id", flat=True)) == {"demo-2026-procurement-01",
                                                                         "demo-2026-contest-01"}
    assert all(Session.objects.values_list("is_demo", flat=True))
    assert Checkpoint.objects.count() == 2 and Checkpoint.objects.last().size == len(entries)
    assert load(DemoContext(tmp_path, SEED)) == {"sessions": 0, "entries": len(entries), "skipped": True}


def test_export_and_verify_through_the_command_line(loaded, tmp_path):
    from mokmin.cli import main

    runner = CliRunner()
    path = tmp_path / "x.json"
    exported = runner.invoke(main, ["ledger", "export", str(path)])
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.output.splitlines()[-1])["entries"] == len(demo_session(SEED))
    verified = runner.invoke(main, ["ledger", "verify", str(path)])
    assert verified.exit_code == 0, verified.output
    summary = json.loads(verified.output.splitlines()[-1])
    assert summary["ok"] and set(summary["sessions"]) == {"demo-2026-procurement-01", "demo-2026-contest-01"}
    data = json.loads(path.read_text(encoding="utf-8"))
    data["entries"][5]["payload"]["statement"] = "이해관계 있음"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tampered = runner.invoke(main, ["ledger", "verify", str(path)])
    assert tampered.exit_code == 1 and "root" in tampered.output


def test_the_public_pages_show_the_demo_results(loaded, client):
    entries = [{"index": i, "time": t, "kind": k, "payload": p} for i, (k, p, t) in enumerate(demo_session(SEED))]
    states, _ = replay_all(entries)
    listing = client.get(reverse("evaluation_public:published")).content.decode()
    for session_id, state in states.items():
        assert state.spec.title in listing
        page = client.get(reverse("evaluation_public:result", args=[session_id])).content.decode()
        first = next(line for line in state.published["ranking"]["subjects"] if line["rank"] == 1)
        assert first["title"] in page
    procurement = client.get(reverse("evaluation_public:result", args=["demo-2026-procurement-01"])).content.decode()
    assert "평가위원 A" in procurement and "<s>" in procurement  # anonymised codes; trimmed totals struck through
    contest = client.get(reverse("evaluation_public:result", args=["demo-2026-contest-01"])).content.decode()
    assert "김민지" in contest  # a named jury
