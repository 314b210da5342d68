"""The ``mokmin`` command. Each command's help is in Korean and English.

This module stays free of Django: commands that need the database call into :mod:`mokmin.web.commands`,
imported only when such a command runs, so ``mokmin --help`` starts fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from mokmin import __version__
from mokmin.errors import MokminError


def _web():
    from mokmin.web import commands

    return commands


class MokminGroup(click.Group):
    """Turns a :class:`MokminError` into a clear two-language message and exit status 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MokminError as exc:
            click.echo(f"오류 / error [{exc.code}]: {exc}", err=True)
            problems = exc.details.get("problems") if isinstance(exc.details, dict) else None
            for problem in (problems or [])[:20]:
                click.echo(f"  - {json.dumps(problem, ensure_ascii=False)}", err=True)
            sys.exit(2)


@click.group(cls=MokminGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 160,
                                                "terminal_width": 160})
@click.version_option(__version__, prog_name="mokmin")
def main() -> None:
    """목민: 지방정부의 지식과 데이터를 한곳에 모으고 분석합니다.

    mokmin: knowledge and data platform for Korean local governments, offline on the intranet.
    Settings come from environment variables (MOKMIN_HOME, DATABASE_URL, REDIS_URL...): see docs/settings.md.
    """


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="주소 / address to listen on")
@click.option("--port", default=8000, show_default=True, type=int, help="포트 / port")
@click.option("--threads", default=8, show_default=True, type=int, help="처리 스레드 수 / worker threads")
@click.option("--no-worker", is_flag=True, help="작업 처리기를 띄우지 않음 / do not start the job worker")
def serve(host: str, port: int, threads: int, no_worker: bool) -> None:
    """웹 서버와 작업 처리기를 실행합니다 / Serve the web app (and run the job worker)."""
    _web().serve(host=host, port=port, threads=threads, worker=not no_worker)


@main.command()
def migrate() -> None:
    """데이터베이스를 만들거나 최신 구조로 바꿉니다 / Create or upgrade the database schema."""
    _web().migrate()


@main.command()
@click.option("--seed", default=1, show_default=True, type=int, help="난수 씨앗 / random seed (same seed, same data)")
@click.option("--force", is_flag=True, help="있어도 다시 생성 / regenerate even if present")
def demo(seed: int, force: bool) -> None:
    """가상 자치구(인구 약 40만, 16개 동) 생성 / Generate the demo district into MOKMIN_HOME (does not serve).

    같은 씨앗이면 같은 데이터가 생깁니다. 이미 있으면 다시 쓰지 않습니다.
    The same seed gives the same data; an existing demo is reused unless --force.
    """
    summary = _web().demo(seed=seed, force=force)
    click.echo(json.dumps(summary, ensure_ascii=False))


@main.command()
@click.argument("username")
@click.option("--name", "display_name", default="", help="성명 / display name")
@click.option("--department", default=None, help="부서 코드 / department code")
@click.option("--role", "roles", multiple=True, default=["staff"], show_default=True,
              type=click.Choice(["staff", "knowledge_manager", "data_steward", "analyst", "sysadmin"]),
              help="역할(여러 번 지정 가능) / role (repeatable)")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="비밀번호 / password (8+ chars of 2 kinds, or 10+)")
def createuser(username: str, display_name: str, department: str | None, roles: tuple[str, ...], password: str) -> None:
    """사용자를 만듭니다 / Create a user account."""
    _web().createuser(username, display_name=display_name, department=department, roles=roles, password=password)
    click.echo(f"created {username}")


@main.command()
@click.option("--workers", default=2, show_default=True, type=int, help="동시 작업 수 / parallel jobs")
def worker(workers: int) -> None:
    """작업 처리기(큐 소비자)를 실행합니다 / Run the job worker (queue consumer)."""
    _web().worker(workers=workers)


@main.group()
def jobs() -> None:
    """작업 목록·진행·취소 / List, follow and cancel background jobs."""


