"""OR-Library p-median instances (J.E. Beasley, "A note on solving large p-median problems", EJOR 21, 1985).

File format (``pmed1.txt`` .. ``pmed40.txt``)::

    n m p          vertices, edges, medians
    i j cost       m lines, 1-based vertices, undirected edges

An edge listed twice keeps the cost of its **last** line (Beasley's own note; a "minimum over duplicates" reading
gives different optima). Every vertex is both a client and a candidate; the distance between two vertices is
the length of the shortest path in the graph (Dijkstra from every vertex, :func:`scipy.sparse.csgraph.
shortest_path`). The proven optima come from an ``optima.json`` (``{"pmed1": 5819, ...}``) beside the files,
from an explicit path, or from the shared test-data folder's list.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.sparse import csgraph

from mokmin.errors import ErrorLocation, InputError, NotFoundError
from mokmin.siting.problems import MedianProblem

SHARED_DIR = Path("/work/shared/testdata/pmed")


@dataclass(frozen=True)
class OrlibInstance:
    """One instance: its name (file stem), size, p, the all-pairs distance matrix and the optimum if known."""

    name: str
    n: int
    p: int
    distances: NDArray[np.float64]
    optimum: float | None = None

    def problem(self) -> MedianProblem:
        """The p-median array core: every vertex a client of weight 1 and a candidate."""
        return MedianProblem.from_cost_matrix(self.distances)


def _error(path: Path, line: int | None, ko: str, en: str) -> InputError:
    return InputError(ko, en, location=ErrorLocation(file=str(path), row=line))


def parse_edges(text: str, path: Path = Path("<text>")) -> tuple[int, int, dict[tuple[int, int], float]]:
    """``(n, p, {(i, j): cost})`` with 0-based ``i < j``; a repeated edge keeps its last cost.

    Values are read as a stream of numbers (the files' spacing varies), each remembered with its line, so an
    error names the line where the bad value, or the first missing edge, is.
    """
    tokens = [(line, token) for line, content in enumerate(text.splitlines(), start=1) for token in content.split()]
    if len(tokens) < 3:
        raise _error(path, 1, "첫 줄에 'n m p'가 없습니다", "the first line must be 'n m p'")

    def number(pos: int, kind: type[int] | type[float]) -> float:
        line, token = tokens[pos]
        try:
            return kind(token)
        except ValueError as exc:
            raise _error(path, line, f"숫자가 아닌 값 {token!r}이(가) 있습니다", f"not a number: {token!r}") from exc

    n, m, p = (int(number(pos, int)) for pos in range(3))
    if n < 1 or m < 0 or not 0 <= p <= n:
        raise _error(path, tokens[0][0], "첫 줄의 n, m, p가 잘못되었습니다", "the first line must be 'n m p', 0 <= p <= n")
    if len(tokens) < 3 + 3 * m:
        complete = (len(tokens) - 3) // 3
        missing = 3 + 3 * complete
        line = tokens[missing][0] if missing < len(tokens) else tokens[-1][0] + 1
        raise _error(path, line, f"간선 {m}개 중 {complete}개만 있습니다", f"only {complete} of {m} edges")
    edges: dict[tuple[int, int], float] = {}
    for e in range(m):
        first = 3 + 3 * e
        i, j, cost = (number(first + t, float) for t in range(3))
        a, b = int(i) - 1, int(j) - 1
        if not (0 <= a < n and 0 <= b < n and i == int(i) and j == int(j)) or not 0 <= cost < math.inf:
            raise _error(path, tokens[first][0], "정점 번호나 비용이 잘못되었습니다",
                         "vertex out of range or negative cost")
        if a != b:
            edges[(min(a, b), max(a, b))] = float(cost)  # the last line wins
    return n, p, edges


def shortest_paths(n: int, edges: dict[tuple[int, int], float]) -> NDArray[np.float64]:
    """All-pairs shortest path lengths of the undirected graph (inf between components)."""
    if not edges:
        out = np.full((n, n), np.inf)
        np.fill_diagonal(out, 0.0)
        return out
    pairs = np.array(list(edges), dtype=np.int64)
    costs = np.array(list(edges.values()), dtype=np.float64)
    # csgraph reads an explicit zero in a sparse matrix as "no edge": a zero-cost edge gets a tiny length instead.
    costs = np.where(costs == 0, np.finfo(np.float64).tiny, costs)
    graph = sparse.csr_array((costs, (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    dist = csgraph.shortest_path(graph, method="D", directed=False)
    return np.where(dist < 1e-300, 0.0, dist)


def load_optima(path: Path | None = None, *, near: Path | None = None) -> dict[str, float]:
    """Known optima by instance name: from ``path``, else ``optima.json`` beside ``near``, else the shared list.

    An explicit ``path`` that does not exist is an error (falling back to another list would compare against
    optima the caller did not name)."""
    if path is not None and not path.is_file():
        raise NotFoundError(f"최적값 파일 {path}이(가) 없습니다", f"no optima file {path}",
                            location=ErrorLocation(file=str(path)))
    candidates = [path] if path is not None else []
    if near is not None:
        candidates.append((near if near.is_dir() else near.parent) / "optima.json")
    candidates.append(SHARED_DIR / "optima.json")
    for candidate in candidates:
        if candidate is not None and candidate.is_file():
            data = json.loads(candidate.read_text(encoding="utf-8"))
            return {str(k): float(v) for k, v in data.items()}
    return {}


def read_instance(path: Path, optima: dict[str, float] | None = None) -> OrlibInstance:
    """Read an OR-Library p-median file; the optimum is looked up by the file's stem (``pmed7``)."""
    path = Path(path)
    if not path.is_file():
        raise NotFoundError(f"파일 {path}이(가) 없습니다", f"no such file {path}", location=ErrorLocation(file=str(path)))
    n, p, edges = parse_edges(path.read_text(encoding="ascii", errors="replace"), path)
    distances = shortest_paths(n, edges)
    if not np.isfinite(distances).all():
        raise _error(path, None, "연결되지 않은 그래프입니다", "the graph is not connected")
    known = load_optima(near=path) if optima is None else optima
    return OrlibInstance(path.stem, n, p, distances, known.get(path.stem))


def instance_paths(folder: Path = SHARED_DIR) -> list[Path]:
    """The ``pmed*.txt`` files of a folder in numeric order (pmed2 before pmed10)."""
    def number(p: Path) -> int:
        found = re.search(r"(\d+)", p.stem)
        return int(found.group(1)) if found else 0
    return sorted(folder.glob("pmed*.txt"), key=number)


__all__ = ["SHARED_DIR", "OrlibInstance", "instance_paths", "load_optima", "parse_edges", "read_instance",
           "shortest_paths"]
