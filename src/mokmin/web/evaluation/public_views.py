"""Public pages, no login: published results with the inclusion proof of every counted score, the signed
checkpoint they lead to, and the whole log as a bundle for ``mokmin ledger verify``."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from mokmin.web.evaluation import checkpoints, overview
from mokmin.web.evaluation.models import Session


def published(request: HttpRequest) -> HttpResponse:
    rows = Session.objects.filter(published_at__isnull=False).order_by("-published_at")
    return render(request, "public/evaluation.html", {"sessions": rows[:100]})


def result(request: HttpRequest, session_id: str) -> HttpResponse:
    session = get_object_or_404(Session, session_id=session_id, published_at__isnull=False)
    return render(request, "public/evaluation_result.html", overview.public_result(session))


def bundle(request: HttpRequest) -> HttpResponse:
    body = json.dumps(checkpoints.public_bundle(), ensure_ascii=False, indent=1) + "\n"
    response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mokmin-ledger-bundle.json"'
    return response
