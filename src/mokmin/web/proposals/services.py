"""Atomic verbs of proposals: submit (citizen or staff), find similar ones, move through the stages, merge a
duplicate, link related proposals, unseal a citizen's contact.

Each stage verb locks the proposal, checks permission (:mod:`.rules`) and the order of :data:`models.NEXT`, and
writes one :class:`StageEvent` (who, when, note) in the same transaction; anything a user must fix is a
:mod:`mokmin.errors` error, so pages and any future API report the same codes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from mokmin.atomic import atomic_file
from mokmin.audit import Action
from mokmin.errors import ConflictError, ErrorLocation, InputError
from mokmin.privacy import mask_name
from mokmin.text.similar import THRESHOLD, Match, SimilarityIndex, text_terms
from mokmin.web.audit.services import Actor, record_access
from mokmin.web.knowledge.services import attachment_path
from mokmin.web.proposals import contact
from mokmin.web.proposals.models import NEXT, Attachment, Kind, Proposal, Stage, StageEvent

MAX_FILES = 5
MAX_FILE_BYTES = 20 * 1024 * 1024
RATE_LIMIT = 5
"""Citizen submissions accepted per client address per :data:`RATE_WINDOW` (the public page's anti-abuse rule)."""
RATE_WINDOW = dt.timedelta(hours=1)
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
"""Tracking-code letters without 0/O, 1/I: read out over the phone without doubt. 8 letters: 32^8 ≈ 10^12."""


@dataclass(frozen=True)
class ProposalInput:
    title: str
    problem: str
    solution: str
    effect: str = ""
    dong: str = ""
    club_id: int | None = None
    citizen_name: str = ""
    citizen_contact: str = ""


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@dataclass(frozen=True)
class Similar:
    proposal: Proposal
    match: Match


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def _text(value: str, field: str, limit: int, ko: str, en: str) -> str:
    """``value`` trimmed (line breaks kept: proposals are prose); empty or longer than ``limit`` is refused."""
    value = value.strip()
    too_long = (f"{limit}자 이내로 적어 주세요", f"at most {limit} characters")
    problem = (ko, en) if not value else too_long if len(value) > limit else None
    if problem is not None:
        raise InputError(*problem, location=ErrorLocation(field=field, value=value[:20] or None))
    return value


def dong_names() -> list[str]:
    """The municipality's dongs, from the geography it ships (the demo's, or one installed in its place)."""
    path = settings.MOKMIN_CONFIG.home / "demo" / "geography" / "dongs.4326.geojson"
    if not path.exists():
        return []
    return [f["properties"]["name"] for f in json.loads(path.read_text(encoding="utf-8"))["features"]]


def new_tracking_code() -> str:
    while True:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        code = f"{raw[:4]}-{raw[4:]}"
        if not Proposal.objects.filter(tracking_code=code).exists():
            return code


def normalise_code(code: str) -> str:
    raw = "".join(ch for ch in code.upper() if ch.isalnum()).replace("O", "0").replace("I", "1")
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw


# --- similar proposals ---------------------------------------------------------------------------------------

def _analyzer():
    from mokmin.web.knowledge import index

    return index.backend().analyzer


def analyzer_version() -> str:
    return _analyzer().version


def terms_of(title: str, problem: str, solution: str, effect: str = "") -> list[str]:
    return text_terms(_analyzer(), title, problem, solution, effect)


def _refresh_terms(rows: list[Proposal]) -> None:
    """Re-analyse proposals whose cached terms predate the analyser (a dictionary change)."""
    analyzer = _analyzer()
    stale = [p for p in rows if p.terms_version != analyzer.version]
    for proposal in stale:
        proposal.terms, proposal.terms_version = text_terms(analyzer, *proposal.text()), analyzer.version
    if stale:
        Proposal.objects.bulk_update(stale, ["terms", "terms_version"])


def similar(title: str, problem: str, solution: str, effect: str = "", *, exclude: int | None = None,
            limit: int = 5, threshold: float = THRESHOLD) -> list[Similar]:
    """Existing proposals (merged duplicates left out) whose text is similar, best first."""
    rows = list(Proposal.objects.exclude(stage=Stage.MERGED).select_related("department"))
    _refresh_terms(rows)
    by_pk = {p.pk: p for p in rows}
    index = SimilarityIndex({p.pk: p.terms for p in rows})
    matches = index.similar(terms_of(title, problem, solution, effect), threshold=threshold, limit=limit,
                            exclude=[exclude] if exclude else [])
    return [Similar(by_pk[m.key], m) for m in matches]


# --- submission ----------------------------------------------------------------------------------------------

def _store(proposal: Proposal, uploads: list[Upload]) -> None:
    if len(uploads) > MAX_FILES:
        raise InputError(f"첨부는 {MAX_FILES}개까지입니다", f"at most {MAX_FILES} files",
                         location=ErrorLocation(field="files"))
    for upload in uploads:
        if len(upload.data) > MAX_FILE_BYTES:
            raise InputError(f"첨부 파일은 {MAX_FILE_BYTES >> 20}MB 이하여야 합니다",
                             f"files must be at most {MAX_FILE_BYTES >> 20} MB",
                             location=ErrorLocation(file=upload.filename))
        digest = hashlib.sha256(upload.data).hexdigest()
        path = attachment_path(digest)
        if not path.exists():
            with atomic_file(path, "wb") as handle:
                handle.write(upload.data)
        Attachment.objects.create(proposal=proposal, filename=upload.filename[:255], sha256=digest,
                                  size=len(upload.data))


def _create(kind: str, data: ProposalInput, uploads: list[Upload], **fields) -> Proposal:
    title = _text(data.title, "title", 200, "제목을 입력해 주세요", "a title is required")
    problem = _text(data.problem, "problem", 5000, "현황 및 문제점을 적어 주세요", "describe the problem")
    solution = _text(data.solution, "solution", 5000, "개선방안을 적어 주세요", "describe the proposed solution")
    effect = data.effect.strip()[:5000]
    names = dong_names()
    if data.dong and names and data.dong not in names:
        raise InputError("목록에 있는 동을 골라 주세요", "choose a dong from the list",
                         location=ErrorLocation(field="dong", value=data.dong))
    analyzer = _analyzer()
    proposal = Proposal.objects.create(
        kind=kind, title=title, problem=problem, solution=solution, effect=effect, dong=data.dong,
        tracking_code=new_tracking_code(), club_id=data.club_id,
        terms=text_terms(analyzer, title, problem, solution, effect), terms_version=analyzer.version, **fields)
    _store(proposal, uploads)
    StageEvent.objects.create(proposal=proposal, to_stage=Stage.RECEIVED, actor=fields.get("proposer"),
                              note="")
    return proposal


@transaction.atomic
def submit_citizen(data: ProposalInput, uploads: list[Upload], ip: str) -> Proposal:
    """A citizen's proposal from the public page: no account; name and contact sealed; rate-limited per address."""
    name = _text(data.citizen_name, "citizen_name", 50, "이름을 적어 주세요", "your name is required")
    reach = _text(data.citizen_contact, "citizen_contact", 100, "결과를 알려 드릴 연락처를 적어 주세요",
                  "a contact (phone or e-mail) is required")
    key = contact.submitter_key(ip)
    recent = Proposal.objects.filter(submitter_key=key, created_at__gte=timezone.now() - RATE_WINDOW).count()
    if recent >= RATE_LIMIT:
        raise ConflictError("같은 곳에서 짧은 시간에 너무 많이 제안했습니다. 한 시간 뒤에 다시 시도해 주세요",
                            "too many proposals from this address: try again in an hour")
    return _create(Kind.CITIZEN, data, uploads, citizen_name_masked=mask_name(name) or "*",
                   citizen_sealed=contact.seal(name, reach), submitter_key=key)


@transaction.atomic
def submit_staff(user, data: ProposalInput, uploads: list[Upload]) -> Proposal:
    """A staff member's proposal (공무원제안), optionally out of a learning club they belong to."""
    _require(user, "proposals.submit")
    if data.club_id is not None:
        from mokmin.web.clubs.models import Club

        club = Club.objects.filter(pk=data.club_id).first()
        if club is None or not club.is_member(user):
            raise InputError("회원인 학습동아리만 고를 수 있습니다", "choose a learning club you are a member of",
                             location=ErrorLocation(field="club", value=data.club_id))
    return _create(Kind.STAFF, data, uploads, proposer=user)


# --- stages --------------------------------------------------------------------------------------------------

def _move(user, proposal: Proposal, to: Stage, perm: str, note: str = "", **changes) -> Proposal:
    locked = Proposal.objects.select_for_update(of=("self",)).select_related("department").get(pk=proposal.pk)
    _require(user, perm, locked)
    if locked.duplicate_of_id is not None:
        raise ConflictError("다른 제안에 병합된 제안은 단계를 옮길 수 없습니다",
                            "a merged duplicate does not move through the stages")
    if to not in NEXT[locked.stage]:
        raise ConflictError(f"'{Stage(locked.stage).label}' 단계에서 '{to.label}' 단계로 옮길 수 없습니다",
                            f"a proposal cannot move from {locked.stage} to {to.value}",
                            location=ErrorLocation(field="stage", value=locked.stage))
    previous = locked.stage
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.stage = to
    locked.save()
    StageEvent.objects.create(proposal=locked, from_stage=previous, to_stage=to, actor=user,
                              department=locked.department, note=note.strip()[:2000])
    return locked


@transaction.atomic
def assign(user, proposal: Proposal, department, note: str = "") -> Proposal:
    """접수 -> 검토: give the proposal to the department that will review it."""
    if department is None:
        raise InputError("검토할 부서를 골라 주세요", "choose the reviewing department",
                         location=ErrorLocation(field="department"))
    return _move(user, proposal, Stage.REVIEW, "proposals.manage", note, department=department)


@transaction.atomic
def send_to_evaluation(user, proposal: Proposal, session: str, note: str = "") -> Proposal:
    """검토 -> 심사: the department's review is done; the proposal goes to an evaluation session."""
    session = _text(session, "session", 100, "심사 회차를 적어 주세요", "name the evaluation session")
    return _move(user, proposal, Stage.EVALUATION, "proposals.review_proposal", note, evaluation_session=session)


@transaction.atomic
def decide(user, proposal: Proposal, adopted: bool, reason: str) -> Proposal:
    """심사 -> 채택 | 불채택, always with the reason the proposer will read."""
    reason = _text(reason, "reason", 2000, "채택·불채택 사유를 적어 주세요", "a reason is required")
    to = Stage.ADOPTED if adopted else Stage.REJECTED
    return _move(user, proposal, to, "proposals.manage", reason, decision_reason=reason)


@transaction.atomic
def implement(user, proposal: Proposal, note: str) -> Proposal:
    """채택 -> 실시: the reviewing department reports that the measure is in place."""
    note = _text(note, "note", 2000, "실시 내용을 적어 주세요", "describe what was put in place")
    return _move(user, proposal, Stage.IMPLEMENTED, "proposals.review_proposal", note)


@transaction.atomic
def award(user, proposal: Proposal, note: str) -> Proposal:
    """실시 -> 시상."""
    note = _text(note, "note", 2000, "시상 내용을 적어 주세요", "describe the award")
    return _move(user, proposal, Stage.AWARDED, "proposals.manage", note)


@transaction.atomic
def mark_duplicate(user, duplicate: Proposal, original: Proposal, note: str = "") -> Proposal:
    """Merge ``duplicate`` into ``original``: it links there, leaves the stages and its proposer sees why."""
    _require(user, "proposals.manage")
    if original.pk == duplicate.pk:
        raise InputError("자기 자신에 병합할 수 없습니다", "a proposal cannot be a duplicate of itself")
    root = original
    while root.duplicate_of_id is not None:  # merging into a merged one goes to its original
        root = root.duplicate_of
    if root.pk == duplicate.pk:
        raise InputError("이 제안에 병합된 제안입니다", "the original is itself merged into this proposal")
    locked = Proposal.objects.select_for_update().get(pk=duplicate.pk)
    if locked.stage == Stage.MERGED:
        raise ConflictError("이미 병합된 제안입니다", "already merged")
    previous = locked.stage
    locked.duplicate_of, locked.stage = root, Stage.MERGED
    locked.save()
    locked.related.add(root)
    # the note names no tracking code: the duplicate's proposer sees it, and a code opens its owner's status page
    text = "같은 취지의 먼저 접수된 제안에 병합" + (f": {note.strip()}" if note.strip() else "")
    StageEvent.objects.create(proposal=locked, from_stage=previous, to_stage=Stage.MERGED, actor=user,
                              department=locked.department, note=text[:2000])
    return locked


@transaction.atomic
def link_related(user, a: Proposal, b: Proposal, linked: bool = True) -> None:
    _require(user, "proposals.manage")
    if a.pk == b.pk:
        raise InputError("같은 제안끼리는 연결할 수 없습니다", "a proposal cannot be related to itself")
    (a.related.add if linked else a.related.remove)(b)


def reveal_contact(request, proposal: Proposal, purpose: str) -> dict[str, str]:
    """A citizen proposer's name and contact for one who reviews the proposal, written to the access log."""
    _require(request.user, "proposals.view_contact", proposal)
    if not proposal.citizen_sealed:
        raise ConflictError("구민 제안자의 연락처가 없는 제안입니다", "no citizen contact on this proposal")
    record_access(Actor.from_request(request), subject="구민 제안자", record=f"proposal:{proposal.tracking_code}",
                  action=Action.VIEW, purpose=purpose.strip() or "제안 처리 결과 안내")
    return contact.unseal(proposal.citizen_sealed)


def by_code(code: str) -> Proposal | None:
    return (Proposal.objects.select_related("department", "club", "duplicate_of")
            .filter(tracking_code=normalise_code(code)).first())
