"""The benchmark peer: PySAL spopt's MCLP solved by CBC through pulp, run in its own process.

``python -m mokmin.siting.spopt_peer INSTANCE.npz --time-limit S`` reads the instance written by
:func:`write_instance` (demand and candidate coordinates in metres, weights, radius, k), builds spopt's model
from the dense cost matrix exactly as its documentation does (``MCLP.from_cost_matrix``), solves it with
``pulp.PULP_CBC_CMD`` and prints one JSON line: build and solve seconds, the status, the chosen sites and the
covered demand recomputed here from the chosen sites (so both solvers are scored the same way).

Why a subprocess: importing pulp loads highspy when it is installed, and highspy >= 1.15 and OR-Tools crash in
one process (google/or-tools#5246). mokmin's own process never imports pulp, spopt or highspy; this module
imports them only under ``__main__``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from numpy.typing import NDArray


def write_instance(path: Path, demand_xy: NDArray[np.float64], weights: NDArray[np.float64],
                   candidate_xy: NDArray[np.float64], radius: float, k: int) -> None:
    """Store an MCLP instance for the peer (compressed NumPy archive)."""
    np.savez_compressed(path, demand_xy=demand_xy, weights=weights, candidate_xy=candidate_xy,
                        radius=np.float64(radius), k=np.int64(k))


def _run(path: Path, time_limit: float | None) -> dict[str, object]:
    import pulp  # only in the peer's process
    from scipy.spatial.distance import cdist
    from spopt.locate import MCLP

    data = np.load(path)
    demand_xy, weights, candidate_xy = data["demand_xy"], data["weights"], data["candidate_xy"]
    radius, k = float(data["radius"]), int(data["k"])
    start = time.perf_counter()
    cost = cdist(demand_xy, candidate_xy)
    model = MCLP.from_cost_matrix(cost, weights, service_radius=radius, p_facilities=k)
    built = time.perf_counter()
    options = {"msg": False}
    if time_limit is not None:
        options["timeLimit"] = time_limit
    model.problem.solve(pulp.PULP_CBC_CMD(**options))
    solved = time.perf_counter()
    chosen = [j for j, var in enumerate(model.fac_vars) if (var.value() or 0) > 0.5]
    covered = float(weights[(cost[:, chosen] <= radius).any(axis=1)].sum()) if chosen else 0.0
    return {"solver": f"spopt {_version('spopt')} + CBC (pulp {pulp.__version__})",
            "status": pulp.LpStatus.get(model.problem.status, str(model.problem.status)),
            "solution_status": pulp.LpSolution.get(getattr(model.problem, "sol_status", 0), "unknown"),
            "objective": covered, "reported_objective": pulp.value(model.problem.objective),
            "build_seconds": round(built - start, 3), "solve_seconds": round(solved - built, 3),
            "seconds": round(solved - start, 3), "sites": chosen}


def _version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance", type=Path)
    parser.add_argument("--time-limit", type=float, default=None)
    args = parser.parse_args(argv)
    try:
        result = _run(args.instance, args.time_limit)
    except ImportError as exc:
        result = {"solver": "spopt + CBC", "status": "unavailable", "error": str(exc)}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
