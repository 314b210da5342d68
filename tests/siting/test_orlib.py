"""OR-Library p-median: the published optima of pmed1-10 (Beasley 1985; optima.json in the shared test data),
and the file reader on tiny hand-written graphs.

The instances are read where they are (``/work/shared/testdata/pmed``), never copied into the repository.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mokmin.errors import InputError, NotFoundError
from mokmin.siting.orlib import instance_paths, load_optima, parse_edges, read_instance, shortest_paths
from mokmin.siting.pmedian import solve_pmedian
from tests.siting.conftest import PMED, orlib_text, write

OPTIMA = json.loads((PMED / "optima.json").read_text(encoding="utf-8")) if PMED.is_dir() else {}
NAMES = [f"pmed{i}" for i in range(1, 11)]

needs_pmed = pytest.mark.skipif(not PMED.is_dir(), reason=f"OR-Library instances not found at {PMED}")


@needs_pmed
@pytest.mark.parametrize("name", NAMES)
def test_pmed_reproduces_the_published_optimum(name: str) -> None:
    instance = read_instance(PMED / f"{name}.txt")
    assert instance.optimum == OPTIMA[name]
    result = solve_pmedian(instance.problem(), instance.p, time_limit=60)
    assert result.objective == OPTIMA[name]
    assert result.proven_optimal and result.bound == result.objective and result.gap == 0
    assert len(result.chosen) == instance.p == len(set(result.chosen))
    # the reported objective is the cost of the reported sites, recomputed from the distance matrix
    assert instance.distances[:, list(result.chosen)].min(axis=1).sum() == OPTIMA[name]


@needs_pmed
def test_pmed_instances_listed_in_numeric_order() -> None:
    assert [p.stem for p in instance_paths(PMED)] == NAMES


@needs_pmed
def test_pmed1_header_and_matrix() -> None:
    """pmed1: 100 vertices, p = 5; a symmetric all-pairs shortest-path matrix with a zero diagonal."""
    instance = read_instance(PMED / "pmed1.txt")
    assert (instance.name, instance.n, instance.p) == ("pmed1", 100, 5)
    d = instance.distances
    assert d.shape == (100, 100) and np.array_equal(d, d.T) and not d.diagonal().any()
    # triangle inequality holds for shortest paths: d[i, k] <= d[i, j] + d[j, k]
    assert (d[:, None, :] <= d[:, :, None] + d[None, :, :] + 1e-9).all()


def test_duplicate_edge_last_line_wins(tmp_path: Path) -> None:
    """Edge 1-2 is listed as 10, then 1; the last line wins, so d(1, 2) = 1 and d(1, 3) = 1 + 2 = 3.

    With "minimum wins" the answer would be the same for 1-2, so 2-3 is listed 1 then 5: last-wins gives
    d(2, 3) = 5 and d(1, 3) = min(edge 1-3 = 7, 1 + 5) = 6, min-wins would give d(2, 3) = 1 and d(1, 3) = 2.
    """
    text = orlib_text(3, 1, [(1, 2, 10), (2, 3, 1), (1, 3, 7), (1, 2, 1), (3, 2, 5)])
    n, p, edges = parse_edges(text)
    assert (n, p) == (3, 1)
    assert edges == {(0, 1): 1.0, (1, 2): 5.0, (0, 2): 7.0}
    d = read_instance(write(tmp_path, "tiny.txt", text), optima={}).distances
    assert d[0, 1] == 1 and d[1, 2] == 5 and d[0, 2] == 6


def test_shortest_paths_by_hand() -> None:
    """A path 0 -1- 1 -2- 2 -4- 3 with a shortcut 0-3 of 6: d(0, 3) = 6, d(1, 3) = 6, d(0, 2) = 3.

    A zero-cost edge (2-4) must still connect: d(2, 4) = 0 and d(0, 4) = 3 (csgraph reads stored zeros as gaps).
    """
    d = shortest_paths(5, {(0, 1): 1.0, (1, 2): 2.0, (2, 3): 4.0, (0, 3): 6.0, (2, 4): 0.0})
    assert d[0, 3] == 6 and d[1, 3] == 6 and d[0, 2] == 3 and d[3, 1] == 6
    assert d[2, 4] == 0 and d[0, 4] == 3


def test_small_graph_pmedian_by_hand(tmp_path: Path) -> None:
    """Star with centre 1 (edges 1-2, 1-3, 1-4 of cost 2) and a tail 4-5 of cost 3, p = 1.

    Centre 1 costs 2 + 2 + 2 + 5 = 11; vertex 4 costs 2 + 4 + 4 + 3 = 13: the optimum opens vertex 1 (index 0).
    """
    path = write(tmp_path, "star.txt", orlib_text(5, 1, [(1, 2, 2), (1, 3, 2), (1, 4, 2), (4, 5, 3)]))
    instance = read_instance(path, optima={"star": 11})
    result = solve_pmedian(instance.problem(), instance.p)
    assert result.chosen == (0,) and result.objective == 11 == instance.optimum and result.proven_optimal


@pytest.mark.parametrize(("text", "row"), [
    ("4 3 1\n1 2 5\n2 3 5\n", 4),  # three edges announced, two given: line 4 is the first one missing
    ("4 3 1\n1 2 5\n2 3 5\n3 4", 4),  # the last edge cut off in the middle
    ("4 3 1\n1 2 5\n2 3 5\n3 4 x\n", 4),
    ("4 3 1\n1 2 5\n2 3 nan\n3 4 5\n", 3),
    ("4 3 1\n1 2 5\n2 9 5\n3 4 5\n", 3),
    ("4 3 1\n1 2 5\n0 3 5\n3 4 5\n", 3),
    ("4 3 1\n1 2 5\n2 3 -1\n3 4 5\n", 3),
    ("4 3 1\n\n1 2 5\n\n2 9 5\n3 4 5\n", 5),  # blank lines: the row is the line in the file
    ("4 x 1\n1 2 5\n", 1),
    ("4 3 7\n1 2 5\n2 3 5\n3 4 5\n", 1),  # p > n
    ("4 3\n", 1),
])
def test_bad_files_name_the_file_and_row(tmp_path: Path, text: str, row: int) -> None:
    path = write(tmp_path, "bad.txt", text)
    with pytest.raises(InputError) as info:
        read_instance(path, optima={})
    assert info.value.location.file == str(path)
    assert info.value.location.row == row
    assert str(path) in str(info.value) and f"row {row}" in info.value.message("en")


def test_disconnected_graph_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path, "split.txt", orlib_text(4, 1, [(1, 2, 1), (3, 4, 1)]))
    with pytest.raises(InputError) as info:
        read_instance(path, optima={})
    assert info.value.location.file == str(path)
    assert "connected" in info.value.message_en


def test_missing_files_are_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError) as info:
        read_instance(tmp_path / "pmed99.txt")
    assert info.value.location.file == str(tmp_path / "pmed99.txt")
    with pytest.raises(NotFoundError):
        load_optima(tmp_path / "optima.json")


def test_optima_read_beside_the_file(tmp_path: Path) -> None:
    (tmp_path / "optima.json").write_text('{"tri": 2}', encoding="utf-8")
    path = write(tmp_path, "tri.txt", orlib_text(3, 1, [(1, 2, 1), (2, 3, 1)]))
    assert read_instance(path).optimum == 2
    assert load_optima(near=path) == {"tri": 2.0}