@jobs.command("list")
@click.option("--limit", default=20, show_default=True)
def jobs_list(limit: int) -> None:
    """최근 작업 / recent jobs."""
    for row in _web().jobs_list(limit):
        click.echo(row)


@jobs.command("submit")
@click.argument("kind")
@click.option("--param", "params", multiple=True, help="key=value 매개변수 / parameter")
@click.option("--wait/--no-wait", default=True, help="끝날 때까지 진행률 표시 / show progress until done")
@click.option("--here", is_flag=True, help="큐 대신 이 프로세스에서 실행 / run in this process instead of the queue")
def jobs_submit(kind: str, params: tuple[str, ...], wait: bool, here: bool) -> None:
    """작업을 요청합니다 / Submit a job."""
    parsed = dict(p.split("=", 1) for p in params)
    job_id = _web().jobs_submit(kind, parsed, queue=not here)
    click.echo(f"job {job_id}")
    if here:
        _web().jobs_run(job_id)
    if wait or here:
        sys.exit(_web().jobs_watch(job_id))


@jobs.command("watch")
@click.argument("job_id")
def jobs_watch(job_id: str) -> None:
    """진행률을 표시합니다 / Show a job's progress bar until it ends."""
    sys.exit(_web().jobs_watch(job_id))


@jobs.command("cancel")
@click.argument("job_id")
def jobs_cancel(job_id: str) -> None:
    """작업을 취소합니다 / Cancel a job."""
    click.echo(_web().jobs_cancel(job_id))


@jobs.command("run")
@click.argument("job_id")
def jobs_run(job_id: str) -> None:
    """대기 중인 작업을 이 프로세스에서 실행합니다 / Run a queued job in this process."""
    click.echo(_web().jobs_run(job_id))


@main.group()
def knowledge() -> None:
    """지식 가져오기·색인 / Import knowledge and maintain its search index."""


@knowledge.command("import")
@click.argument("kind", type=click.Choice(["folder", "board", "mbox"]))
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--department", default=None, help="소관 부서 코드 / owning department code")
@click.option("--user", "username", default=None, help="가져오는 사람 / importing user (default: an administrator)")
@click.option("--draft", is_flag=True, help="게시하지 않고 작성 중으로 / import as drafts instead of publishing")
def knowledge_import(kind: str, path: Path, department: str | None, username: str | None, draft: bool) -> None:
    """문서 폴더·게시판 내보내기·mbox를 가져옵니다 / Import a folder tree, a board export or an mbox."""
    summary = _web().knowledge_import(kind, path.resolve(), department=department, username=username,
                                      publish=not draft)
    click.echo(json.dumps(summary, ensure_ascii=False))
    sys.exit(0 if summary.get("status") == "succeeded" else 1)


@knowledge.command("reindex")
def knowledge_reindex() -> None:
    """검색 색인을 다시 만듭니다 / Rebuild the knowledge search index."""
    click.echo(json.dumps(_web().knowledge_reindex()))


@main.group()
def audit() -> None:
    """개인정보 접속기록 / The personal-data access log."""


@audit.command("verify")
def audit_verify() -> None:
    """접속기록의 해시 체인을 검사합니다(직접 수정되면 실패) / Verify the hash chain; fails on tampering."""
    count, breaks = _web().audit_verify()
    for item in breaks:
        click.echo(f"BROKEN {item}", err=True)
    click.echo(json.dumps({"entries": count, "breaks": len(breaks), "ok": not breaks}))
    sys.exit(1 if breaks else 0)


@audit.command("export")
@click.option("--month", default=None, help="YYYY-MM (기본: 전체 / default: all)")
@click.option("--purpose", default="접속기록 점검", show_default=True, help="목적 / purpose")
@click.option("--output", type=click.Path(path_type=Path), required=True, help="CSV 파일 / output CSV file")
def audit_export(month: str | None, purpose: str, output: Path) -> None:
    """접속기록을 CSV(UTF-8 BOM)로 내보냅니다 / Export the log to CSV (UTF-8 with BOM)."""
    rows = _web().audit_export(month=month, purpose=purpose, output=output)
    click.echo(json.dumps({"rows": rows, "file": str(output)}))


