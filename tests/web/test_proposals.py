"""Proposals end to end with the Django test client and the real Kiwi: a citizen submits without an account and
follows the proposal by its tracking code; staff walk it through every stage with a history row per move;
forbidden moves and forbidden people are refused; similar proposals are found before saving; a duplicate is
merged; unsealing a citizen's contact is written to the access log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mokmin.audit import Action
from mokmin.errors import InputError
from mokmin.roles import Role

PARKING = {"title": "초등학교 앞 이면도로 불법 주정차 단속",
           "problem": "목민초등학교 앞 이면도로에 불법 주정차 차량이 많아 아이들 통학길이 위험합니다.",
           "solution": "통학 시간에 집중 단속을 하고 단속 카메라를 설치해 주세요.",
           "effect": "어린이 교통사고 예방"}
PARKING_REWORDED = {"title": "학교 앞 골목 불법주차 단속해 주세요",
                    "problem": "통학로 이면도로에 불법으로 주차한 차량들 때문에 학생들이 위험해요.",
                    "solution": "카메라로 단속하여 주시기 바랍니다.", "effect": ""}
LIBRARY = {"title": "구립 도서관 운영시간 연장",
           "problem": "퇴근 후에는 도서관이 문을 닫아 이용할 수 없습니다.",
           "solution": "평일에는 밤 10시까지 열람실을 열어 주세요.", "effect": "직장인 독서 기회 확대"}


@pytest.fixture(autouse=True)
def _fresh_index():
    from mokmin.web.knowledge import index

    index.reset()
    yield
    index.reset()


@pytest.fixture
def people(make_user):
    return {"km": make_user("km1", Role.STAFF, Role.KNOWLEDGE_MANAGER, department="3990110"),
            "reviewer": make_user("reviewer1", department="3990111"),  # a team of the assigned 과
            "outsider": make_user("outsider1", department="3990120"),
            "staff": make_user("proposer1", department="3990120")}


def citizen_submit(client, data, *, name="김철수", contact="010-1234-5678", confirm=False, ip="10.0.0.5"):
    page = client.get(reverse("proposals_public:new"))
    question = page.context["question"]
    post = {**data, "citizen_name": name, "citizen_contact": contact, "consent": "on",
            "challenge": question["token"], "answer": question["a"] + question["b"]}
    if confirm:
        post["confirm"] = "on"
    return client.post(reverse("proposals_public:new"), post, REMOTE_ADDR=ip)


def staff_proposal(user, data=PARKING, **extra):
    from mokmin.web.proposals import services

    return services.submit_staff(user, services.ProposalInput(**data, **extra), [])


@pytest.mark.django_db
def test_citizen_submits_without_an_account_and_follows_it_by_code(client, org):
    from mokmin.web.proposals.models import Kind, Proposal, Stage

    response = citizen_submit(client, PARKING)
    assert response.status_code == 200
    proposal = Proposal.objects.get()
    code = response.context["proposal"].tracking_code
    assert proposal.tracking_code == code and code in response.content.decode()
    assert (proposal.kind, proposal.stage, proposal.proposer) == (Kind.CITIZEN, Stage.RECEIVED, None)
    assert proposal.citizen_name_masked == "김*수"
    assert "010-1234-5678" not in proposal.citizen_sealed and "김철수" not in proposal.citizen_sealed

    status = client.get(reverse("proposals_public:status"), {"code": code.lower().replace("-", "")})
    page = status.content.decode()
    assert status.context["proposal"] == proposal and PARKING["title"] in page and "접수" in page
    missing = client.get(reverse("proposals_public:status"), {"code": "ZZZZ-ZZZZ"})
    assert missing.context["proposal"] is None and "찾지 못했습니다" in missing.content.decode()
    # a citizen never sees the staff side
    assert client.get(reverse("proposals:proposal", args=[proposal.pk])).status_code in {302, 403}


@pytest.mark.django_db
def test_public_form_needs_the_right_sum_and_limits_floods(client, org, settings):
    from mokmin.web.proposals import services
    from mokmin.web.proposals.models import Proposal

    page = client.get(reverse("proposals_public:new"))
    question = page.context["question"]
    wrong = client.post(reverse("proposals_public:new"), {
        **LIBRARY, "citizen_name": "이영희", "citizen_contact": "lee@example.org", "consent": "on",
        "challenge": question["token"], "answer": question["a"] + question["b"] + 1})
    assert wrong.status_code == 200 and not Proposal.objects.exists()
    forged = client.post(reverse("proposals_public:new"), {
        **LIBRARY, "citizen_name": "이영희", "citizen_contact": "lee@example.org", "consent": "on",
        "challenge": "1:2:forged", "answer": 3})
    assert forged.status_code == 200 and not Proposal.objects.exists()

    for n in range(services.RATE_LIMIT):
        assert citizen_submit(client, {**LIBRARY, "title": f"도서관 {n}"}, confirm=True).status_code == 200
    assert citizen_submit(client, LIBRARY, confirm=True).status_code == 409  # same address, within the hour
    assert citizen_submit(client, LIBRARY, confirm=True, ip="10.0.0.6").status_code == 200  # another address
    assert Proposal.objects.count() == services.RATE_LIMIT + 1
    assert all(len(p.submitter_key) == 16 and "10.0.0" not in p.submitter_key for p in Proposal.objects.all())


@pytest.mark.django_db
def test_full_stage_walk_with_history_seen_by_staff_and_citizen(client, org, people):
    from mokmin.web.proposals.models import Proposal, Stage

    citizen_submit(client, PARKING)
    proposal = Proposal.objects.get()
    code = proposal.tracking_code
    url = reverse("proposals:proposal", args=[proposal.pk])

    def act(user, action, **data):
        client.force_login(user)
        return client.post(reverse("proposals:act", args=[proposal.pk, action]), data)

    assert act(people["km"], "assign", department="3990110", note="주차 관련").status_code == 302
    assert act(people["reviewer"], "evaluate", session="2026-1차 제안심사", note="실현 가능").status_code == 302
    assert act(people["km"], "decide", adopted="1", reason="통학로 안전에 효과가 큼").status_code == 302
    assert act(people["reviewer"], "implement", note="단속 카메라 2대 설치").status_code == 302
    assert act(people["km"], "award", note="우수상").status_code == 302
    proposal.refresh_from_db()
    assert proposal.stage == Stage.AWARDED and proposal.department.code == "3990110"
    assert proposal.evaluation_session == "2026-1차 제안심사" and proposal.decision_reason == "통학로 안전에 효과가 큼"
    history = list(proposal.events.values_list("from_stage", "to_stage", "actor__username"))
    assert history == [("", "received", None), ("received", "review", "km1"), ("review", "evaluation", "reviewer1"),
                       ("evaluation", "adopted", "km1"), ("adopted", "implemented", "reviewer1"),
                       ("implemented", "awarded", "km1")]

    client.force_login(people["outsider"])  # any staff member reads the page and its history
    page = client.get(url).content.decode()
    assert "단속 카메라 2대 설치" in page and "reviewer1" in page
    client.logout()
    status = client.get(reverse("proposals_public:status"), {"code": code}).content.decode()
    assert "통학로 안전에 효과가 큼" in status and "우수상" in status and "시상" in status
    assert "reviewer1" not in status and "km1" not in status  # citizens see departments, not staff names
    adopted = client.get(reverse("proposals_public:adopted")).content.decode()
    assert PARKING["title"] in adopted and "김철수" not in adopted


@pytest.mark.django_db
def test_forbidden_transitions_and_people_are_refused(client, org, people):
    from mokmin.web.proposals.models import Stage

    proposal = staff_proposal(people["staff"])

    def act(user, action, **data):
        client.force_login(user)
        return client.post(reverse("proposals:act", args=[proposal.pk, action]), data).status_code

    assert act(people["km"], "decide", adopted="1", reason="좋음") == 409  # 접수 -> 채택 skips 검토 and 심사
    assert act(people["km"], "evaluate", session="1차") == 409
    assert act(people["staff"], "assign", department="3990110") == 403  # the proposer does not assign
    assert act(people["km"], "assign") == 400  # a department is required
    assert act(people["km"], "assign", department="3990110") == 302
    assert act(people["outsider"], "evaluate", session="1차") == 403  # not the assigned department
    assert act(people["km"], "assign", department="3990120") == 409  # already under review
    assert act(people["reviewer"], "evaluate", session="1차") == 302
    assert act(people["reviewer"], "decide", adopted="1", reason="좋음") == 403  # the office decides
    assert act(people["km"], "decide", adopted="0", reason="") == 400  # a reason is required
    assert act(people["km"], "decide", adopted="0", reason="예산 부족") == 302
    assert act(people["reviewer"], "implement", note="설치") == 409  # rejected proposals are not carried out
    proposal.refresh_from_db()
    assert proposal.stage == Stage.REJECTED and proposal.events.count() == 4
    assert act(people["km"], "bogus") == 404


@pytest.mark.django_db
def test_similar_proposals_are_shown_before_saving(client, org, people):
    from mokmin.web.proposals.models import Proposal

    original = staff_proposal(people["staff"])
    staff_proposal(people["staff"], LIBRARY)
    client.force_login(people["reviewer"])
    first = client.post(reverse("proposals:new"), PARKING_REWORDED)
    assert first.status_code == 200 and Proposal.objects.count() == 2  # not saved yet
    similar = first.context["similar"]
    assert [s.proposal for s in similar] == [original]
    assert similar[0].match.score >= 0.3 and "단속" in similar[0].match.shared
    assert "그래도 제출" in first.content.decode()
    second = client.post(reverse("proposals:new"), {**PARKING_REWORDED, "confirm": "on"})
    assert second.status_code == 302 and Proposal.objects.count() == 3
    unrelated = client.post(reverse("proposals:new"), {
        "title": "경로당 여름철 냉방비 지원", "problem": "경로당 전기요금이 어르신들께 부담입니다.",
        "solution": "여름철 냉방비를 구비로 지원해 주세요."})
    assert unrelated.status_code == 302  # nothing similar: saved at once
    page = client.get(reverse("proposals:proposal", args=[original.pk])).content.decode()
    assert PARKING_REWORDED["title"] in page  # the proposal page lists the similar one too


@pytest.mark.django_db
def test_citizen_sees_similar_titles_only(client, org, people):
    from mokmin.web.proposals.models import Proposal

    staff_proposal(people["staff"])
    response = citizen_submit(client, PARKING_REWORDED)
    page = response.content.decode()
    assert Proposal.objects.count() == 1 and PARKING["title"] in page
    assert PARKING["problem"] not in page and reverse("proposals:proposal", args=[1]) not in page
    assert citizen_submit(client, PARKING_REWORDED, confirm=True).context["proposal"].pk


@pytest.mark.django_db
def test_duplicate_is_merged_and_stops_moving(client, org, people):
    from mokmin.web.proposals.models import Stage

    original = staff_proposal(people["staff"])
    duplicate = staff_proposal(people["reviewer"], PARKING_REWORDED)
    client.force_login(people["staff"])
    assert client.post(reverse("proposals:act", args=[duplicate.pk, "duplicate"]),
                       {"other": original.tracking_code}).status_code == 403
    client.force_login(people["km"])
    assert client.post(reverse("proposals:act", args=[duplicate.pk, "duplicate"]),
                       {"other": "NONE-XXXX"}).status_code == 404
    assert client.post(reverse("proposals:act", args=[duplicate.pk, "duplicate"]),
                       {"other": original.tracking_code, "note": "같은 장소"}).status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == original and duplicate.stage == Stage.MERGED
    assert original in duplicate.related.all() and duplicate in original.related.all()
    assert duplicate.events.last().to_stage == Stage.MERGED
    assert client.post(reverse("proposals:act", args=[duplicate.pk, "assign"]),
                       {"department": "3990110"}).status_code == 409
    page = client.get(reverse("proposals:proposal", args=[original.pk])).content.decode()
    assert PARKING_REWORDED["title"] in page and "병합된 제안" in page
    # a merged duplicate is no longer offered as "similar"
    client.force_login(people["outsider"])
    again = client.post(reverse("proposals:new"), PARKING_REWORDED)
    assert [s.proposal for s in again.context["similar"]] == [original]

    third = staff_proposal(people["outsider"], LIBRARY)
    client.force_login(people["km"])
    assert client.post(reverse("proposals:act", args=[third.pk, "relate"]),
                       {"other": original.tracking_code}).status_code == 302
    assert third in original.related.all()
    assert client.post(reverse("proposals:act", args=[third.pk, "unrelate"]),
                       {"other": original.tracking_code}).status_code == 302
    assert third not in original.related.all()


@pytest.mark.django_db
def test_viewing_a_citizens_contact_is_logged(client, org, people):
    from mokmin.web.audit.models import AccessLog
    from mokmin.web.proposals.models import Proposal

    citizen_submit(client, PARKING)
    proposal = Proposal.objects.get()
    url = reverse("proposals:contact", args=[proposal.pk])
    client.force_login(people["outsider"])
    page = client.get(reverse("proposals:proposal", args=[proposal.pk])).content.decode()
    assert "010-1234-5678" not in page and "김철수" not in page and "김*수" in page
    assert client.post(url, {"purpose": "궁금해서"}).status_code == 403
    assert not AccessLog.objects.filter(subject="구민 제안자").exists()

    client.force_login(people["km"])
    before = AccessLog.objects.count()
    response = client.post(url, {"purpose": "처리 결과 전화 안내"})
    assert response.status_code == 200
    assert "010-1234-5678" in response.content.decode() and "김철수" in response.content.decode()
    entry = AccessLog.objects.order_by("-seq").first()
    assert AccessLog.objects.count() == before + 1
    assert (entry.account, entry.subject, entry.record, entry.action, entry.purpose) == (
        "km1", "구민 제안자", f"proposal:{proposal.tracking_code}", Action.VIEW, "처리 결과 전화 안내")

    proposal.department = org["parking"]  # the assigned department's staff may reach the citizen too
    proposal.save()
    client.force_login(people["reviewer"])
    assert client.post(url, {"purpose": "검토 의견 확인"}).status_code == 200
    assert AccessLog.objects.filter(subject="구민 제안자", account="reviewer1").count() == 1


@pytest.mark.django_db
def test_proposal_from_a_learning_club_links_back(client, org, people):
    from mokmin.web.clubs import services as clubs

    club = clubs.create_club(people["staff"], clubs.ClubInput(name="주차행정 연구모임"))
    client.force_login(people["staff"])
    response = client.post(reverse("proposals:new"), {**LIBRARY, "club": club.pk})
    assert response.status_code == 302
    proposal = club.proposals.get()
    page = client.get(response["Location"]).content.decode()
    assert reverse("clubs:club", args=[club.pk]) in page and "주차행정 연구모임" in page
    listing = client.get(reverse("proposals:list"), {"club": club.pk}).content.decode()
    assert proposal.title in listing
    club_page = client.get(reverse("clubs:club", args=[club.pk])).content.decode()  # and the club links back
    assert reverse("proposals:proposal", args=[proposal.pk]) in club_page and proposal.title in club_page
    client.force_login(people["reviewer"])  # not a member: the form does not offer the club, the service refuses it
    refused = client.post(reverse("proposals:new"), {**PARKING, "club": club.pk, "confirm": "on"})
    assert refused.status_code == 200 and "club" in refused.context["form"].errors
    with pytest.raises(InputError, match="학습동아리"):
        staff_proposal(people["reviewer"], club_id=club.pk)


@pytest.mark.django_db
def test_attachments_are_stored_and_downloaded_by_staff(client, org, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mokmin.web.proposals.models import Attachment

    client.force_login(people["staff"])
    files = [SimpleUploadedFile("현장사진.txt", "사진 설명".encode()), SimpleUploadedFile("도면.txt", b"plan")]
    assert client.post(reverse("proposals:new"), {**LIBRARY, "files": files}).status_code == 302
    assert sorted(Attachment.objects.values_list("filename", flat=True)) == ["도면.txt", "현장사진.txt"]
    row = Attachment.objects.get(filename="도면.txt")
    download = client.get(reverse("proposals:attachment", args=[row.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"plan"
    client.logout()
    assert client.get(reverse("proposals:attachment", args=[row.pk])).status_code in {302, 403}


@pytest.mark.django_db
def test_pages_render(client, org, people):
    proposal = staff_proposal(people["staff"])
    client.force_login(people["km"])
    for url in (reverse("proposals:list"), reverse("proposals:new"), reverse("proposals:proposal", args=[proposal.pk]),
                reverse("proposals:debates"), reverse("proposals:debate_new"), reverse("proposals:list") + "?stage=review"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="ko">' in response.content.decode()
    client.logout()
    for url in (reverse("proposals_public:adopted"), reverse("proposals_public:new"),
                reverse("proposals_public:status")):
        assert client.get(url).status_code == 200, url
