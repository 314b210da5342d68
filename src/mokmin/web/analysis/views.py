from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from rules.contrib.views import permission_required

from mokmin.analyses import registry
from mokmin.errors import MokminError
from mokmin.web.analysis import services
from mokmin.web.analysis.tables import table_payload
from mokmin.web.jobs.models import Job

FORMATS = {"hwpx": "application/hwp+zip", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "pdf": "application/pdf", "png": "image/png"}


@permission_required("analysis.view", raise_exception=True)
def analysis_list(request: HttpRequest) -> HttpResponse:
    items = [{"name": k, "cls": c} for k, c in registry.available().items()]
    recent = Job.objects.filter(kind="analysis.run", created_by=request.user)[:20]
    return render(request, "analysis/list.html", {"items": items, "recent": recent})


@permission_required("analysis.run", raise_exception=True)
def analysis_form(request: HttpRequest, name: str) -> HttpResponse:
    cls = registry.load(name)
    error = None
    if request.method == "POST":
        params = {f["name"]: request.POST.get(f["name"], "") for f in services.form_fields(cls)
                  if request.POST.get(f["name"], "") != "" or f["bool"]}
        for f in services.form_fields(cls):
            if f["bool"]:
                params[f["name"]] = "1" if request.POST.get(f["name"]) else "0"
        inputs = {role: request.POST.get(f"input_{role}", "") for role in cls.INPUTS}
        try:
            job = services.start(request.user, name, params, inputs)
            return redirect("jobs:detail", job_id=job.pk)
        except MokminError as exc:
            error = exc.message(get_language() or "ko")
    return render(request, "analysis/form.html", {"name": name, "cls": cls, "fields": services.form_fields(cls),
                                                  "roles": services.input_roles(cls, request.user),
                                                  "error": error, "posted": request.POST})


def _job(request: HttpRequest, job_id) -> Job:
    job = get_object_or_404(Job, pk=job_id, kind="analysis.run")
    if not request.user.has_perm("jobs.view_job", job):
        raise PermissionDenied
    if job.status != "succeeded":
        raise Http404
    return job


@permission_required("analysis.view", raise_exception=True)
def result(request: HttpRequest, job_id) -> HttpResponse:
    job = _job(request, job_id)
    res = services.load_result(job.pk)
    cls = registry.load(res.analysis)
    english = (get_language() or "ko").startswith("en")
    return render(request, "analysis/result.html", {
        "job": job, "result": res, "cls": cls, "narrative": res.narrative.en if english else res.narrative.ko,
        "tables": {k: table_payload(t, 200) for k, t in res.tables.items()},
        "layers": [{"name": la.name, "title": la.title_en if english else la.title_ko, "geojson": la.geojson,
                    "style": la.style} for la in res.layers],
        "charts": [{"title": c.title_en if english else c.title_ko, "kind": c.kind, "data": c.data}
                   for c in res.charts], "formats": list(FORMATS)})


@permission_required("analysis.view", raise_exception=True)
def export(request: HttpRequest, job_id, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    job = _job(request, job_id)
    from mokmin.reports import export as render_report

    res = services.load_result(job.pk)
    english = (get_language() or "ko").startswith("en")
    cls = registry.load(res.analysis)
    body = render_report(res, fmt, language="en" if english else "ko", base_layer=_base_layer(),
                         title=cls.TITLE_EN if english else cls.TITLE_KO)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{res.analysis}-{job.created_at:%Y%m%d}.{fmt}"'
    return response


def _base_layer():
    from django.conf import settings

    path = settings.MOKMIN_CONFIG.home / "demo" / "geography" / "dongs.4326.geojson"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
