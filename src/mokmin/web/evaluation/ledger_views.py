"""The evaluation log for its administrators: size, the log key, checkpoints with each witness's answer
(cosignature or refusal, shown with its reason), and asking the witnesses again."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from mokmin.web.evaluation import overview, services


@permission_required("evaluation.manage", raise_exception=True)
def ledger(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluation/ledger.html", overview.ledger_page())


@require_POST
@permission_required("evaluation.manage", raise_exception=True)
def witnesses(request: HttpRequest) -> HttpResponse:
    replies = services.ask_witnesses(request.user)
    refused = [r for r in replies if not r.ok]
    if refused:
        messages.error(request, _("연서명을 거부한 증인이 있습니다: %(n)s곳") % {"n": len(refused)})
    else:
        messages.success(request, _("증인 %(n)s곳이 연서명했습니다.") % {"n": len(replies)})
    return redirect("evaluation:ledger")
