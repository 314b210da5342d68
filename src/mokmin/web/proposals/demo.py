"""Load the generated demo proposals and debates (:mod:`mokmin.demo.proposals`) into the database; safe to run again.

Rows are written directly with their historical moments, as the knowledge loader does (the services stamp "now"
and check the order live; the generator already followed it). Citizens' names and contacts are sealed exactly as
the public page seals them, and each proposal's Kiwi terms are computed so similar-proposal detection works at
once. Moments move by :func:`mokmin.demo.knowledge.date_shift`, so the history ends just before today.

Idempotent: proposals are skipped when their tracking codes exist, debates when their titles do.
"""

from __future__ import annotations

import datetime as dt
import json

from django.db import transaction
from django.utils import timezone

from mokmin.demo.knowledge import date_shift
from mokmin.demo.proposals import NAME
from mokmin.errors import ConfigError
from mokmin.privacy import mask_name
from mokmin.web.accounts.models import Department, User
from mokmin.web.clubs.models import Club
from mokmin.web.proposals import contact, services
from mokmin.web.proposals.models import Argument, Comment, Debate, Proposal, StageEvent


def _load(path):
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def load(ctx, *, force: bool = False) -> dict:
    area = ctx.demo_dir / NAME
    proposals, debates = _load(area / "proposals.json"), _load(area / "debates.json")
    if not proposals:
        return {"proposals": 0, "debates": 0}
    shift = dt.timedelta(days=date_shift(timezone.localdate()))

    def at(value: str | None):
        return dt.datetime.fromisoformat(value) + shift if value else None

    names = {p["proposer"] for p in proposals} | {e["actor"] for p in proposals for e in p["events"]}
    names |= {d["moderator"] for d in debates} | {a["author"] for d in debates for a in d["arguments"]}
    names |= {c["author"] for d in debates for c in d["comments"]}
    users = {u.username: u for u in User.objects.filter(username__in=names - {None})}
    missing = sorted(names - {None} - set(users))
    if missing:
        raise ConfigError("demo", ", ".join(missing[:5]), "데모 제안의 사람이 없습니다: 조직 데모를 먼저 불러오세요 / "
                                                          "demo proposals refer to unknown users: load the organisation "
                                                          "demo first")
    depts = {d.code: d for d in Department.objects.all()}
    clubs = {c.name: c for c in Club.objects.all()}
    loaded = _proposals(proposals, users, depts, clubs, at)
    opened = _debates(debates, users, at)
    return {"proposals": loaded, "debates": opened, "skipped": loaded == 0 and opened == 0}


@transaction.atomic
def _proposals(records, users, depts, clubs, at) -> int:
    existing = set(Proposal.objects.filter(tracking_code__in=[r["tracking_code"] for r in records])
                   .values_list("tracking_code", flat=True))
    todo = [r for r in records if r["tracking_code"] not in existing]
    if not todo:
        return 0
    rows = {}
    for r in todo:
        citizen = r["citizen"]
        proposal = Proposal.objects.create(
            kind=r["kind"], title=r["title"], problem=r["problem"], solution=r["solution"], effect=r["effect"],
            dong=r["dong"], proposer=users.get(r["proposer"]), tracking_code=r["tracking_code"],
            citizen_name_masked=mask_name(citizen["name"]) if citizen else "",
            citizen_sealed=contact.seal(citizen["name"], citizen["contact"]) if citizen else "",
            club=clubs.get(r["club"] or ""), stage=r["stage"], department=depts.get(r["department"] or ""),
            evaluation_session=r["evaluation_session"], decision_reason=r["decision_reason"],
            terms=services.terms_of(r["title"], r["problem"], r["solution"], r["effect"]),
            terms_version=services.analyzer_version())
        rows[r["tracking_code"]] = proposal
        events = StageEvent.objects.bulk_create([StageEvent(
            proposal=proposal, from_stage=e["from"], to_stage=e["to"], actor=users.get(e["actor"]),
            department=depts.get(e["department"] or ""), note=e["note"]) for e in r["events"]])
        for event, e in zip(events, r["events"], strict=True):
            event.at = at(e["at"])
        StageEvent.objects.bulk_update(events, ["at"])
        last = at(r["events"][-1]["at"])
        Proposal.objects.filter(pk=proposal.pk).update(created_at=at(r["created_at"]), updated_at=last)
    for r in todo:
        proposal = rows[r["tracking_code"]]
        if r["duplicate_of"]:
            Proposal.objects.filter(pk=proposal.pk).update(
                duplicate_of=Proposal.objects.get(tracking_code=r["duplicate_of"]))
        proposal.related.add(*Proposal.objects.filter(tracking_code__in=r["related"]))
    return len(todo)


@transaction.atomic
def _debates(records, users, at) -> int:
    existing = set(Debate.objects.filter(title__in=[d["title"] for d in records]).values_list("title", flat=True))
    todo = [d for d in records if d["title"] not in existing]
    for d in todo:
        debate = Debate.objects.create(title=d["title"], background=d["background"], moderator=users[d["moderator"]],
                                       proposal=Proposal.objects.filter(tracking_code=d["proposal"]).first(),
                                       is_public=d["is_public"], is_open=d["is_open"], summary=d["summary"],
                                       closed_at=at(d["closed_at"]))
        Debate.objects.filter(pk=debate.pk).update(created_at=at(d["created_at"]))
        for a in d["arguments"]:
            row = Argument.objects.create(debate=debate, side=a["side"], author=users[a["author"]], body=a["body"])
            Argument.objects.filter(pk=row.pk).update(created_at=at(a["at"]))
        for c in d["comments"]:
            row = Comment.objects.create(debate=debate, author=users[c["author"]], body=c["body"])
            Comment.objects.filter(pk=row.pk).update(created_at=at(c["at"]))
    return len(todo)
