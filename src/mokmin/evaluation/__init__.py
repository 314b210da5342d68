"""Evaluation sessions whose scores nobody can change unseen (issue 7): the pure core, no Django.

* :mod:`~mokmin.evaluation.model` — the session spec (subjects, criteria, rule, timetable) and committee members;
* :mod:`~mokmin.evaluation.scores` — score sheets, their rules, and each evaluator's weighted total;
* :mod:`~mokmin.evaluation.ranking` — aggregation by the mean or the trimmed mean, and the ranking;
* :mod:`~mokmin.evaluation.events` — the ledger events, their payloads, and the exact bytes evaluators sign;
* :mod:`~mokmin.evaluation.replay` — replaying a session from its entries, checking every rule;
* :mod:`~mokmin.evaluation.findings` — a failed check, in Korean and English;
* :mod:`~mokmin.evaluation.demo_session` — whole sessions with server-held keys (the demo's two sessions).

The bundle that carries a session's log to an auditor, and its verifier, are in :mod:`mokmin.ledger.bundle`.
"""

from mokmin.evaluation.events import KINDS, signing_bytes
from mokmin.evaluation.findings import Finding
from mokmin.evaluation.model import Criterion, Member, SessionSpec, Subject
from mokmin.evaluation.ranking import RankedSubject, Ranking, rank
from mokmin.evaluation.replay import RejectedReveal, SessionState, replay, replay_all
from mokmin.evaluation.scores import ScoreTable

__all__ = [
    "KINDS",
    "Criterion",
    "Finding",
    "Member",
    "RankedSubject",
    "Ranking",
    "RejectedReveal",
    "ScoreTable",
    "SessionSpec",
    "SessionState",
    "Subject",
    "rank",
    "replay",
    "replay_all",
    "signing_bytes",
]
