"""Policy debates: the office opens one (optionally about a proposal), staff argue for and against and comment,
the moderator closes it with a summary; a closed debate takes no more arguments; citizens read public debates
only, without staff names."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mokmin.roles import Role


@pytest.fixture
def people(make_user):
    return {"km": make_user("km1", Role.STAFF, Role.KNOWLEDGE_MANAGER, department="3990110"),
            "a": make_user("staff_a"), "b": make_user("staff_b", department="3990120"),
            "km2": make_user("km2", Role.STAFF, Role.KNOWLEDGE_MANAGER)}


def open_debate(client, user, **extra):
    from mokmin.web.proposals.models import Debate

    client.force_login(user)
    response = client.post(reverse("proposals:debate_new"), {
        "title": "주택가 공영주차장 유료화", "background": "무료 공영주차장에 장기 주차 차량이 늘어 회전율이 낮습니다.", **extra})
    assert response.status_code == 302
    return Debate.objects.latest("id")


@pytest.mark.django_db
def test_debate_from_opening_to_summary(client, people):
    from mokmin.web.proposals.models import Side

    debate = open_debate(client, people["km"], is_public="on")
    assert debate.moderator == people["km"] and debate.is_open
    act = reverse("proposals:debate_act", args=[debate.pk, "argue"])
    client.force_login(people["a"])
    assert client.post(act, {"side": "pro", "body": "유료화하면 장기 주차가 줄어 회전율이 오릅니다."}).status_code == 302
    client.force_login(people["b"])
    assert client.post(act, {"side": "con", "body": "주민 부담이 늘고 이면도로 불법 주차가 늘 수 있습니다."}).status_code == 302
    assert client.post(act, {"side": "maybe", "body": "?"}).status_code == 400
    assert client.post(act, {"side": "pro", "body": " "}).status_code == 400
    pro = debate.arguments.get(side=Side.PRO)
    comment = reverse("proposals:debate_act", args=[debate.pk, "comment"])
    assert client.post(comment, {"body": "요금 감면 대상을 두면 어떨까요", "argument": pro.pk}).status_code == 302
    assert client.post(comment, {"body": "시범 운영부터 하죠"}).status_code == 302
    assert (debate.arguments.count(), debate.comments.count(), pro.comments.count()) == (2, 2, 1)

    page = client.get(reverse("proposals:debate", args=[debate.pk]))
    assert page.context["pro"] == [pro] and len(page.context["con"]) == 1
    assert "요금 감면 대상을 두면 어떨까요" in page.content.decode()

    close = reverse("proposals:debate_act", args=[debate.pk, "close"])
    assert client.post(close, {"summary": "요약"}).status_code == 403  # only the moderator closes
    client.force_login(people["km2"])  # a knowledge manager who does not moderate this one
    assert client.post(close, {"summary": "요약"}).status_code == 403
    client.force_login(people["km"])
    assert client.post(close, {"summary": ""}).status_code == 400
    assert client.post(close, {"summary": "시범 유료화 후 6개월 뒤 재논의하기로 함"}).status_code == 302
    debate.refresh_from_db()
    assert not debate.is_open and debate.closed_at and debate.summary.startswith("시범 유료화")
    client.force_login(people["a"])
    assert client.post(act, {"side": "pro", "body": "늦은 의견"}).status_code == 409
    assert client.post(comment, {"body": "늦은 댓글"}).status_code == 409

    client.logout()  # the public page: read-only, no staff names
    public = client.get(reverse("proposals_public:debate", args=[debate.pk])).content.decode()
    assert "시범 유료화 후 6개월 뒤 재논의하기로 함" in public and "유료화하면 장기 주차가" in public
    assert "staff_a" not in public and "staff_b" not in public and 'method="post"' not in public.split("</header>")[1]
    assert debate.title in client.get(reverse("proposals_public:adopted")).content.decode()

    client.force_login(people["km"])
    assert client.post(reverse("proposals:debate_act", args=[debate.pk, "reopen"])).status_code == 302
    debate.refresh_from_db()
    assert debate.is_open


@pytest.mark.django_db
def test_who_opens_debates_and_what_citizens_see(client, people):
    from mokmin.web.proposals import services

    client.force_login(people["a"])
    assert client.get(reverse("proposals:debate_new")).status_code == 403  # staff take part, the office opens
    proposal = services.submit_staff(people["a"], services.ProposalInput(
        title="공영주차장 유료화", problem="장기 주차", solution="유료화"), [])
    debate = open_debate(client, people["km"], proposal=proposal.tracking_code)
    assert debate.proposal == proposal and not debate.is_public
    assert debate.title in client.get(reverse("proposals:proposal", args=[proposal.pk])).content.decode()
    assert client.post(reverse("proposals:debate_new"), {"title": "t", "background": "b",
                                                         "proposal": "NONE-NONE"}).status_code == 404
    assert client.post(reverse("proposals:debate_act", args=[debate.pk, "bogus"])).status_code == 404
    client.logout()
    assert client.get(reverse("proposals_public:debate", args=[debate.pk])).status_code == 404  # not public
    assert client.get(reverse("proposals:debates")).status_code in {302, 403}
    client.force_login(people["b"])
    assert debate.title in client.get(reverse("proposals:debates")).content.decode()
