"""Staff pages of evaluation sessions: the list, the creation form, a session's page (its administrator's panel
and its member's next step)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from rules.contrib.views import permission_required

from mokmin.web.evaluation import overview, services
from mokmin.web.evaluation.forms import SessionForm
from mokmin.web.evaluation.models import Session


def session_of(request: HttpRequest, session_id: str, perm: str = "evaluation.view_session") -> Session:
    session = get_object_or_404(Session, session_id=session_id)
    if not request.user.has_perm(perm, session):
        raise PermissionDenied
    return session


@permission_required("evaluation.view", raise_exception=True)
def session_list(request: HttpRequest) -> HttpResponse:
    manage = request.user.has_perm("evaluation.manage")
    rows = Session.objects.all() if manage else Session.objects.filter(Q(members__user=request.user)).distinct()
    return render(request, "evaluation/list.html", {"sessions": rows.prefetch_related("members")[:200],
                                                    "can_manage": manage})


@permission_required("evaluation.manage", raise_exception=True)
def session_new(request: HttpRequest) -> HttpResponse:
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        session = services.create_session(request.user, form.to_input())
        messages.success(request, _("평가 회차를 만들었습니다. 평가위원마다 서명 키를 등록하면 개시할 수 있습니다."))
        return redirect("evaluation:session", session_id=session.session_id)
    return render(request, "evaluation/new.html", {"form": form})


@permission_required("evaluation.view", raise_exception=True)
def session_detail(request: HttpRequest, session_id: str) -> HttpResponse:
    session = session_of(request, session_id)
    return render(request, "evaluation/session.html", overview.session_page(session, request.user))
