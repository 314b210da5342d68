"""The parking team in the browser: every parking analysis on the demo district, and the hot spot, emerging hot
spot (by week), CCTV siting and lot siting analyses on the real Cheonan January 2024 records; each shows its map,
charts and narrative, and its HWPX and XLSX reports download and open.

With ``MOKMIN_SCREENSHOTS=<folder>`` each result page is also saved as a PNG there (the worked example in
docs/parking-cheonan.md is made this way).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tests.browser.test_demo_roles import login

pytestmark = pytest.mark.browser

DEMO = {"events": "parking-enforcement", "complaints": "parking-complaints"}


def _demo_runs(truth: dict) -> list[tuple[str, dict[str, str], dict[str, str]]]:
    camera = next(i for i in truth["interventions"] if i["kind"] == "cctv")
    return [
        ("hotspots", {"events": DEMO["events"]}, {}),
        ("emerging_hotspots", {"events": DEMO["events"]}, {}),
        ("underserved", DEMO, {}),
        ("patrol_plan", {"events": DEMO["events"]}, {"teams": "3"}),
        ("impact", DEMO, {"date": camera["date"], "lon": str(camera["lon"]), "lat": str(camera["lat"])}),
        ("cctv_siting", {**DEMO, "cctv": "cctv", "candidates": "siting-candidates"}, {"k": "8"}),
        ("parking_lot_siting", {**DEMO, "lots": "parking-lots", "candidates": "siting-candidates"}, {"k": "3"}),
    ]


CHEONAN_RUNS = [
    ("hotspots", {"events": "cheonan-enforcement"}, {}),
    ("emerging_hotspots", {"events": "cheonan-enforcement"}, {"slice": "week"}),
    ("cctv_siting", {"events": "cheonan-enforcement", "complaints": "", "cctv": "", "candidates": ""}, {"k": "10"}),
    ("parking_lot_siting", {"events": "cheonan-enforcement", "complaints": "", "lots": "cheonan-lots",
                            "candidates": ""}, {"k": "5"}),
]


def _fill(page, name: str, value: str) -> None:
    field = page.locator(f"[name='{name}']")
    if field.evaluate("e => e.tagName") == "SELECT":
        field.select_option(value)
    else:
        field.fill(value)


def _check_reports(page) -> None:
    """HWPX: a zip of OWPML parts that all parse as XML, with Korean text; XLSX: opens, first sheet has rows."""
    with page.expect_download() as download:
        page.get_by_role("link", name="HWPX").click()
    data = Path(download.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = package.namelist()
        assert names[0] == "mimetype" and package.read("mimetype") == b"application/hwp+zip"
        assert "Contents/section0.xml" in names and "Contents/content.hpf" in names
        for name in names:
            if name.endswith((".xml", ".hpf")):
                etree.fromstring(package.read(name))
        assert "다" in package.read("Contents/section0.xml").decode("utf-8")
    with page.expect_download() as download:
        page.get_by_role("link", name="XLSX").click()
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheet_names and len(book.get_sheet_by_index(0).to_python()) > 1


def _run(page, name: str, inputs: dict[str, str], params: dict[str, str], shot: Path | None) -> str:
    page.goto(f"/analysis/{name}/")
    for role, dataset in inputs.items():
        page.locator(f"select[name='input_{role}']").select_option(dataset)
    for key, value in params.items():
        _fill(page, key, value)
    page.get_by_role("button", name="분석 실행").click()
    page.wait_for_load_state("networkidle")
    alert = page.locator("p.error[role=alert]")
    assert alert.count() == 0, f"{name}: {alert.first.inner_text()}"
    page.wait_for_url("**/jobs/*/")
    page.wait_for_selector("[data-status=succeeded], [data-status=failed]", timeout=180_000)
    assert page.locator("[data-status=succeeded]").count() == 1, page.locator("#job-progress").inner_text()
    page.get_by_role("link", name="분석 결과 보기").click()
    page.wait_for_url("**/analysis/results/*/")
    narrative = page.get_by_test_id("narrative").inner_text()
    assert len(narrative) > 40 and any("\uac00" <= ch <= "\ud7a3" for ch in narrative), narrative
    page.wait_for_selector("#result-map path.leaflet-interactive", state="attached", timeout=30_000)
    page.wait_for_selector(".result-chart canvas", timeout=30_000)
    if shot is not None:
        page.wait_for_timeout(800)  # let the map tiles of boundaries and charts' animations settle
        page.screenshot(path=str(shot), full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": 1600})
    _check_reports(page)
    return narrative


def _context(browser, demo_server):
    return browser.new_context(locale="ko-KR", base_url=demo_server, accept_downloads=True,
                               viewport={"width": 1280, "height": 900})


def _shots() -> Path | None:
    folder = os.environ.get("MOKMIN_SCREENSHOTS")
    if not folder:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder)


def test_parking_team_runs_every_analysis_on_the_demo(browser, demo_server, demo_env):
    truth = json.loads((Path(demo_env["MOKMIN_HOME"]) / "demo" / "parking" / "hotspots_truth.json")
                       .read_text(encoding="utf-8"))
    context = _context(browser, demo_server)
    page = context.new_page()
    login(page, "demo_staff")
    shots = _shots()
    for name, inputs, params in _demo_runs(truth):
        narrative = _run(page, name, inputs, params, shots / f"demo-{name}.png" if shots else None)
        if name == "cctv_siting":
            assert "새 고정식 CCTV 8대" in narrative
        if name == "parking_lot_siting":
            assert "새 공영주차장 3곳" in narrative
    context.close()


def test_parking_team_runs_the_analyses_on_real_cheonan_records(browser, demo_server, demo_env, shared_testdata,
                                                                tmp_path):
    """The documented example script (docs/examples/cheonan-analyses.sh) loads the real files into the served
    district and runs the four analyses from the CLI; then the same analyses run from the pages."""
    script = Path(__file__).resolve().parents[2] / "docs" / "examples" / "cheonan-analyses.sh"
    env = {**demo_env, "MOKMIN": f"{sys.executable} -m mokmin", "TESTDATA": str(shared_testdata),
           "OUT": str(tmp_path / "example")}
    done = subprocess.run(["bash", str(script)], env=env, check=True, capture_output=True, text=True)
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith('{"analysis"')]
    assert [r["analysis"] for r in results] == [name for name, _, _ in CHEONAN_RUNS]
    for r in results:
        assert Path(r["report"]).stat().st_size > 10_000 and r["inputs"]["events"]["dataset"] == "cheonan-enforcement"
    context = _context(browser, demo_server)
    page = context.new_page()
    login(page, "demo_staff")
    shots = _shots()
    for name, inputs, params in CHEONAN_RUNS:
        narrative = _run(page, name, inputs, params, shots / f"cheonan-{name}.png" if shots else None)
        if name == "hotspots":
            assert "핫스팟" in narrative
        if name == "cctv_siting":
            assert "새 고정식 CCTV 10대" in narrative and "최적" in narrative
    context.close()
