"""Staff pages of proposals: list, submit (with the similar-proposal step), the proposal page with its history
and the stage actions, a citizen's contact (logged), attachments."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from mokmin.errors import NotFoundError
from mokmin.web.knowledge.services import attachment_path
from mokmin.web.proposals import services
from mokmin.web.proposals.forms import (
    AssignForm,
    ContactForm,
    DecisionForm,
    EvaluationForm,
    NoteForm,
    OtherProposalForm,
    ProposalForm,
    StaffProposalForm,
)
from mokmin.web.proposals.models import NEXT, Attachment, Kind, Proposal, Stage


def _proposal(pk: int) -> Proposal:
    return get_object_or_404(Proposal.objects.select_related("department", "proposer__department", "club",
                                                             "duplicate_of"), pk=pk)


def submission(request: HttpRequest, form: ProposalForm, submit: Callable[[], Proposal]):
    """Save the proposal, unless similar ones exist and the proposer has not yet seen them: then return the
    similar ones, and the form (now carrying ``confirm``) to show again."""
    data = form.cleaned_data
    if not data["confirm"]:
        found = services.similar(data["title"], data["problem"], data["solution"], data["effect"])
        if found:
            again = form.__class__(dict(request.POST.items(), confirm="on"),
                                   **({"user": request.user} if isinstance(form, StaffProposalForm) else {}))
            return None, found, again
    return submit(), [], form


@permission_required("proposals.view", raise_exception=True)
def proposal_list(request: HttpRequest) -> HttpResponse:
    rows = Proposal.objects.select_related("department", "proposer", "club")
    filters = {k: request.GET.get(k, "") for k in ("stage", "kind", "club")}
    if filters["stage"] in Stage.values:
        rows = rows.filter(stage=filters["stage"])
    if filters["kind"] in Kind.values:
        rows = rows.filter(kind=filters["kind"])
    if filters["club"].isdigit():
        rows = rows.filter(club_id=int(filters["club"]))
    counts = dict(Proposal.objects.values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))
    return render(request, "proposals/list.html", {
        "proposals": rows[:300], "filters": filters, "kinds": Kind.choices,
        "stages": [(value, label, counts.get(value, 0)) for value, label in Stage.choices]})


@permission_required("proposals.submit", raise_exception=True)
def proposal_new(request: HttpRequest) -> HttpResponse:
    form = StaffProposalForm(request.POST or None, request.FILES or None, user=request.user)
    similar = []
    if request.method == "POST" and form.is_valid():
        proposal, similar, form = submission(
            request, form, lambda: services.submit_staff(request.user, form.to_input(), form.uploads()))
        if proposal is not None:
            messages.success(request, _("제안을 접수했습니다. 접수번호: %(code)s") % {"code": proposal.tracking_code})
            return redirect("proposals:proposal", pk=proposal.pk)
    return render(request, "proposals/new.html", {"form": form, "similar": similar})


@permission_required("proposals.view", raise_exception=True)
def proposal_detail(request: HttpRequest, pk: int, contact: dict | None = None) -> HttpResponse:
    proposal = _proposal(pk)
    user = request.user
    can = {"manage": user.has_perm("proposals.manage"),
           "review": user.has_perm("proposals.review_proposal", proposal),
           "contact": bool(proposal.citizen_sealed) and user.has_perm("proposals.view_contact", proposal)}
    return render(request, "proposals/proposal.html", {
        "proposal": proposal, "events": proposal.events.select_related("actor", "department"),
        "attachments": proposal.attachments.all(), "related": proposal.related.select_related("department"),
        "duplicates": proposal.duplicates.all(), "debates": proposal.debates.all(),
        "similar": services.similar(*proposal.text(), exclude=proposal.pk), "can": can, "contact": contact,
        "next": set(proposal_next(proposal)), "assign_form": AssignForm(), "evaluation_form": EvaluationForm(),
        "decision_form": DecisionForm(), "note_form": NoteForm(), "other_form": OtherProposalForm(),
        "contact_form": ContactForm()})


def proposal_next(proposal: Proposal) -> list[str]:
    return [] if proposal.duplicate_of_id else sorted(NEXT[proposal.stage])


def _department(request: HttpRequest):
    form = AssignForm(request.POST)
    return form.cleaned_data["department"] if form.is_valid() else None


def _other(request: HttpRequest) -> Proposal:
    other = services.by_code(request.POST.get("other", ""))
    if other is None:
        raise NotFoundError("그 접수번호의 제안이 없습니다", "no proposal with this tracking code")
    return other


ACTIONS: dict[str, Callable[[HttpRequest, Proposal], object]] = {
    "assign": lambda r, p: services.assign(r.user, p, _department(r), r.POST.get("note", "")),
    "evaluate": lambda r, p: services.send_to_evaluation(r.user, p, r.POST.get("session", ""),
                                                         r.POST.get("note", "")),
    "decide": lambda r, p: services.decide(r.user, p, r.POST.get("adopted") == "1", r.POST.get("reason", "")),
    "implement": lambda r, p: services.implement(r.user, p, r.POST.get("note", "")),
    "award": lambda r, p: services.award(r.user, p, r.POST.get("note", "")),
    "duplicate": lambda r, p: services.mark_duplicate(r.user, p, _other(r), r.POST.get("note", "")),
    "relate": lambda r, p: services.link_related(r.user, p, _other(r)),
    "unrelate": lambda r, p: services.link_related(r.user, p, _other(r), linked=False),
}


@require_POST
@permission_required("proposals.view", raise_exception=True)
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    proposal = _proposal(pk)
    if action not in ACTIONS:
        raise Http404
    ACTIONS[action](request, proposal)
    messages.success(request, _("처리했습니다."))
    return redirect("proposals:proposal", pk=pk)


@require_POST
@permission_required("proposals.view", raise_exception=True)
def reveal_contact(request: HttpRequest, pk: int) -> HttpResponse:
    """The citizen's name and contact, shown once per request and written to the access log."""
    proposal = _proposal(pk)
    found = services.reveal_contact(request, proposal, request.POST.get("purpose", ""))
    return proposal_detail(request, pk, contact=found)


@permission_required("proposals.view", raise_exception=True)
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(Attachment, pk=pk)
    path = attachment_path(row.sha256)
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=row.filename)
