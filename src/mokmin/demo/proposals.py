"""The demo 구청's proposals (구민창안, 공무원제안) in every stage, and two policy debates.

Files (under ``home/demo/proposals``, people by username, departments by code, moments as ISO strings before
:data:`mokmin.demo.knowledge.AS_OF`, which the loader moves by the same whole number of weeks as the knowledge
history):

- ``proposals.json``: one record per proposal with its stage history (``events``: to, actor, department, note,
  at), the citizen's name and contact in clear (the loader seals them, as the public page does), the learning
  club it came out of, and ``duplicate_of`` / ``related`` by tracking code;
- ``debates.json``: topics with arguments for and against, comments and, for a closed one, the summary.

What the demo must show: each stage (접수, 검토, 심사, 채택, 불채택, 실시, 시상) holds at least two proposals,
citizens' and staff's both; three staff proposals come out of learning clubs whose members wrote them; two
proposals are rewordings that were merged as duplicates and two more are rewordings still waiting at 접수, so
similar-proposal detection has something to find. Topics (:data:`TOPICS`) are written by hand; the seed decides
who proposed, which dong, the dates, the reviewers and the order of the plan (:data:`STAGE_PLAN`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mokmin.atomic import atomic_file
from mokmin.demo.context import DemoContext
from mokmin.demo.geography import DONG_NAMES
from mokmin.demo.knowledge import AS_OF, KST

__all__ = ["FIRST_STAGES", "NAME", "STAGE_PLAN", "TOPICS", "generate"]

NAME = "proposals"
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
"""The tracking-code letters of :mod:`mokmin.web.proposals.services` (no 0/O, 1/I)."""
OFFICE = "demo_km"
"""Who runs the proposal office in the demo: the knowledge manager login assigns, decides and awards."""
ORDER = ("received", "review", "evaluation", "adopted", "implemented", "awarded")

Rng = np.random.Generator


@dataclass(frozen=True)
class Topic:
    title: str
    problem: str
    solution: str
    effect: str
    division: str
    """The 과 that reviews it (by name, from :data:`mokmin.demo.organisation.TREE`)."""
    kind: str = "citizen"
    club: str | None = None


TOPICS: tuple[Topic, ...] = (
    Topic("초등학교 앞 이면도로 불법 주정차 단속 강화",
          "등하교 시간마다 초등학교 앞 이면도로에 불법 주정차 차량이 줄지어 서 있어 아이들이 차 사이로 다닙니다.",
          "통학 시간에 집중 단속을 하고 이동식 단속 카메라를 배치해 주세요.", "어린이 교통사고 예방과 통학로 안전 확보", "주차관리과"),
    Topic("공동주택 음식물 쓰레기 수거함 확충",
          "단지 안 음식물 쓰레기 수거함이 부족해 여름철 넘친 쓰레기에서 악취가 심합니다.",
          "세대 수에 맞게 수거함을 늘리고 여름철 수거 횟수를 주 3회로 늘려 주세요.", "악취 민원 감소와 위생 개선", "청소행정과"),
    Topic("국공립 어린이집 입소 대기 해소",
          "국공립 어린이집 대기 기간이 1년이 넘어 맞벌이 가정이 육아휴직을 연장하고 있습니다.",
          "아파트 관리동 어린이집을 국공립으로 전환하고 대기 현황을 공개해 주세요.", "보육 부담 완화와 저출산 대응", "가족정책과"),
    Topic("근린공원 그늘막과 쉼터 설치",
          "여름 한낮에 근린공원에 그늘이 없어 어르신과 아이들이 이용하기 어렵습니다.",
          "놀이터와 산책로 옆에 그늘막과 벤치를 갖춘 쉼터를 만들어 주세요.", "폭염 피해 예방과 공원 이용 증가", "공원녹지과"),
    Topic("골목길 보안등 LED 교체와 증설",
          "주택가 골목길 보안등이 낡고 간격이 멀어 밤길이 어둡고 무섭습니다.",
          "오래된 보안등을 LED로 바꾸고 어두운 구간에 보안등을 더 달아 주세요.", "야간 범죄 예방과 전기요금 절감", "건설과"),
    Topic("버스정류장 겨울철 온열의자 설치",
          "겨울 아침 버스를 기다리는 어르신들이 차가운 의자에 앉지 못하고 서서 기다립니다.",
          "유동 인구가 많은 버스정류장부터 온열의자와 바람막이를 설치해 주세요.", "교통약자 편의 증진", "교통행정과"),
    Topic("반려견 놀이터 조성",
          "반려견과 산책할 곳이 마땅치 않아 공원에서 목줄 갈등이 자주 생깁니다.",
          "하천변 유휴 부지에 울타리를 둔 반려견 놀이터를 만들어 주세요.", "주민 갈등 감소와 반려 문화 정착", "공원녹지과"),
    Topic("구립 도서관 평일 야간 개관",
          "퇴근 뒤에는 구립 도서관이 문을 닫아 직장인이 책을 빌리기 어렵습니다.",
          "평일 열람실과 자료실을 밤 10시까지 열어 주세요.", "직장인 독서 기회 확대", "문화체육과"),
    Topic("재활용품 분리배출 안내 다국어 스티커",
          "외국인 주민이 많은 지역에서 분리배출 요일과 방법을 몰라 재활용품이 섞여 버려집니다.",
          "영어, 중국어, 베트남어 분리배출 안내 스티커를 배출 장소에 붙여 주세요.", "재활용률 향상과 외국인 주민 정착 지원",
          "청소행정과"),
    Topic("하천 산책로 자전거와 보행자 분리",
          "하천 산책로에서 빠르게 달리는 자전거와 보행자가 부딪히는 사고가 잦습니다.",
          "산책로에 자전거 도로와 보행로를 색으로 나누고 속도 안내판을 세워 주세요.", "산책로 안전사고 예방", "건설과"),
    Topic("거주자 우선주차 나눔주차 확대", "낮 시간에 비어 있는 거주자 우선주차면이 많은데 방문객은 주차할 곳이 없습니다.",
          "비어 있는 시간대의 거주자 우선주차면을 방문객과 나누어 쓰는 나눔주차를 앱으로 운영합시다.",
          "주차면 회전율 향상과 불법 주정차 감소", "주차관리과", "staff", "주차행정 연구모임"),
    Topic("주정차 단속 통계 대시보드 공개", "동별 단속 건수와 민원 건수를 묻는 요청이 많은데 매번 엑셀로 집계해 회신합니다.",
          "단속·민원 통계를 가명처리해 내부망 대시보드로 공개하고 매주 자동으로 갱신합시다.", "반복 집계 업무 절감과 데이터 기반 단속",
          "정보통신과", "staff", "빅데이터 분석 동아리"),
    Topic("특이 민원 응대 매뉴얼과 사례집 제작", "폭언이나 반복 민원을 처음 겪는 직원이 혼자 대응하다 마음의 상처를 입습니다.",
          "동아리가 모은 응대 사례로 단계별 응대 매뉴얼을 만들어 신규 직원 교육에 씁시다.", "직원 보호와 민원 만족도 향상",
          "민원여권과", "staff", "민원 응대 연구회"),
    Topic("출장 여비 정산 서식 간소화", "출장 한 번에 여비 정산 서식을 세 번 따로 적어야 해 시간이 많이 듭니다.",
          "출장 신청 내용이 정산 서식에 자동으로 채워지도록 전자결재 서식을 고칩시다.", "행정 업무 시간 절감", "총무과",
          "staff"),
    Topic("체납 안내문 모바일 전자고지 확대", "종이 체납 안내문이 반송되거나 늦게 도착해 납부가 늦어집니다.",
          "동의한 납세자에게 체납 안내를 모바일 전자고지로 보내고 납부 링크를 함께 안내합시다.", "우편 비용 절감과 징수율 향상",
          "징수과", "staff"),
    Topic("스쿨존 노란 신호등 설치", "어린이보호구역 횡단보도 신호등이 눈에 잘 띄지 않아 운전자가 속도를 줄이지 않습니다.",
          "어린이보호구역 신호등을 노란색으로 바꾸고 바닥 신호등을 함께 설치해 주세요.", "어린이 보행 안전 강화", "교통행정과"),
    Topic("경로당 여름철 냉방비 지원", "전기요금이 올라 경로당에서 에어컨을 제대로 켜지 못합니다.",
          "폭염 기간 경로당 냉방비를 구비로 더 지원해 주세요.", "어르신 폭염 피해 예방", "노인장애인과"),
    Topic("공영주차장 야간 개방", "주택가 공영주차장이 밤에 닫혀 주변 골목에 차가 몰립니다.",
          "공영주차장을 야간에 인근 주민에게 정기권으로 개방해 주세요.", "야간 주차난 완화", "주차관리과"),
    Topic("무인 민원발급기 점자와 음성 안내", "시각장애인이 무인 민원발급기를 혼자 쓰기 어렵습니다.",
          "무인 민원발급기에 점자 키패드와 음성 안내 기능을 넣어 주세요.", "장애인 민원 접근성 향상", "민원여권과"),
    Topic("전통시장 공용 장바구니 대여", "전통시장에서 비닐봉지 사용이 여전히 많습니다.",
          "시장 입구에서 공용 장바구니를 빌려주고 돌려받는 대여함을 운영해 주세요.", "일회용품 감축", "일자리경제과"),
)

REWORDINGS: tuple[tuple[int, str, tuple[str, str, str, str]], ...] = (
    (0, "merged", ("학교 앞 골목 불법주차 단속해 주세요", "통학로 이면도로에 불법으로 주차한 차량들 때문에 학생들이 위험해요.",
                   "카메라로 단속하여 주시기 바랍니다.", "")),
    (1, "merged", ("음식물쓰레기 수거함을 늘려주세요", "수거함이 모자라서 여름마다 냄새가 심합니다.",
                   "아파트 단지별로 음식물 쓰레기 수거함을 더 놓아 주세요.", "")),
    (3, "received", ("공원에 그늘막이 필요해요", "한여름 공원 벤치와 놀이터에 그늘이 하나도 없습니다.",
                     "그늘막과 쉼터 설치를 바랍니다.", "")),
    (2, "received", ("어린이집이 부족합니다", "국공립어린이집 입소 대기가 너무 길어서 복직을 못 하고 있어요.",
                     "국공립 어린이집을 늘려 주세요.", "")),
)
"""Later submissions that say what an earlier topic says (index into :data:`TOPICS`): two merged, two waiting."""

FIRST_STAGES = ("review", "implemented", "evaluation", "awarded")
"""Where topics 0-3 stand: past 접수, so that their rewordings have a standing original to be merged into."""
STAGE_PLAN = ("received", "received", "review", "review", "review", "evaluation", "evaluation", "adopted",
              "adopted", "adopted", "rejected", "rejected", "rejected", "implemented", "implemented", "awarded")
"""Where topics 4-19 stand, in an order the seed shuffles. With :data:`FIRST_STAGES` and the rewordings: every
stage holds at least two proposals, and two are merged."""

SESSIONS = ("2026년 상반기 제안심사위원회", "2026년 하반기 제안심사위원회")
ADOPT_REASONS = ("실현 가능성과 효과가 높고 예산 범위 안에서 추진할 수 있음", "여러 동에서 같은 요구가 있어 우선 추진 필요",
                 "관련 부서 검토 결과 즉시 시행 가능")
REJECT_REASONS = ("관계 법령상 구에서 시행할 수 없는 사항임", "이미 추진 중인 사업과 내용이 같음", "소요 예산에 비해 효과가 크지 않음")
REVIEW_NOTES = ("현장 확인 결과 개선 필요성 인정", "관련 부서와 협의함", "유사 사례를 조사함")
IMPLEMENT_NOTES = ("시범 운영을 시작함", "올해 예산에 반영해 설치를 마침", "관련 지침을 고쳐 시행함")
AWARDS = ("우수상 (포상금 50만 원)", "장려상 (포상금 30만 원)", "노력상 (포상금 10만 원)")
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ("민수", "서연", "지훈", "하은", "도윤", "수아", "현우", "지민", "영숙", "정희", "상철", "미경", "준호", "은지")

DEBATES = (
    {"title": "주택가 공영주차장 유료화", "background": "무료로 운영하는 주택가 공영주차장에 장기 주차 차량이 늘어 회전율이 "
     "낮습니다. 유료화로 회전율을 높일지, 주민 부담을 고려해 무료를 유지할지 의견을 모읍니다.", "topic": 17, "open": False,
     "pro": ("유료화하면 장기 방치 차량이 줄어 실제로 필요한 주민이 쓸 수 있습니다.", "다른 자치구도 유료화 뒤 회전율이 크게 올랐습니다."),
     "con": ("주민 부담이 늘고 골목 불법 주정차가 다시 늘 수 있습니다.",),
     "comments": ("장애인과 다자녀 가구 감면을 함께 검토하면 좋겠습니다.", "시범 운영 구역을 정해 효과를 먼저 봅시다."),
     "summary": "한 곳을 정해 6개월 시범 유료화(감면 대상 포함)를 하고, 회전율과 주변 불법 주정차 변화를 본 뒤 다시 논의하기로 함."},
    {"title": "음식물 쓰레기 RFID 종량기 전 단지 확대", "background": "일부 공동주택에서 시범 운영 중인 RFID 종량기를 모든 "
     "단지로 넓힐지 논의합니다. 배출량은 줄었지만 설치비와 관리비 부담이 있습니다.", "topic": 1, "open": True,
     "pro": ("시범 단지에서 배출량이 15% 줄었습니다.",), "con": ("단지 관리비 부담이 커 소규모 단지는 어렵습니다.",
                                                         "기계 고장 때 배출을 못 해 민원이 생깁니다."),
     "comments": ("소규모 단지는 거점형 종량기를 공동으로 쓰는 방법도 있습니다.",), "summary": ""},
)


def _code(rng: Rng) -> str:
    raw = "".join(CODE_ALPHABET[int(i)] for i in rng.integers(0, len(CODE_ALPHABET), size=8))
    return f"{raw[:4]}-{raw[4:]}"


def _moment(day: dt.date, rng: Rng) -> str:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    at = dt.datetime(day.year, day.month, day.day, int(rng.integers(9, 18)), int(rng.integers(0, 60)), tzinfo=KST)
    return at.isoformat()


class _People:
    def __init__(self, demo_dir: Path) -> None:
        org = demo_dir / "organisation"
        self.departments = json.loads((org / "departments.json").read_text(encoding="utf-8"))
        self.users = json.loads((org / "users.json").read_text(encoding="utf-8"))
        clubs_file = demo_dir / "knowledge" / "clubs.json"
        clubs = json.loads(clubs_file.read_text(encoding="utf-8")) if clubs_file.exists() else []
        self.club_members = {c["name"]: [m["user"] for m in c["members"]] for c in clubs}
        self.code = {d["name"]: d["code"] for d in self.departments}
        self.parent = {d["code"]: d["parent_code"] for d in self.departments}

    def in_division(self, code: str) -> list[str]:
        return [u["username"] for u in self.users if code in (u["department_code"], self.parent.get(u["department_code"]))
                and not u["demo_login"]]

    def staff(self) -> list[str]:
        return [u["username"] for u in self.users if not u["demo_login"]]


def _pick(rng: Rng, values: list | tuple) -> Any:
    return values[int(rng.integers(len(values)))]


def _proposal(rng: Rng, people: _People, topic: Topic, stage: str, created: dt.date, code: str,
              text: tuple[str, str, str, str] | None = None) -> dict[str, Any]:
    title, problem, solution, effect = text or (topic.title, topic.problem, topic.solution, topic.effect)
    division = people.code[topic.division]
    members = people.club_members.get(topic.club or "", [])
    proposer = _pick(rng, members) if members else _pick(rng, people.staff()) if topic.kind == "staff" and not text \
        else None
    record: dict[str, Any] = {
        "tracking_code": code, "kind": "staff" if proposer else "citizen", "title": title, "problem": problem,
        "solution": solution, "effect": effect, "dong": _pick(rng, DONG_NAMES)[0], "proposer": proposer,
        "club": topic.club if members else None, "stage": stage, "department": None, "evaluation_session": "",
        "decision_reason": "", "duplicate_of": None, "related": [], "created_at": _moment(created, rng),
        "citizen": None if proposer else {
            "name": _pick(rng, SURNAMES) + _pick(rng, GIVEN),
            "contact": f"010-{int(rng.integers(2000, 9999))}-{int(rng.integers(1000, 9999))}"},
        "events": [{"from": "", "to": "received", "actor": proposer, "department": None, "note": "",
                    "at": _moment(created, rng)}]}
    reviewers = people.in_division(division)
    path = (*ORDER[:ORDER.index("evaluation") + 1], "rejected") if stage == "rejected" \
        else ORDER[:ORDER.index(stage) + 1]
    day = created
    for previous, to in itertools.pairwise(path):
        day += dt.timedelta(days=int(rng.integers(7, 25)))
        actor, note = OFFICE, ""
        if to == "review":
            record["department"], note = division, "소관 부서 검토 요청"
        elif to == "evaluation":
            actor, note = _pick(rng, reviewers), _pick(rng, REVIEW_NOTES)
            record["evaluation_session"] = _pick(rng, SESSIONS)
        elif to in {"adopted", "rejected"}:
            note = record["decision_reason"] = _pick(rng, ADOPT_REASONS if to == "adopted" else REJECT_REASONS)
        elif to == "implemented":
            actor, note = _pick(rng, reviewers), _pick(rng, IMPLEMENT_NOTES)
        elif to == "awarded":
            note = _pick(rng, AWARDS)
        record["events"].append({"from": previous, "to": to, "actor": actor, "department": record["department"],
                                 "note": note, "at": _moment(day, rng)})
    return record


def _debates(rng: Rng, people: _People, proposals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    staff = people.staff()
    for spec in DEBATES:
        opened = AS_OF - dt.timedelta(days=int(rng.integers(40, 90)))
        arguments = [{"side": side, "author": _pick(rng, staff), "body": body,
                      "at": _moment(opened + dt.timedelta(days=int(rng.integers(1, 20))), rng)}
                     for side in ("pro", "con") for body in spec[side]]
        comments = [{"author": _pick(rng, staff), "body": body, "argument": None,
                     "at": _moment(opened + dt.timedelta(days=int(rng.integers(5, 25))), rng)} for body in spec["comments"]]
        out.append({"title": spec["title"], "background": spec["background"], "moderator": OFFICE,
                    "proposal": proposals[spec["topic"]]["tracking_code"], "is_public": True,
                    "is_open": spec["open"], "summary": spec["summary"], "created_at": _moment(opened, rng),
                    "closed_at": None if spec["open"] else _moment(opened + dt.timedelta(days=30), rng),
                    "arguments": sorted(arguments, key=lambda a: a["at"]), "comments": comments})
    return out


def generate(ctx: DemoContext) -> dict[str, Any]:
    """Write ``proposals.json`` and ``debates.json`` under ``ctx.area_dir("proposals")``."""
    rng = ctx.rng(NAME)
    out = ctx.area_dir(NAME)
    people = _People(ctx.demo_dir)
    shuffled = list(STAGE_PLAN)
    rng.shuffle(shuffled)
    plan = [*FIRST_STAGES, *shuffled]
    codes: list[str] = []
    while len(codes) < len(TOPICS) + len(REWORDINGS):
        code = _code(rng)
        if code not in codes:
            codes.append(code)
    proposals = []
    for k, (topic, stage) in enumerate(zip(TOPICS, plan, strict=True)):
        ahead = {"received": 20, "review": 60, "evaluation": 110, "adopted": 160, "rejected": 150,
                 "implemented": 220, "awarded": 300}[stage]
        created = AS_OF - dt.timedelta(days=ahead + int(rng.integers(5, 30)))
        proposals.append(_proposal(rng, people, topic, stage, created, codes[k]))
    for n, (index, state, text) in enumerate(REWORDINGS):
        original = proposals[index]
        created = dt.date.fromisoformat(original["created_at"][:10]) + dt.timedelta(days=int(rng.integers(3, 12)))
        record = _proposal(rng, people, TOPICS[index], "received", created, codes[len(TOPICS) + n], text)
        if state == "merged":
            record["stage"], record["duplicate_of"], record["related"] = "merged", original["tracking_code"], [
                original["tracking_code"]]
            record["events"].append({"from": "received", "to": "merged", "actor": OFFICE, "department": None,
                                     "note": "같은 취지의 먼저 접수된 제안에 병합",
                                     "at": _moment(created + dt.timedelta(days=5), rng)})
        proposals.append(record)
    debates = _debates(rng, people, proposals)
    for name, rows in (("proposals.json", proposals), ("debates.json", debates)):
        with atomic_file(out / name) as handle:
            handle.write("[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n]\n")
    stages: dict[str, int] = {}
    for record in proposals:
        stages[record["stage"]] = stages.get(record["stage"], 0) + 1
    return {"proposals": len(proposals), "stages": dict(sorted(stages.items())), "debates": len(debates),
            "from_clubs": sum(1 for r in proposals if r["club"])}
