"""Bodies of the ``mokmin`` commands that need Django. :mod:`mokmin.cli` parses options and calls these."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mokmin.web.settings")
    import django

    django.setup()


def migrate(verbosity: int = 1) -> None:
    setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


def demo(seed: int, force: bool = False) -> dict:
    migrate(verbosity=0)
    from django.conf import settings

    from mokmin.demo.generate import generate
    from mokmin.web.demo_loaders import load_all

    manifest = generate(settings.MOKMIN_CONFIG.home, seed, force=force)
    loaded = load_all(settings.MOKMIN_CONFIG.home, seed, force=force)
    return {"home": str(settings.MOKMIN_CONFIG.home), "seed": seed,
            "areas": manifest.get("areas", {}), "loaded": loaded}


def createuser(username: str, *, display_name: str, department: str | None, roles: Iterable[str],
               password: str) -> None:
    setup()
    from mokmin.roles import Role
    from mokmin.web.accounts.services import create_user
    from mokmin.web.audit.services import Actor

    create_user(username, password=password, display_name=display_name, department_code=department,
                roles=[Role(r) for r in roles], superuser=Role.SYSADMIN.value in roles, actor=Actor.system("cli"))


def serve(host: str, port: int, threads: int, worker: bool) -> None:
    setup()
    from waitress import serve as waitress_serve

    from mokmin.web.wsgi import application

    child = None
    if worker:
        child = subprocess.Popen([sys.executable, "-m", "mokmin", "worker"])
    print(f"mokmin: http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    try:
        waitress_serve(application, host=host, port=port, threads=threads, ident="mokmin")
    finally:
        if child is not None:
            child.send_signal(signal.SIGINT)
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


def worker(workers: int = 2) -> None:
    setup()
    from mokmin.web.jobs.queue import get_queue
    from mokmin.web.jobs.runner import reap_stale

    reap_stale()
    consumer = get_queue().create_consumer(workers=workers, worker_type="thread", periodic=True)
    consumer.run()


def jobs_list(limit: int) -> list[str]:
    setup()
    from mokmin.web.jobs.models import Job
    from mokmin.web.jobs.runner import reap_stale

    reap_stale()
    return [f"{j.pk}  {j.status:<11} {j.percent if j.percent is not None else '-':>4}%  {j.kind:<16} {j.title}"
            for j in Job.objects.all()[:limit]]


def jobs_submit(kind: str, params: dict, queue: bool = True) -> str:
    setup()
    from django.db import transaction

    from mokmin.web.jobs.services import submit

    with transaction.atomic():
        job = submit(kind, params, queue=queue)
    return str(job.pk)


def jobs_run(job_id: str) -> str:
    setup()
    from mokmin.web.jobs.runner import run_job

    status = run_job(job_id)
    return status.value if status else "not queued"


def jobs_cancel(job_id: str) -> str:
    setup()
    from mokmin.web.jobs.models import Job
    from mokmin.web.jobs.services import cancel

    return cancel(Job.objects.get(pk=job_id)).status


def jobs_watch(job_id: str, poll: float = 0.5) -> int:
    """Draw a progress bar until the job ends; exit status 0 only if it succeeded."""
    setup()
    import click

    from mokmin.web.jobs.models import Job, Status

    job = Job.objects.get(pk=job_id)
    with click.progressbar(length=100, label=job.title, show_percent=True) as bar:
        shown = 0
        while True:
            job.refresh_from_db()
            pct = job.percent or 0
            if pct > shown:
                bar.update(pct - shown)
                shown = pct
            if job.finished:
                break
            time.sleep(poll)
    click.echo(f"{job.status}: {job.result or job.error or ''}")
    return 0 if job.status == Status.SUCCEEDED else 1


def audit_verify():
    setup()
    from mokmin.web.audit.services import verify

    return verify()


def audit_export(month: str | None, purpose: str, output: Path) -> int:
    setup()
    from mokmin.web.audit.jobs import export_csv
    from mokmin.web.audit.services import Actor

    return export_csv(output, Actor.system("cli"), purpose, month=month)


def knowledge_import(kind: str, path: Path, *, department: str | None, username: str | None, publish: bool) -> dict:
    """Run an import as a job in this process, with the progress bar, and return its result."""
    setup()
    from mokmin.web.accounts.models import User
    from mokmin.web.jobs.models import Job
    from mokmin.web.jobs.runner import run_job
    from mokmin.web.jobs.services import submit

    user = User.objects.get(username=username) if username else User.objects.filter(is_superuser=True).first()
    job = submit("knowledge.import", {"kind": kind, "path": str(path), "department": department or "",
                                      "publish": "1" if publish else "0"}, user=user, queue=False)
    run_job(job.pk)
    job = Job.objects.get(pk=job.pk)
    return {"job": str(job.pk), "status": job.status, **(job.result or {}), **({"error": job.error} if job.error else {})}


def knowledge_reindex() -> dict:
    setup()
    from mokmin.web.knowledge.index import rebuild
    from mokmin.web.qa.index import rebuild_questions

    return {"indexed": rebuild(), "questions": rebuild_questions()}


def catalogue_add(name: str, *, title: str, owner: str | None, description: str = "") -> dict:
    """Put a dataset the CLI ingested into the web catalogue, so the pages (explore, analyses) offer it."""
    setup()
    from django.db.models import Q

    from mokmin.web.accounts.models import Department
    from mokmin.web.datahub.models import Dataset
    from mokmin.web.datahub.services import register_existing

    department = Department.objects.filter(Q(code=owner) | Q(name=owner)).first() if owner else None
    if owner and department is None:
        from mokmin.errors import ErrorLocation, NotFoundError

        raise NotFoundError(f"부서 {owner}이(가) 없습니다", f"no department {owner}",
                            location=ErrorLocation(field="owner-department", value=owner))
    dataset = register_existing(name, title=title, owner_code=department.code if department else None)
    if description:
        Dataset.objects.filter(pk=dataset.pk).update(description=description)
    return {"dataset": dataset.name, "title": dataset.title, "schema": dataset.schema,
            "owner": department.name if department else None, "sensitivity": dataset.sensitivity}


def ledger_export(path: Path) -> dict:
    """Write the evaluation log's bundle (entries, cosigned checkpoints, keys, proofs) for ``mokmin ledger verify``."""
    setup()
    from mokmin.web.evaluation.checkpoints import export

    return export(path)
