"""Staff pages of policy debates: list, open, the debate page (arguments for and against, comments), close."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from mokmin.errors import NotFoundError
from mokmin.web.proposals import debates, services
from mokmin.web.proposals.forms import ArgumentForm, DebateForm, SummaryForm
from mokmin.web.proposals.models import Debate, Side


def debate_context(debate: Debate) -> dict:
    """What both the staff and the public page show: the two sides side by side, comments under each."""
    arguments = list(debate.arguments.select_related("author__department").prefetch_related("comments__author"))
    return {"debate": debate, "pro": [a for a in arguments if a.side == Side.PRO],
            "con": [a for a in arguments if a.side == Side.CON],
            "comments": debate.comments.filter(argument=None).select_related("author")}


@permission_required("proposals.view", raise_exception=True)
def debate_list(request: HttpRequest) -> HttpResponse:
    return render(request, "proposals/debates.html", {"debates": Debate.objects.select_related("moderator")})


@permission_required("proposals.open_debate", raise_exception=True)
def debate_new(request: HttpRequest) -> HttpResponse:
    form = DebateForm(request.POST or None, initial={"proposal": request.GET.get("proposal", "")})
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["proposal"].strip()
        proposal = services.by_code(code) if code else None
        if code and proposal is None:
            raise NotFoundError("그 접수번호의 제안이 없습니다", "no proposal with this tracking code")
        debate = debates.open_debate(request.user, form.to_input(proposal.pk if proposal else None))
        messages.success(request, _("토론을 열었습니다."))
        return redirect("proposals:debate", pk=debate.pk)
    return render(request, "proposals/debate_new.html", {"form": form})


@permission_required("proposals.view", raise_exception=True)
def debate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    debate = get_object_or_404(Debate.objects.select_related("moderator", "proposal"), pk=pk)
    return render(request, "proposals/debate.html", {
        **debate_context(debate), "argument_form": ArgumentForm(), "summary_form": SummaryForm(),
        "can_moderate": request.user.has_perm("proposals.moderate_debate", debate)})


@require_POST
@permission_required("proposals.view", raise_exception=True)
def debate_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    debate = get_object_or_404(Debate, pk=pk)
    post = request.POST
    if action == "argue":
        debates.argue(request.user, debate, post.get("side", ""), post.get("body", ""))
    elif action == "comment":
        argument = post.get("argument", "")
        debates.comment(request.user, debate, post.get("body", ""), int(argument) if argument.isdigit() else None)
    elif action == "close":
        debates.close(request.user, debate, post.get("summary", ""))
        messages.success(request, _("토론을 마감했습니다."))
    elif action == "reopen":
        debates.reopen(request.user, debate)
    else:
        raise Http404
    return redirect("proposals:debate", pk=pk)
