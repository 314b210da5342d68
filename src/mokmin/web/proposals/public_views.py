"""Citizens' pages, no login: submit a proposal, follow it by its tracking code, read adopted proposals and public
debates. Nothing here shows a proposer, a staff member's name or a proposal's text other than the citizen's own
and those the office adopted."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from mokmin.web.proposals import services
from mokmin.web.proposals.debate_views import debate_context
from mokmin.web.proposals.forms import CitizenProposalForm, challenge_of, make_challenge
from mokmin.web.proposals.models import PUBLIC_STAGES, Debate, Proposal
from mokmin.web.proposals.views import submission


def adopted(request: HttpRequest) -> HttpResponse:
    rows = (Proposal.objects.filter(stage__in=PUBLIC_STAGES, duplicate_of=None)
            .only("title", "solution", "effect", "dong", "kind", "stage", "created_at").order_by("-updated_at"))
    return render(request, "public/proposals.html", {
        "proposals": rows[:100], "debates": Debate.objects.filter(is_public=True)[:20]})


def submit(request: HttpRequest) -> HttpResponse:
    form = CitizenProposalForm(request.POST or None, request.FILES or None)
    similar: list = []
    if request.method == "POST" and form.is_valid():
        proposal, similar, form = submission(request, form, lambda: services.submit_citizen(
            form.to_input(), form.uploads(), request.META.get("REMOTE_ADDR", "") or ""))
        if proposal is not None:
            return render(request, "public/proposals_done.html", {"proposal": proposal})
    # the similar-proposals step keeps the question already answered; anything else asks a fresh one
    question = (challenge_of(request.POST.get("challenge", "")) if similar else None) or make_challenge()
    return render(request, "public/proposals_new.html", {"form": form, "similar": similar, "question": question})


def status(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    proposal = services.by_code(code) if code else None
    events = proposal.events.select_related("department") if proposal else []
    return render(request, "public/proposals_status.html", {"code": code, "proposal": proposal, "events": events})


def debate(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Debate.objects.select_related("proposal"), pk=pk, is_public=True)
    return render(request, "public/proposals_debate.html", debate_context(found))
