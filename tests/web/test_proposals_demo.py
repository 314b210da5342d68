"""The demo proposals in the database: every stage is there, citizens' and staff's, some from learning clubs, two
merged duplicates and rewordings that detection finds; histories follow the stage order; a second load adds
nothing. Expected values come from the generated JSON files."""

from __future__ import annotations

import dataclasses
import itertools
import json

import pytest

from mokmin.demo.context import DemoContext
from mokmin.demo.generate import generate

pytestmark = pytest.mark.django_db(transaction=True)

SEED = 3


@pytest.fixture
def demo(settings, tmp_path):
    from mokmin.web.accounts.demo import load as load_accounts
    from mokmin.web.knowledge import index
    from mokmin.web.knowledge.demo import load as load_knowledge
    from mokmin.web.proposals.demo import load

    index.reset()
    settings.MOKMIN_CONFIG = dataclasses.replace(settings.MOKMIN_CONFIG, home=tmp_path)
    generate(tmp_path, SEED, areas=("mokmin.demo.geography", "mokmin.demo.organisation", "mokmin.demo.knowledge",
                                    "mokmin.demo.proposals"))
    ctx = DemoContext(tmp_path, SEED)
    load_accounts(ctx)
    load_knowledge(ctx)
    summary = load(ctx)
    area = tmp_path / "demo" / "proposals"
    yield {"ctx": ctx, "summary": summary, "load": load,
           "proposals": json.loads((area / "proposals.json").read_text(encoding="utf-8")),
           "debates": json.loads((area / "debates.json").read_text(encoding="utf-8"))}
    index.reset()


def test_demo_load_creates_every_stage(demo, client):
    from mokmin.web.proposals import contact, services
    from mokmin.web.proposals.models import NEXT, Debate, Kind, Proposal, Stage

    assert demo["summary"]["proposals"] == len(demo["proposals"]) == Proposal.objects.count()
    for stage in Stage.values:
        assert Proposal.objects.filter(stage=stage).count() >= 2, stage
    assert {Kind.CITIZEN, Kind.STAFF} == set(Proposal.objects.values_list("kind", flat=True))
    from_clubs = Proposal.objects.exclude(club=None)
    assert from_clubs.count() == 3 and all(p.club.is_member(p.proposer) for p in from_clubs)
    merged = Proposal.objects.filter(stage=Stage.MERGED)
    assert all(p.duplicate_of and p.duplicate_of in p.related.all() for p in merged)

    for proposal in Proposal.objects.prefetch_related("events"):  # every history follows the allowed order
        events = list(proposal.events.all())
        assert events[0].to_stage == Stage.RECEIVED and events[-1].to_stage == proposal.stage
        for before, after in itertools.pairwise(events):
            assert after.to_stage in NEXT[before.to_stage] or after.to_stage == Stage.MERGED
            assert before.at <= after.at
    citizens = Proposal.objects.filter(kind=Kind.CITIZEN)
    record = next(r for r in demo["proposals"] if r["citizen"])
    sealed = citizens.get(tracking_code=record["tracking_code"]).citizen_sealed
    assert record["citizen"]["contact"] not in sealed and contact.unseal(sealed) == record["citizen"]

    waiting = [r for r in demo["proposals"] if r["stage"] == "received" and r["kind"] == "citizen"]
    found = {s.proposal.stage for r in waiting for s in services.similar(r["title"], r["problem"], r["solution"],
                                                                         exclude=Proposal.objects.get(
                                                                             tracking_code=r["tracking_code"]).pk)}
    assert found - {Stage.RECEIVED}  # the rewordings waiting at 접수 find their earlier originals

    assert Debate.objects.count() == 2 and Debate.objects.filter(is_open=False).exclude(summary="").count() == 1
    assert Debate.objects.get(is_open=False).arguments.count() == 3

    code = demo["proposals"][0]["tracking_code"]  # a citizen follows a demo proposal on the public page
    assert demo["proposals"][0]["title"] in client.get("/public/proposals/status", {"code": code}).content.decode()

    again = demo["load"](demo["ctx"])
    assert again == {"proposals": 0, "debates": 0, "skipped": True}
    assert Proposal.objects.count() == len(demo["proposals"])