def _register_bench() -> None:
    from mokmin.bench.cli import bench

    main.add_command(bench)


_register_bench()


def _register_hub() -> None:
    from mokmin.hub.cli import datasets, ingest

    main.add_command(ingest)
    main.add_command(datasets)


_register_hub()


def _register_ledger() -> None:
    from mokmin.ledger.cli import ledger

    @ledger.command("export")
    @click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
    def ledger_export(bundle: Path) -> None:
        """데이터베이스의 평가 원장을 번들로 내보냅니다 / Export the evaluation log from the database as a bundle."""
        click.echo(json.dumps(_web().ledger_export(bundle), ensure_ascii=False))

    main.add_command(ledger)


_register_ledger()


@main.command()
@click.argument("name")
@click.option("--title", required=True, help="목록에 보일 제목 / title shown in the catalogue")
@click.option("--owner-department", default=None, help="소관 부서 이름 또는 코드 / owning department, name or code")
@click.option("--description", default="", help="설명 / description")
def catalogue(name: str, title: str, owner_department: str | None, description: str) -> None:
    """ingest로 올린 데이터셋을 웹 목록에 등록합니다 / Put an ingested dataset into the web catalogue."""
    click.echo(json.dumps(_web().catalogue_add(name, title=title, owner=owner_department, description=description),
                          ensure_ascii=False))


@main.command()
@click.argument("name", required=False)
@click.option("--input", "inputs", multiple=True, help="역할=데이터셋 / role=dataset (e.g. events=parking-enforcement)")
@click.option("--param", "params", multiple=True, help="이름=값 매개변수 / name=value parameter")
@click.option("--output", type=click.Path(path_type=Path), default=None,
              help="결과를 저장할 폴더 / folder to keep the result in (tables as Parquet, the rest as JSON)")
@click.option("--export", "export_fmt", type=click.Choice(["hwpx", "xlsx", "pdf", "png"]), default=None,
              help="보고서 형식 / also write a report in this format into --output")
def analyze(name: str | None, inputs: tuple[str, ...], params: tuple[str, ...], output: Path | None,
            export_fmt: str | None) -> None:
    """분석 실행(이름 없이 실행하면 목록) / Run an analysis on hub datasets (no name: list the analyses)."""
    from mokmin import config
    from mokmin.analyses import registry

    if not name:
        for key, cls in registry.available().items():
            click.echo(json.dumps({"analysis": key, "title_ko": cls.TITLE_KO, "title_en": cls.TITLE_EN,
                                   "inputs": dict(cls.INPUTS)}, ensure_ascii=False))
        return
    cfg = config.load()
    result = registry.run(name, dict(p.split("=", 1) for p in params), dict(i.split("=", 1) for i in inputs),
                          home=cfg.home, engine=cfg.engine,
                          engine_options={"master": cfg.spark_master} if cfg.engine == "spark" else None, by="cli")
    click.echo(result.narrative.ko, err=True)
    summary = {"analysis": name, "tables": {k: t.num_rows for k, t in result.tables.items()},
               "layers": len(result.layers), "charts": len(result.charts), "narrative_ko": result.narrative.ko,
               "narrative_en": result.narrative.en, "inputs": dict(result.inputs)}
    if output is not None:
        from mokmin.analyses.storage import save

        save(result, output)
        summary["output"] = str(output)
        if export_fmt:
            from mokmin.atomic import atomic_file
            from mokmin.reports import export

            path = output.parent / f"{output.name}.{export_fmt}"
            with atomic_file(path, "wb") as handle:
                handle.write(export(result, export_fmt, title=registry.load(name).TITLE_KO))
            summary["report"] = str(path)
    click.echo(json.dumps(summary, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
