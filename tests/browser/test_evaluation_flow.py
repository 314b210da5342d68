"""Done when (issue 7), in headless Chromium against the served demo: an administrator creates a session with two
evaluators; each, in a browser context of their own, makes an Ed25519 key in the browser (WebCrypto, never sent),
declares conflicts, commits, reveals and signs; the administrator publishes; the public page shows the ranking,
the proofs and the signed checkpoint; ``mokmin ledger export`` then ``mokmin ledger verify`` pass and a tampered
copy fails. A citizen submits a proposal on the public page and follows it by its tracking code."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.browser.test_demo_roles import login

pytestmark = pytest.mark.browser

EVALUATORS = {"demo_staff": [15, 30, 15, 16], "demo_analyst": [17, 34, 14, 15]}  # per criterion, subject 가


def context(browser, demo_server):
    made = browser.new_context(locale="ko-KR", base_url=demo_server)
    return made, made.new_page()


def create_session(page) -> str:
    login(page, "demo_km")
    page.goto("/evaluation/new")
    page.get_by_label("제목").fill("브라우저 시험 제안서 평가")
    page.get_by_label("종류").select_option("procurement")
    page.get_by_label("결과 규칙").select_option("mean")
    page.get_by_label("채점(약정) 마감").fill("2099-01-01T10:00")
    page.get_by_label("점수 공개 마감").fill("2099-01-02T10:00")
    page.get_by_label("평가 대상 (한 줄에 하나: 제안사, 응모작)").fill("제안사 가\n제안사 나")
    values = [page.locator("#id_members option", has_text=f"({name})").get_attribute("value") for name in EVALUATORS]
    page.locator("#id_members").select_option(values)
    page.get_by_role("button", name="만들기").click()
    page.wait_for_url(re.compile(r".*/evaluation/ev-[^/]+/$"))
    return page.url


def evaluator_step(page, url: str, button: str, done: str) -> None:
    page.goto(url)
    page.get_by_role("button", name=button).click()
    page.wait_for_selector(done)


def test_a_whole_session_in_the_browser_then_verified_offline(browser, demo_server, demo_env, tmp_path):
    admin_context, admin = context(browser, demo_server)
    url = create_session(admin)
    evaluators = {}
    for name in EVALUATORS:
        evaluators[name] = context(browser, demo_server)
        login(evaluators[name][1], name)
        evaluator_step(evaluators[name][1], url, "브라우저에서 서명 키 만들기", "#key-registered")
        stored = evaluators[name][1].evaluate("""() => new Promise(done => {
            const open = indexedDB.open('mokmin-evaluation', 1);
            open.onsuccess = () => { const get = open.result.transaction('keys').objectStore('keys').getAll();
              get.onsuccess = () => done(get.result.map(p => [p.privateKey.extractable, p.privateKey.algorithm.name])); };
        })""")
        assert stored == [[False, "Ed25519"]]  # the private key is in the browser and cannot be exported
    admin.goto(url)
    admin.get_by_role("button", name="회차 개시").click()
    admin.wait_for_selector("text=처리했습니다.")

    for name, scores in EVALUATORS.items():
        page = evaluators[name][1]
        evaluator_step(page, url, "이해충돌 신고에 서명", "#commit-form")
        inputs = page.locator("input[data-subject]")
        for i in range(inputs.count()):
            subject_one = inputs.nth(i).get_attribute("data-subject") == "subject-1"
            inputs.nth(i).fill(str(scores[i % 4] if subject_one else scores[i % 4] - 2))
        page.get_by_role("button", name="점수 봉인 제출").click()
        page.wait_for_selector("#committed, #reveal-form")
    for name in EVALUATORS:
        page = evaluators[name][1]
        evaluator_step(page, url, "점수 공개", "#sign-form")
        evaluator_step(page, url, "평가표에 최종 서명", "#my-done")
    admin.goto(url)
    assert admin.locator("#members tbody tr").count() == 2
    admin.get_by_role("button", name="결과 공개").click()
    admin.wait_for_selector("#phase:has-text('결과 공개')")

    public_context, public = context(browser, demo_server)
    session_id = url.rstrip("/").rsplit("/", 1)[-1]
    public.goto(f"/public/evaluation/{session_id}/")
    ranking = public.locator("#ranking tbody tr")
    assert ranking.count() == 2 and "제안사 가" in ranking.first.inner_text()  # 76 and 80 beat 68 and 72
    assert public.locator("#proofs tbody tr").count() == 2 * 3 + 1
    assert public.locator("#checkpoint").inner_text().startswith("mokmin.local/evaluation")
    for made, _page in [*evaluators.values(), (admin_context, admin), (public_context, public)]:
        made.close()

    mokmin = [sys.executable, "-m", "mokmin"]
    bundle = tmp_path / "x.json"
    subprocess.run([*mokmin, "ledger", "export", str(bundle)], env=demo_env, check=True, capture_output=True)
    verified = subprocess.run([*mokmin, "ledger", "verify", str(bundle)], env=demo_env, capture_output=True,
                              text=True)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert json.loads(verified.stdout.splitlines()[-1])["sessions"][session_id]["counted"] == 2
    data = json.loads(bundle.read_text(encoding="utf-8"))
    reveal = next(e for e in data["entries"] if e["kind"] == "evaluation.reveal" and e["payload"]["session"] == session_id)
    reveal["payload"]["scores"]["subject-2"]["c1"] = 20
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    refused = subprocess.run([*mokmin, "ledger", "verify", str(tampered)], env=demo_env, capture_output=True,
                             text=True)
    assert refused.returncode == 1 and "root" in refused.stdout


def test_a_citizen_submits_a_proposal_and_follows_it(page):
    page.goto("/public/proposals/new")
    a, b = map(int, re.findall(r"\d+", page.locator("#question").inner_text())[:2])
    page.get_by_label("제목").fill("버스 정류장 온열 의자 설치")
    page.get_by_label("현황 및 문제점").fill("겨울 아침 정류장에서 기다리는 어르신들이 추위에 떱니다.")
    page.get_by_label("개선방안").fill("유동 인구가 많은 정류장부터 온열 의자를 설치합니다.")
    page.get_by_role("textbox", name="이름:", exact=True).fill("홍길동")
    page.get_by_label("연락처 (전화 또는 이메일)").fill("010-1234-5678")
    page.get_by_role("checkbox", name=re.compile("수집하는 데 동의합니다")).check()
    page.get_by_label("자동 등록 방지: 두 수의 합").fill(str(a + b))
    page.get_by_role("button", name="제출").click()
    if page.get_by_role("button", name="그래도 제출").count():
        page.get_by_role("button", name="그래도 제출").click()
    code = page.locator("#tracking-code").inner_text()
    page.get_by_role("link", name="처리 경과 보기").click()
    assert code in page.content() and "버스 정류장 온열 의자 설치" in page.content()
    assert "접수" in page.locator("h2").first.inner_text()
