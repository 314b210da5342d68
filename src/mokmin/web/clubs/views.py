"""Learning-club pages: parse the request, check permission, call one service verb, render."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rules.contrib.views import permission_required

from mokmin.knowledge.rendering import render_markdown
from mokmin.web.clubs import report as reports
from mokmin.web.clubs import services
from mokmin.web.clubs.forms import ClubForm, MaterialForm, MeetingForm, PeriodForm
from mokmin.web.clubs.models import Club, Meeting


def _club(request: HttpRequest, pk: int, perm: str = "clubs.view") -> Club:
    club = get_object_or_404(Club.objects.select_related("leader__department"), pk=pk)
    if not request.user.has_perm(perm, club):
        raise PermissionDenied
    return club


@permission_required("clubs.view", raise_exception=True)
def club_list(request: HttpRequest) -> HttpResponse:
    clubs = Club.objects.select_related("leader").annotate(member_count=Count("memberships", distinct=True),
                                                           meeting_count=Count("meetings", distinct=True))
    mine = set(request.user.club_memberships.values_list("club_id", flat=True))
    return render(request, "clubs/list.html", {"clubs": clubs, "mine": mine})


@permission_required("clubs.create", raise_exception=True)
def club_new(request: HttpRequest) -> HttpResponse:
    form = ClubForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        club = services.create_club(request.user, form.to_input())
        messages.success(request, _("동아리를 만들었습니다. 회원을 모으고 첫 모임을 기록해 보세요."))
        return redirect("clubs:club", pk=club.pk)
    return render(request, "clubs/new.html", {"form": form})


@permission_required("clubs.view", raise_exception=True)
def club_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The club's space: members and leader, meetings with minutes and attendance, materials and outputs."""
    club = _club(request, pk)
    materials = list(club.materials.select_related("added_by", "item"))
    for material in materials:  # a linked item's title shows only to those who may read the item
        material.item_visible = material.item is not None and request.user.has_perm("knowledge.read_item",
                                                                                    material.item)
    return render(request, "clubs/club.html", {
        "club": club, "members": club.memberships.select_related("user__department"),
        "meetings": club.meetings.prefetch_related("attendees").order_by("-date", "-id"),
        "shared": [m for m in materials if not m.is_output], "outputs": [m for m in materials if m.is_output],
        "is_member": club.is_member(request.user), "can_manage": request.user.has_perm("clubs.manage_club", club),
        "proposals": club.proposals.order_by("-id")[:20]})  # proposals that came out of this club


@require_POST
@permission_required("clubs.view", raise_exception=True)
def membership(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    club = _club(request, pk)
    if action == "join":
        services.join(request.user, club)
        messages.success(request, _("동아리에 가입했습니다."))
    elif action == "leave":
        services.leave(request.user, club)
        messages.success(request, _("동아리에서 탈퇴했습니다."))
    else:
        raise Http404
    return redirect("clubs:club", pk=pk)


@require_POST
@permission_required("clubs.view", raise_exception=True)
def manage(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    club = _club(request, pk, "clubs.manage_club")
    if action == "hand_over":
        services.hand_over(request.user, club, int(request.POST.get("leader") or 0))
        messages.success(request, _("동아리장을 넘겼습니다."))
    elif action in {"close", "reopen"}:
        services.set_active(request.user, club, action == "reopen")
        messages.success(request, _("동아리 상태를 바꿨습니다."))
    else:
        raise Http404
    return redirect("clubs:club", pk=pk)


@permission_required("clubs.view", raise_exception=True)
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    club = _club(request, pk, "clubs.manage_club")
    form = MeetingForm(request.POST or None, club=club)
    if request.method == "POST" and form.is_valid():
        services.add_meeting(request.user, club, form.to_input())
        messages.success(request, _("모임을 기록했습니다."))
        return redirect("clubs:club", pk=pk)
    return render(request, "clubs/meeting_form.html", {"club": club, "form": form})


@permission_required("clubs.view", raise_exception=True)
def meeting_detail(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    club = _club(request, pk)
    meeting = get_object_or_404(Meeting.objects.prefetch_related("attendees"), pk=meeting_pk, club=club)
    return render(request, "clubs/meeting.html", {"club": club, "meeting": meeting,
                                                  "minutes_html": render_markdown(meeting.minutes)})


@permission_required("clubs.view", raise_exception=True)
def material_new(request: HttpRequest, pk: int) -> HttpResponse:
    club = _club(request, pk, "clubs.contribute")
    form = MaterialForm(request.POST or None, initial={"is_output": request.GET.get("output") == "1"})
    if request.method == "POST" and form.is_valid():
        services.add_material(request.user, club, form.to_input())
        messages.success(request, _("자료를 올렸습니다."))
        return redirect("clubs:club", pk=pk)
    return render(request, "clubs/material_form.html", {"club": club, "form": form})


def _report(request: HttpRequest, pk: int) -> reports.ActivityReport:
    """Members and whoever runs the club (leader, system administrator) may read its activity report."""
    club = _club(request, pk)
    if not (request.user.has_perm("clubs.contribute", club) or request.user.has_perm("clubs.manage_club", club)):
        raise PermissionDenied
    form = PeriodForm(request.GET or None)
    cleaned = form.cleaned_data if form.is_valid() else {}
    start, end = reports.period(cleaned.get("start"), cleaned.get("end"), timezone.localdate())
    return reports.activity_report(club, start, end)


@permission_required("clubs.view", raise_exception=True)
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return render(request, "clubs/report.html", {"club": report.club, "report": report})


@permission_required("clubs.view", raise_exception=True)
def report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    buffer = io.StringIO()
    reports.write_csv(report, buffer)
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="club-{report.club.pk}-{report.start:%Y%m%d}-'
                                       f'{report.end:%Y%m%d}.csv"')
    return response
