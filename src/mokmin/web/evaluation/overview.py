"""What the pages show, read from the ledger: a session's phase and each member's next step, the public result
with its proofs, and the log's checkpoints with the witnesses' answers. Reads only; the verbs are in
:mod:`.services`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from mokmin.evaluation import events as ev
from mokmin.evaluation.replay import SessionState
from mokmin.web.evaluation import checkpoints
from mokmin.web.evaluation.ledger_store import DjangoLeafStore
from mokmin.web.evaluation.models import Checkpoint, Member, Session
from mokmin.web.evaluation.services import state_of


def phase(session: Session, state: SessionState) -> str:
    """draft -> commit -> reveal -> published (reveal: every commitment is in, or the commit deadline passed)."""
    if session.opened_at is None or state.spec is None:
        return "draft"
    if state.published is not None:
        return "published"
    all_in = bool(state.members) and set(state.members) <= set(state.commitments)
    return "reveal" if all_in or timezone.now() >= session.commit_deadline else "commit"


def step(member: Member | None, state: SessionState, current: str) -> str:
    """The member's next step: key, wait_open, coi, commit, missed, wait_reveal, reveal, sign, done."""
    if member is None:
        return ""
    e = member.evaluator_id
    if current == "draft":
        return "key" if not member.public_key else "wait_open"
    if current == "published":
        return "done"
    if e not in state.conflicts:
        return "coi"
    if e not in state.commitments:
        return "commit" if current == "commit" else "missed"
    if current == "commit":
        return "wait_reveal"
    if e not in state.reveals:
        return "reveal"
    return "sign" if e not in state.signed else "done"


@dataclass
class MemberRow:
    member: Member
    declared: bool
    committed: bool
    revealed: bool
    signed: bool


def session_page(session: Session, user) -> dict[str, Any]:
    state = state_of(session)
    current = phase(session, state)
    me = session.members.filter(user=user).first() if user.is_authenticated else None
    members = [MemberRow(m, m.evaluator_id in state.conflicts, m.evaluator_id in state.commitments,
                         m.evaluator_id in state.reveals, m.evaluator_id in state.signed)
               for m in session.members.select_related("user")]
    mine = me.evaluator_id if me else ""
    return {"session": session, "state": state, "phase": current, "me": me, "step": step(me, state, current),
            "members": members, "subjects": session.subjects.select_related("proposal"),
            "my_conflicts": state.conflicts.get(mine, ()), "rejected": state.rejected,
            "entries": DjangoLeafStore().session_entries(session.session_id),
            "can_manage": user.has_perm("evaluation.manage")}


def public_result(session: Session) -> dict[str, Any]:
    """Per-subject scores by evaluator, totals, ranking, and the inclusion proof of every counted entry."""
    state = state_of(session)
    bundle = checkpoints.public_bundle()
    published = state.published or {}
    shown = published.get("evaluators", {})
    ranking = published.get("ranking", {"subjects": []})
    entries = {e["index"]: e for e in bundle["entries"] if e["payload"].get("session") == session.session_id}
    proofs = [dict(p, short=ev.short_kind(p["kind"]), who=shown.get(p["evaluator"], ""),
                   entry=json.dumps(entries[p["index"]], ensure_ascii=False, sort_keys=True))
              for p in bundle["proofs"] if p["session"] == session.session_id]
    evaluators = [(e, shown.get(e, e)) for e in state.counted()]
    rows = [{**line, "cells": [(line["totals"].get(e), e in line["dropped"]) for e, _name in evaluators]}
            for line in ranking["subjects"]]
    criteria = [(c.id, c.title, c.max_score, c.weight) for c in state.spec.criteria] if state.spec else []
    sheets = [{"name": name, "scores": [(s.title, [state.reveals[e].get(s.id, {}).get(c[0]) for c in criteria])
                                        for s in state.spec.subjects]} for e, name in evaluators]
    return {"session": session, "state": state, "rows": rows, "evaluators": evaluators, "criteria": criteria,
            "sheets": sheets, "proofs": proofs, "checkpoint": bundle["checkpoints"][-1],
            "log_key": bundle["log_key"], "witness_keys": bundle["witness_keys"], "rule": ranking.get("rule")}


def ledger_page() -> dict[str, Any]:
    rows = Checkpoint.objects.prefetch_related("replies").order_by("-size", "-id")[:50]
    return {"checkpoints": rows, "size": DjangoLeafStore().size(), "log_key": checkpoints.log_key().to_string(),
            "witnesses": checkpoints.witness_keys(), "quorum": checkpoints.quorum(),
            "refusals": [r for c in rows for r in c.replies.all() if not r.ok]}
