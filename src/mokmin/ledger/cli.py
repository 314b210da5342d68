"""``mokmin ledger``: check an exported bundle offline; ``mokmin bench ledger``: the ledger benchmark.

The group is defined here, without Django, so that ``mokmin ledger verify`` runs anywhere. Commands that need the
database (``mokmin ledger export``) live in :mod:`mokmin.web.commands` and join the group from there with
``ledger.add_command(export)``; :func:`mokmin.cli._register_ledger` registers the group on ``mokmin``.

``verify`` exit statuses: 0 when everything checks (a JSON summary on the last line), 1 when anything fails (every
problem printed, one per line, Korean / English, then the JSON summary with ``"ok": false``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from mokmin.ledger.note import Verifier

from mokmin.errors import InputError


@click.group("ledger")
def ledger() -> None:
    """평가 원장(머클 로그) 내보내기·검증 / The evaluation ledger: export and verify bundles."""


def _key(_ctx: click.Context, _param: click.Parameter, value: object) -> object:
    from mokmin.ledger.note import Verifier

    try:
        if isinstance(value, tuple):
            return tuple(Verifier.from_string(v) for v in value) or None
        return Verifier.from_string(value) if value else None
    except InputError as exc:
        raise click.BadParameter(str(exc)) from None


@ledger.command("verify")
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--log-key", default=None, callback=_key,
              help="신뢰하는 로그 검증키(기본: 번들의 키) / trusted log verifier key (default: the bundle's)")
@click.option("--witness-key", multiple=True, callback=_key,
              help="신뢰하는 증인 검증키, 여러 번 / trusted witness verifier key, repeatable (default: the bundle's)")
@click.option("--quorum", type=click.IntRange(min=0), default=None,
              help="체크포인트마다 필요한 연서명 수(기본: 모든 증인) / cosignatures needed per checkpoint (default: all)")
def verify(bundle: Path, log_key: Verifier | None, witness_key: tuple[Verifier, ...] | None,
           quorum: int | None) -> None:
    """번들을 데이터베이스·서버 없이 검증합니다 / Verify a bundle offline: roots, proofs, signatures, commitments, ranking."""
    from mokmin.ledger.bundle import read_bundle, verify_bundle

    try:
        data = read_bundle(bundle)
    except InputError as exc:
        click.echo(f"실패 / failed: {exc}")
        click.echo(json.dumps({"ok": False, "file": str(bundle)}, ensure_ascii=False))
        sys.exit(1)
    report = verify_bundle(data, log_key=log_key, witness_keys=witness_key, quorum=quorum)
    for finding in report.rejected:
        click.echo(f"거부된 공개 / rejected reveal: {finding.text()}")
    for finding in report.problems:
        click.echo(f"문제 / problem: {finding.text()}")
    summary = {"ok": report.ok, "file": str(bundle), "problems": len(report.problems),
               "rejected_reveals": len(report.rejected), **report.summary}
    click.echo(json.dumps(summary, ensure_ascii=False))
    if not report.ok:
        sys.exit(1)


LEDGER_BENCH_NOTES = (
    "Signed appends per second (Ed25519 check + durable SQLite leaf + tree), proof generation and verification "
    "latency on the log, and the time to verify the whole log from its rows against a signed checkpoint; the "
    "`pymerkle` section is the same measures with that package on the same run (its proofs are not RFC 9162's "
    "wire format, so only times compare). Goals of issue 7: >= 5,000 appends/s, a 1,000,000-entry log verified "
    "in < 60 s.")


@click.command("ledger")
@click.option("--appends", default=20_000, show_default=True, type=click.IntRange(min=1),
              help="서명된 추가 건수 / signed appends to time")
@click.option("--log-size", default=1_000_000, show_default=True, type=click.IntRange(min=2),
              help="검증할 로그 크기 / entries in the log to verify")
@click.option("--proofs", default=1_000, show_default=True, type=click.IntRange(min=1),
              help="증명 표본 수 / proof samples")
@click.option("--peer/--no-peer", default=True, show_default=True, help="pymerkle 비교 / compare with pymerkle")
@click.option("--seed", default=0, show_default=True, type=int, help="난수 씨앗 / random seed")
@click.option("--output", type=click.Path(path_type=Path), default=None, help="결과 기록 파일 / results markdown")
def ledger_bench(appends: int, log_size: int, proofs: int, peer: bool, seed: int, output: Path | None) -> None:
    """평가 원장: 초당 추가, 증명 시간, 100만 항목 검증 / Ledger: appends/s, proof latency, 1M-entry verification."""
    from mokmin.bench.cli import _emit
    from mokmin.ledger.bench import run

    summary = run(appends=appends, log_size=log_size, proofs=proofs, peer=peer, seed=seed)
    command = (f"mokmin bench ledger --appends {appends} --log-size {log_size} --proofs {proofs} --seed {seed}"
               + ("" if peer else " --no-peer"))
    _emit("ledger", command, summary, output, LEDGER_BENCH_NOTES)


@ledger.command("witness", context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def witness(args: tuple[str, ...]) -> None:
    """증인 서버(키 생성·실행) / Run a witness: `keygen --name N --out F` or `serve --state F --key F --log-key V`.

    The same program as ``python -m mokmin.ledger.witness``, so an audit office runs it from the installed
    ``mokmin`` command.
    """
    from mokmin.ledger.witness import main

    raise SystemExit(main(list(args)))


__all__ = ["ledger", "ledger_bench", "verify", "witness"]
