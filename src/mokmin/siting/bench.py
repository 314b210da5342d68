"""``mokmin bench pmed`` and ``mokmin bench mclp``: exactness and speed of the siting solver.

Registered in :mod:`mokmin.bench.cli`.
Both print a JSON summary on their last line and, with ``--output``, write a section of docs/benchmarks.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import click

PMED_NOTES = """
OR-Library p-median instances (Beasley 1985): distances are all-pairs shortest paths of the graph (a repeated
edge keeps its last cost), optima from `optima.json` beside the files. `seconds` is the solve alone (reading
the file and the shortest paths are excluded), single process, SciPy's HiGHS. Method
(`mokmin.siting.pmedian`): greedy + interchange, Lagrangian bound with reduced-cost fixing, probing and radius
caps, then the radius formulation (Elloumi 2010; García, Labbé & Marín 2011) in chained form, levels grown
lazily; `proven_optimal` means the lower bound equals the objective (gap 0).
"""

MCLP_NOTES = """
Synthetic district (`mokmin.siting.synthetic.district`, seeded): 10,000 demand cells of 50 m with clustered
event counts in a 6 x 6 km area, 2,000 candidate sites at jittered ~100 m street intersections, radius 150 m,
k = 50. mokmin: greedy + 1-swap start with its submodular bound, then the reduced MCLP (dominated candidates
dropped, identical demand merged) in SciPy's HiGHS with a time limit; `gap` is relative to the proven upper
bound. Peer: spopt's `MCLP.from_cost_matrix` solved by CBC through pulp, in a separate process (pulp loads
highspy, which must not share a process with OR-Tools), with its own time limit; its objective is recomputed
from its chosen sites. `build_seconds` is spopt's model construction in Python.
"""


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(float(value), 6)


@click.command("pmed")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--optima", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="최적값 JSON (기본: 파일 옆 optima.json) / optima JSON (default: optima.json beside the files)")
@click.option("--time-limit", default=900.0, show_default=True, help="인스턴스당 초 / seconds per instance")
@click.option("--output", type=click.Path(path_type=Path), default=None, help="결과 기록 파일 / results markdown")
@click.option("--section", default="pmed", show_default=True,
              help="기록할 절 이름 / section name in the results file (e.g. pmed-orlib-40 for the whole set)")
def pmed_bench(files: tuple[Path, ...], optima: Path | None, time_limit: float, output: Path | None,
               section: str) -> None:
    """OR-Library p-median: 증명된 최적값까지의 시간 / Time to proven optimum on OR-Library pmed files."""
    from mokmin.bench.cli import _emit
    from mokmin.siting.orlib import instance_paths, load_optima, read_instance
    from mokmin.siting.pmedian import solve_pmedian

    paths = list(files) or instance_paths()
    rows: list[dict[str, Any]] = []
    table = ["| instance | n | p | objective | optimum | seconds | proven | MILP rounds | candidates removed |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for path in paths:
        known = load_optima(optima, near=path)
        instance = read_instance(path, known)
        result = solve_pmedian(instance.problem(), instance.p, time_limit=time_limit)
        row = {"instance": instance.name, "objective": _number(result.objective),
               "optimum": _number(instance.optimum), "seconds": round(result.seconds, 3),
               "proven_optimal": result.proven_optimal}
        rows.append(row)
        details = result.details
        table.append(f"| {instance.name} | {instance.n} | {instance.p} | {row['objective']} | {row['optimum']} | "
                     f"{row['seconds']} | {result.proven_optimal} | {details.get('rounds', 0)} | "
                     f"{details.get('removed', 0)} |")
        click.echo(f"{instance.name}: n={instance.n} p={instance.p} objective={row['objective']} "
                   f"optimum={row['optimum']} {row['seconds']} s proven={result.proven_optimal}", err=True)
    names = " ".join(p.name for p in paths) if len(paths) <= 12 else f"{len(paths)} files"
    _emit(section, f"mokmin bench pmed {names}", rows, output, PMED_NOTES + "\n" + "\n".join(table))


def _peer(demand: Any, candidates: Any, radius: float, k: int, time_limit: float) -> dict[str, Any]:
    """spopt + CBC on the same instance, in a fresh interpreter (never imported here)."""
    from mokmin.siting.spopt_peer import write_instance

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mclp.npz"
        write_instance(path, demand.xy, demand.weights, candidates.xy, radius, k)
        command = [sys.executable, "-m", "mokmin.siting.spopt_peer", str(path), "--time-limit", str(time_limit)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=time_limit * 3 + 300,
                                  check=False)
        except subprocess.TimeoutExpired:
            return {"status": "killed", "seconds": time_limit * 3 + 300}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {"status": "failed", "stderr": done.stderr[-500:]}
    result = json.loads(lines[-1])
    result.pop("sites", None)
    return result


@click.command("mclp")
@click.option("--seed", default=1, show_default=True)
@click.option("--demand", "n_demand", default=10_000, show_default=True, help="수요 격자 수 / demand cells")
@click.option("--candidates", "n_candidates", default=2_000, show_default=True, help="후보 수 / candidate sites")
@click.option("--k", default=50, show_default=True, help="새로 고를 수 / sites to choose")
@click.option("--radius", default=150.0, show_default=True, help="반경(m) / radius (m)")
@click.option("--time-limit", default=60.0, show_default=True, help="초 / seconds")
@click.option("--peer/--no-peer", default=True, show_default=True, help="spopt+CBC 비교 / run the spopt+CBC peer")
@click.option("--peer-time-limit", default=600.0, show_default=True, help="CBC 제한 시간 / CBC time limit")
@click.option("--output", type=click.Path(path_type=Path), default=None, help="결과 기록 파일 / results markdown")
def mclp_bench(seed: int, n_demand: int, n_candidates: int, k: int, radius: float, time_limit: float, peer: bool,
               peer_time_limit: float, output: Path | None) -> None:
    """최대 커버 입지(MCLP) 10,000 x 2,000, k=50 / MCLP at district scale, beside spopt with CBC."""
    from mokmin.bench.cli import _emit
    from mokmin.siting.coverage import solve_mclp
    from mokmin.siting.points import coverage_problem
    from mokmin.siting.synthetic import DistrictSpec, district

    spec = DistrictSpec(n_demand=n_demand, n_candidates=n_candidates)
    demand, candidates = district(seed, spec)
    start = time.perf_counter()
    problem = coverage_problem(demand, candidates, radius)
    matrix_seconds = time.perf_counter() - start
    result = solve_mclp(problem, k, time_limit=time_limit)
    ours = {"objective": _number(result.objective), "bound": _number(result.bound), "gap": round(result.gap, 6),
            "status": result.status, "seconds": round(result.seconds + matrix_seconds, 3),
            "matrix_seconds": round(matrix_seconds, 3), "heuristic": _number(result.details.get("heuristic")),
            "covered_share": round(result.coverage_share, 4), "within_0.1%": result.gap <= 1e-3}
    summary: dict[str, Any] = {
        "instance": {"seed": seed, "demand": len(demand), "candidates": len(candidates), "k": k, "radius": radius,
                     "covering_pairs": int(problem.covers.nnz), "total_demand": _number(problem.weights.sum())},
        "mokmin": ours}
    if peer:
        other = _peer(demand, candidates, radius, k, peer_time_limit)
        summary["spopt_cbc"] = other
        if isinstance(other.get("objective"), int | float):
            summary["spopt_vs_mokmin"] = round(float(other["objective"]) / max(result.objective, 1e-9), 6)
    command = (f"mokmin bench mclp --seed {seed} --demand {n_demand} --candidates {n_candidates} --k {k} "
               f"--radius {radius:g} --time-limit {time_limit:g}" + ("" if peer else " --no-peer"))
    _emit("mclp", command, summary, output, MCLP_NOTES)


__all__ = ["mclp_bench", "pmed_bench"]
