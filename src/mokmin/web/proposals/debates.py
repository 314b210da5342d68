"""Atomic verbs of policy debates: open, argue for or against, comment, close with a summary, reopen.

Staff take part; the moderator (the one who opened it, or a system administrator) closes the debate and writes
the closing summary, which stays on the debate page and on the public page when the debate is public.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from mokmin.errors import ConflictError, ErrorLocation, InputError
from mokmin.web.proposals.models import Argument, Comment, Debate, Proposal, Side


@dataclass(frozen=True)
class DebateInput:
    title: str
    background: str
    proposal_id: int | None = None
    is_public: bool = False


def _body(value: str, field: str, ko: str, en: str, limit: int = 5000) -> str:
    value = value.strip()
    if not value:
        raise InputError(ko, en, location=ErrorLocation(field=field))
    return value[:limit]


def _require_open(debate: Debate) -> None:
    if not debate.is_open:
        raise ConflictError("마감된 토론입니다", "the debate is closed", location=ErrorLocation(value=debate.title))


@transaction.atomic
def open_debate(user, data: DebateInput) -> Debate:
    if not user.has_perm("proposals.open_debate"):
        raise PermissionDenied
    title = _body(data.title, "title", "토론 주제를 적어 주세요", "a topic is required", 200)
    background = _body(data.background, "background", "토론 배경을 적어 주세요", "describe the background")
    proposal = Proposal.objects.filter(pk=data.proposal_id).first() if data.proposal_id else None
    return Debate.objects.create(title=title, background=background, moderator=user, proposal=proposal,
                                 is_public=data.is_public)


@transaction.atomic
def argue(user, debate: Debate, side: str, body: str) -> Argument:
    if not user.has_perm("proposals.debate"):
        raise PermissionDenied
    _require_open(debate)
    if side not in Side.values:
        raise InputError("찬성 또는 반대를 골라 주세요", "choose for or against", location=ErrorLocation(field="side"))
    return Argument.objects.create(debate=debate, side=side, author=user,
                                   body=_body(body, "body", "의견을 적어 주세요", "the argument is empty"))


@transaction.atomic
def comment(user, debate: Debate, body: str, argument_id: int | None = None) -> Comment:
    if not user.has_perm("proposals.debate"):
        raise PermissionDenied
    _require_open(debate)
    argument = None
    if argument_id is not None:
        argument = debate.arguments.filter(pk=argument_id).first()
        if argument is None:
            raise InputError("이 토론의 의견이 아닙니다", "no such argument in this debate",
                             location=ErrorLocation(field="argument", value=argument_id))
    return Comment.objects.create(debate=debate, argument=argument, author=user,
                                  body=_body(body, "body", "댓글 내용을 적어 주세요", "the comment is empty", 2000))


@transaction.atomic
def close(user, debate: Debate, summary: str) -> Debate:
    """Close the debate with the moderator's summary of where it came out."""
    if not user.has_perm("proposals.moderate_debate", debate):
        raise PermissionDenied
    _require_open(debate)
    debate.summary = _body(summary, "summary", "토론 결과 요약을 적어 주세요", "a closing summary is required")
    debate.is_open, debate.closed_at = False, timezone.now()
    debate.save(update_fields=["summary", "is_open", "closed_at"])
    return debate


@transaction.atomic
def reopen(user, debate: Debate) -> Debate:
    if not user.has_perm("proposals.moderate_debate", debate):
        raise PermissionDenied
    debate.is_open, debate.closed_at = True, None
    debate.save(update_fields=["is_open", "closed_at"])
    return debate
