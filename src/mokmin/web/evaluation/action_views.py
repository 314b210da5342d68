"""The POST actions on a session: register a key, open, declare conflicts, commit, reveal, sign, publish. Each
parses the form, calls one verb of :mod:`.services` (which checks permission) and returns to the session page."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from mokmin.errors import ErrorLocation, InputError
from mokmin.web.evaluation import services
from mokmin.web.evaluation.views import session_of


def _how(request: HttpRequest) -> services.Signature:
    return services.Signature(signature=request.POST.get("signature", ""), password=request.POST.get("password", ""))


def _scores(request: HttpRequest):
    try:
        return json.loads(request.POST.get("scores", ""))
    except ValueError:
        raise InputError("점수표를 읽을 수 없습니다 (JSON)", "the score sheet cannot be read (JSON)",
                         location=ErrorLocation(field="scores")) from None


def _reveal(request: HttpRequest, session) -> None:
    for rejected in services.reveal(request.user, session, _scores(request), request.POST.get("nonce", ""),
                                    _how(request)):
        messages.error(request, rejected.message_ko if request.LANGUAGE_CODE == "ko" else rejected.message_en)


ACTIONS: dict[str, Callable[[HttpRequest, object], object]] = {
    "key": lambda r, s: services.register_key(r.user, s, public_key=r.POST.get("public_key", ""),
                                              password=r.POST.get("password", "")),
    "open": lambda r, s: services.open_session(r.user, s),
    "coi": lambda r, s: services.declare_conflicts(r.user, s, r.POST.getlist("conflicts"),
                                                   r.POST.get("statement", ""), _how(r)),
    "commit": lambda r, s: services.commit(r.user, s, r.POST.get("commitment", ""), _how(r)),
    "reveal": _reveal,
    "sign": lambda r, s: services.sign_sheet(r.user, s, _how(r)),
    "publish": lambda r, s: services.publish(r.user, s),
}


@require_POST
@permission_required("evaluation.view", raise_exception=True)
def act(request: HttpRequest, session_id: str, action: str) -> HttpResponse:
    session = session_of(request, session_id)
    if action not in ACTIONS:
        raise Http404
    ACTIONS[action](request, session)
    messages.success(request, _("처리했습니다."))
    return redirect("evaluation:session", session_id=session_id)
