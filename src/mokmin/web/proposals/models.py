"""Proposals (구민창안, 공무원제안) with their stage history, attachments and links; policy debates.

A proposal moves 접수 -> 검토 -> 심사 -> 채택 | 불채택, and an adopted one -> 실시 -> 시상 (:data:`NEXT`). Every
move is a :class:`StageEvent` row (who, when, note) that the proposer sees: staff on the proposal page, citizens
on the public status page with their tracking code. A duplicate is *merged*: it points at the original and leaves
the stages (stage ``merged``).

A citizen's name and contact are personal data: both are sealed together (Fernet, key outside the database,
:mod:`mokmin.web.proposals.contact`) and only a masked name is kept in clear; unsealing is written to the access
log. ``terms`` caches the Kiwi terms similar-proposal detection compares (:mod:`mokmin.text.similar`), with the
analyser version that made them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Kind(models.TextChoices):
    CITIZEN = "citizen", _("구민창안")
    STAFF = "staff", _("공무원제안")


class Stage(models.TextChoices):
    RECEIVED = "received", _("접수")
    REVIEW = "review", _("검토")
    EVALUATION = "evaluation", _("심사")
    ADOPTED = "adopted", _("채택")
    REJECTED = "rejected", _("불채택")
    IMPLEMENTED = "implemented", _("실시")
    AWARDED = "awarded", _("시상")
    MERGED = "merged", _("병합")


NEXT: dict[str, frozenset[str]] = {
    Stage.RECEIVED: frozenset({Stage.REVIEW}),
    Stage.REVIEW: frozenset({Stage.EVALUATION}),
    Stage.EVALUATION: frozenset({Stage.ADOPTED, Stage.REJECTED}),
    Stage.ADOPTED: frozenset({Stage.IMPLEMENTED}),
    Stage.IMPLEMENTED: frozenset({Stage.AWARDED}),
    Stage.REJECTED: frozenset(),
    Stage.AWARDED: frozenset(),
    Stage.MERGED: frozenset(),
}
"""The stages a proposal may move to from each stage (the order of the civil-service proposal rules)."""

PUBLIC_STAGES = (Stage.ADOPTED, Stage.IMPLEMENTED, Stage.AWARDED)
"""Stages whose proposals the public list of adopted proposals shows."""


class Proposal(models.Model):
    kind = models.CharField(_("구분"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("제목"), max_length=200)
    problem = models.TextField(_("현황 및 문제점"))
    solution = models.TextField(_("개선방안"))
    effect = models.TextField(_("기대효과"), blank=True)
    dong = models.CharField(_("대상 지역(동)"), max_length=50, blank=True)
    proposer = models.ForeignKey(USER, verbose_name=_("제안자"), null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="proposals")
    citizen_name_masked = models.CharField(_("제안자(구민)"), max_length=50, blank=True)
    citizen_sealed = models.TextField(blank=True, editable=False)  # Fernet token of {"name", "contact"}
    submitter_key = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    tracking_code = models.CharField(_("접수번호"), max_length=20, unique=True)
    club = models.ForeignKey("clubs.Club", verbose_name=_("학습동아리"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="proposals")
    stage = models.CharField(_("단계"), max_length=12, choices=Stage.choices, default=Stage.RECEIVED)
    department = models.ForeignKey("accounts.Department", verbose_name=_("검토 부서"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="proposals")
    evaluation_session = models.CharField(_("심사 회차"), max_length=100, blank=True)
    decision_reason = models.TextField(_("채택·불채택 사유"), blank=True)
    duplicate_of = models.ForeignKey("self", verbose_name=_("원 제안"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="duplicates")
    related = models.ManyToManyField("self", verbose_name=_("관련 제안"), blank=True, symmetrical=True)
    terms = models.JSONField(default=list, blank=True, editable=False)
    terms_version = models.CharField(max_length=80, blank=True, editable=False)
    created_at = models.DateTimeField(_("접수일"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("제안")
        verbose_name_plural = _("제안")

    def __str__(self) -> str:
        return f"[{self.tracking_code}] {self.title}"

    @property
    def proposer_label(self) -> str:
        if self.proposer_id:
            return str(self.proposer)
        return self.citizen_name_masked

    def text(self) -> tuple[str, str, str, str]:
        return self.title, self.problem, self.solution, self.effect


class Attachment(models.Model):
    """A file of a proposal, stored content-addressed beside the knowledge attachments."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("파일명"), max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class StageEvent(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    from_stage = models.CharField(max_length=12, blank=True, choices=Stage.choices)
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    department = models.ForeignKey("accounts.Department", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    note = models.TextField(_("비고"), blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class Debate(models.Model):
    """A policy debate (정책토론): a topic with its background, arguments for and against, comments, and the
    moderator's closing summary."""

    title = models.CharField(_("토론 주제"), max_length=200)
    background = models.TextField(_("배경"))
    moderator = models.ForeignKey(USER, verbose_name=_("진행자"), on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey(Proposal, verbose_name=_("관련 제안"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="debates")
    is_public = models.BooleanField(_("구민에게 공개"), default=False)
    is_open = models.BooleanField(_("진행 중"), default=True)
    summary = models.TextField(_("토론 결과 요약"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-is_open", "-created_at", "-id"]
        verbose_name = _("정책토론")
        verbose_name_plural = _("정책토론")

    def __str__(self) -> str:
        return self.title


class Side(models.TextChoices):
    PRO = "pro", _("찬성")
    CON = "con", _("반대")


class Argument(models.Model):
    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="arguments")
    side = models.CharField(_("입장"), max_length=3, choices=Side.choices)
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("의견"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class Comment(models.Model):
    debate = models.ForeignKey(Debate, on_delete=models.CASCADE, related_name="comments")
    argument = models.ForeignKey(Argument, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("댓글"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
