"""``mokmin bench``: one subcommand per benchmark; ``mokmin bench all`` runs every one."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click

from mokmin.bench.report import write_section

DEFAULT_DOC = Path("docs/benchmarks.md")


def _emit(name: str, command: str, summary, output: Path | None, notes: str = "") -> None:
    if output is not None:
        write_section(output, name, command, summary, notes)
    click.echo(json.dumps(summary, ensure_ascii=False))


def _timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


@click.group()
def bench() -> None:
    """성능 측정(마지막 줄에 JSON 요약) / Benchmarks, each printing a JSON summary last."""


@bench.command()
@click.option("--repeat", default=5, show_default=True, help="반복 횟수 / repetitions")
@click.option("--output", type=click.Path(path_type=Path), default=None, help="결과 기록 파일 / results markdown")
def startup(repeat: int, output: Path | None) -> None:
    """명령과 웹 앱의 시작 시간 / Start-up time of the CLI and of the web app (Django set-up + URL load)."""
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as home:
        env["MOKMIN_HOME"] = home
        cli = [_timed([sys.executable, "-m", "mokmin", "--help"], env) for _ in range(repeat)]
        app_code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='mokmin.web.settings'; django.setup();"
                    "from django.urls import get_resolver; get_resolver().url_patterns")
        app = [_timed([sys.executable, "-c", app_code], env) for _ in range(repeat)]
        bare = [_timed([sys.executable, "-c", "pass"], env) for _ in range(repeat)]
    summary = {"cli_help_s": round(statistics.median(cli), 3), "web_app_setup_s": round(statistics.median(app), 3),
               "python_bare_s": round(statistics.median(bare), 3), "repeat": repeat}
    _emit("startup", f"mokmin bench startup --repeat {repeat}", summary, output,
          "Median wall time of a fresh process; `python_bare_s` is the interpreter alone, for comparison.")


@bench.command("demo")
@click.option("--seed", default=1, show_default=True)
@click.option("--output", type=click.Path(path_type=Path), default=None, help="결과 기록 파일 / results markdown")
def demo_bench(seed: int, output: Path | None) -> None:
    """가상 자치구 생성 시간(빈 MOKMIN_HOME에서, 두 번째는 재사용) / Demo generation, cold and warm."""
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as home:
        env["MOKMIN_HOME"] = home
        migrate = _timed([sys.executable, "-m", "mokmin", "migrate"], env)
        cold = _timed([sys.executable, "-m", "mokmin", "demo", "--seed", str(seed)], env)
        warm = _timed([sys.executable, "-m", "mokmin", "demo", "--seed", str(seed)], env)
    summary = {"migrate_s": round(migrate, 2), "demo_cold_s": round(cold, 2), "demo_warm_s": round(warm, 2),
               "seed": seed}
    _emit("demo", f"mokmin bench demo --seed {seed}", summary, output,
          "Cold: empty MOKMIN_HOME after migrate; warm: a second `mokmin demo` that reuses what is there.")


@bench.command("all")
@click.option("--output", type=click.Path(path_type=Path), default=DEFAULT_DOC, show_default=True)
@click.pass_context
def all_benchmarks(ctx: click.Context, output: Path) -> None:
    """모든 측정을 실행하고 docs/benchmarks.md에 기록합니다 / Run every benchmark and record them."""
    results = {}
    for name, command in sorted(bench.commands.items()):
        if name == "all":
            continue
        click.echo(f"== {name}", err=True)
        ctx.invoke(command, output=output)
        results[name] = "done"
    click.echo(json.dumps(results))


from mokmin.search.bench import search_quality, search_speed  # noqa: E402  (registered after the group exists)

bench.add_command(search_quality)
bench.add_command(search_speed)

from mokmin.hub.bench import ingest_bench  # noqa: E402  (registered after the group exists)

bench.add_command(ingest_bench)

from mokmin.hub.engine.bench import engine_bench  # noqa: E402

bench.add_command(engine_bench)

from mokmin.analyses.hotspot_bench import gistar_bench  # noqa: E402

bench.add_command(gistar_bench)

from mokmin.siting.bench import mclp_bench, pmed_bench  # noqa: E402

bench.add_command(pmed_bench)
bench.add_command(mclp_bench)

from mokmin.ledger.cli import ledger_bench  # noqa: E402

bench.add_command(ledger_bench)
