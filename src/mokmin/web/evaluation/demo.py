"""Load the demo's two finished evaluation sessions (:func:`mokmin.evaluation.demo_session.demo_session`) into the
ledger, with their session rows, so that ``mokmin ledger export`` right after ``mokmin demo`` has a real log.

The demo's evaluators are outside committee members with server-held, seeded keys (``key_mode`` ``server`` in
the log; no private key is stored here: the entries are already signed). The rows are marked ``is_demo``. The
entries keep their historical times (March and May 2026), and one checkpoint is signed after each session (and
cosigned if witnesses are configured). Idempotent: a session already loaded is skipped.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction

from mokmin.evaluation import events as ev
from mokmin.evaluation.demo_session import demo_session
from mokmin.evaluation.model import SessionSpec
from mokmin.web.evaluation import checkpoints
from mokmin.web.evaluation.ledger_store import DjangoLeafStore
from mokmin.web.evaluation.models import Member, Session, SessionSubject


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _rows(spec: SessionSpec, members: list[dict], shown: dict[str, str], published: str) -> None:
    session = Session.objects.create(
        session_id=spec.session_id, title=spec.title, kind=spec.kind, rule=spec.rule, anonymise=spec.anonymise,
        commit_deadline=_time(spec.commit_deadline), reveal_deadline=_time(spec.reveal_deadline),
        criteria=[c.to_dict() for c in spec.criteria], opened_at=_time(published), published_at=_time(published),
        is_demo=True)
    SessionSubject.objects.bulk_create([SessionSubject(session=session, subject_id=s.id, title=s.title, order=i)
                                        for i, s in enumerate(spec.subjects)])
    Member.objects.bulk_create([
        Member(session=session, evaluator_id=m["evaluator_id"], code=m["code"], public_key=m["public_key"],
               key_mode=m["key_mode"], name=shown.get(m["evaluator_id"], ""), registered_at=_time(published),
               order=i) for i, m in enumerate(members)])


def load(ctx, *, force: bool = False) -> dict:
    entries = demo_session(ctx.seed)
    by_session: dict[str, list] = {}
    for kind, payload, time in entries:
        by_session.setdefault(payload["session"], []).append((kind, payload, time))
    loaded = 0
    for session_id, items in by_session.items():
        if Session.objects.filter(session_id=session_id).exists():
            continue
        _load_session(items)
        loaded += 1
    if loaded and settings.MOKMIN_CONFIG.ledger_witnesses:
        checkpoints.cosign(checkpoints.sign_latest())
    return {"sessions": loaded, "entries": DjangoLeafStore().size(), "skipped": loaded == 0}


@transaction.atomic
def _load_session(items: list) -> None:
    payloads = {kind: payload for kind, payload, _time in items}
    spec = SessionSpec.from_dict(payloads[ev.SESSION_CREATED]["spec"])
    published = payloads[ev.RESULT_PUBLISHED]
    _rows(spec, payloads[ev.COMMITTEE_SET]["members"], published["evaluators"] if not spec.anonymise else {},
          items[-1][2])
    DjangoLeafStore().append_timed(items)
    checkpoints.sign_latest()
