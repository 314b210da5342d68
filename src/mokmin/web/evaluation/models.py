"""Evaluation sessions and the evaluation ledger (the append-only Merkle log) in the main database.

The ledger tables (:class:`LedgerLeaf`, :class:`Checkpoint`, :class:`WitnessReply`) have no update or delete
path in the ORM: ``save`` of an existing row, ``delete`` and the querysets' ``update``/``delete`` raise
:class:`mokmin.errors.AppendOnlyError`, as the access log does. A change made in the database directly (raw SQL)
is what the signed checkpoints, the witnesses and ``mokmin ledger verify`` are for.

The session tables hold what the pages need before and around the log: the draft of a session (its subjects,
criteria, committee and timetable) and each member's registered public key. Once a session is opened its spec
and committee are in the ledger, and everything after (declarations, commitments, reveals, signatures, the
result) is read back from the ledger by :func:`mokmin.evaluation.replay.replay_all`, never from these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mokmin.errors import AppendOnlyError
from mokmin.evaluation.demo_session import ledger_time
from mokmin.evaluation.model import Criterion, SessionSpec, Subject

USER = settings.AUTH_USER_MODEL
LEDGER = "평가 원장"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(LEDGER)

    def delete(self):
        raise AppendOnlyError(LEDGER)

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(LEDGER)

    update_or_create = update


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(LEDGER)
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(LEDGER)


class LedgerLeaf(AppendOnly):
    """One entry of the log: leaf ``index`` of the RFC 6962 tree (:mod:`mokmin.ledger.store` has the bytes).

    ``session`` repeats ``payload["session"]`` for lookups only; it is not hashed and never trusted.
    """

    index = models.PositiveBigIntegerField(primary_key=True, db_column="idx")
    time = models.CharField(max_length=27)
    kind = models.CharField(max_length=64)
    payload = models.TextField()
    leaf_hash = models.CharField(max_length=64)
    session = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["index"]


class LedgerHead(models.Model):
    """The single row every append locks first (``SELECT ... FOR UPDATE``), so indices never collide."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.PositiveBigIntegerField(default=0)


class Checkpoint(AppendOnly):
    """A checkpoint signed by the log (C2SP signed note, without cosignatures: those are :class:`WitnessReply`)."""

    size = models.PositiveBigIntegerField(db_index=True)
    root = models.CharField(max_length=64)
    note = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["size", "id"]


class WitnessKey(models.Model):
    """A witness's verifier key, pinned the first time the log talks to it."""

    url = models.CharField(max_length=300, unique=True)
    name = models.CharField(max_length=200)
    vkey = models.TextField()
    pinned_at = models.DateTimeField(auto_now_add=True)


class WitnessReply(AppendOnly):
    """What a witness answered for a checkpoint: a cosignature line, or a refusal with its reason."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="replies")
    url = models.CharField(max_length=300)
    ok = models.BooleanField()
    line = models.TextField(blank=True)
    reason = models.CharField(max_length=64, blank=True)
    status = models.PositiveSmallIntegerField(null=True)
    message_ko = models.TextField(blank=True)
    message_en = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["checkpoint__size", "id"]


class Kind(models.TextChoices):
    PROCUREMENT = "procurement", _("제안서 평가(입찰)")
    PROPOSAL = "proposal", _("제안 심사")
    CONTEST = "contest", _("공모전")


class Rule(models.TextChoices):
    MEAN = "mean", _("평균")
    TRIMMED = "trimmed", _("최고·최저 점수 제외 평균")


class KeyMode(models.TextChoices):
    BROWSER = "browser", _("브라우저 보관 키")
    SERVER = "server", _("서버 보관 키(비밀번호로 암호화)")


class Session(models.Model):
    session_id = models.CharField(_("회차 식별자"), max_length=64, unique=True)
    title = models.CharField(_("제목"), max_length=200)
    kind = models.CharField(_("종류"), max_length=12, choices=Kind.choices)
    rule = models.CharField(_("결과 규칙"), max_length=8, choices=Rule.choices)
    anonymise = models.BooleanField(_("평가위원을 코드로 공개"), default=True)
    commit_deadline = models.DateTimeField(_("채점 마감"))
    reveal_deadline = models.DateTimeField(_("공개 마감"))
    criteria = models.JSONField(default=list)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("평가 회차")
        verbose_name_plural = _("평가 회차")

    def __str__(self) -> str:
        return self.title

    def spec(self) -> SessionSpec:
        """The spec that ``evaluation.session_created`` records (InputError names a bad field)."""
        return SessionSpec(
            session_id=self.session_id, title=self.title, kind=self.kind,
            subjects=tuple(Subject(s.subject_id, s.title) for s in self.subjects.all()),
            criteria=tuple(Criterion(c["id"], c["title"], c["weight"], c["max_score"]) for c in self.criteria),
            rule=self.rule, anonymise=self.anonymise, commit_deadline=ledger_time(self.commit_deadline),
            reveal_deadline=ledger_time(self.reveal_deadline))


class SessionSubject(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="subjects")
    subject_id = models.CharField(max_length=64)
    title = models.CharField(_("평가 대상"), max_length=200)
    proposal = models.ForeignKey("proposals.Proposal", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="evaluation_subjects")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "subject_id"], name="evaluation_subject_once")]


class Member(models.Model):
    """A committee member and the public key they registered (the private key stays in their browser, or sealed
    under their password when ``key_mode`` is ``server``)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="evaluations")
    evaluator_id = models.CharField(max_length=64)
    code = models.CharField(_("평가위원 코드"), max_length=50)
    name = models.CharField(_("이름"), max_length=100, blank=True)
    public_key = models.CharField(max_length=64, blank=True)
    key_mode = models.CharField(max_length=8, choices=KeyMode.choices, blank=True)
    sealed_key = models.TextField(blank=True, editable=False)
    registered_at = models.DateTimeField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "evaluator_id"], name="evaluation_member_once"),
                       models.UniqueConstraint(fields=["session", "user"], name="evaluation_user_once")]

    def __str__(self) -> str:
        return self.code
