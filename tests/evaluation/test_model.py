"""The session spec and the committee: exact canonical-JSON round trips, and input errors that name the field."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from mokmin.errors import InputError
from mokmin.evaluation.model import Criterion, Member, SessionSpec, Subject, check_committee
from mokmin.ledger.commitment import canonical_json
from tests.evaluation.conftest import SPEC


def field_of(call) -> str:
    with pytest.raises(InputError) as caught:
        call()
    return caught.value.location.field


def test_spec_round_trips_through_canonical_json():
    data = json.loads(canonical_json(SPEC.to_dict()))
    assert data["criteria"][0] == {"id": "tech", "max_score": 60, "title": "기술", "weight": 1}  # 60.0 is written 60
    assert SessionSpec.from_dict(data) == SPEC
    assert canonical_json(SessionSpec.from_dict(data).to_dict()) == canonical_json(SPEC.to_dict())


def test_member_round_trips():
    member = Member("ev-a", "평가위원 A", "ab" * 32, "browser")
    assert Member.from_dict(json.loads(canonical_json(member.to_dict()))) == member


@pytest.mark.parametrize(("change", "field"), [
    ({"kind": "auction"}, "kind"),
    ({"rule": "median"}, "rule"),
    ({"anonymise": "yes"}, "anonymise"),
    ({"session_id": "세션 1"}, "session_id"),
    ({"title": " "}, "title"),
    ({"subjects": ()}, "subjects"),
    ({"subjects": (Subject("a", "A"), Subject("a", "B"))}, "subjects"),
    ({"commit_deadline": "2026-03-02T12:00:00"}, "commit_deadline"),  # naive: no time zone
    ({"reveal_deadline": "2026-03-01T12:00:00+09:00"}, "reveal_deadline"),  # before the commit deadline
])
def test_spec_validation_names_the_field(change, field):
    assert field_of(lambda: replace(SPEC, **change)) == field


@pytest.mark.parametrize(("args", "field"), [
    (("tech", "기술", 0, 60), "criteria[tech].weight"),
    (("tech", "기술", 1, -1), "criteria[tech].max_score"),
    (("tech", "기술", True, 60), "criteria[tech].weight"),
    (("tech", "기술", float("nan"), 60), "criteria[tech].weight"),
])
def test_criterion_validation(args, field):
    assert field_of(lambda: Criterion(*args)) == field


def test_member_validation():
    assert field_of(lambda: Member("ev-a", "A", "AB" * 32, "browser")) == "members[ev-a].public_key"
    assert field_of(lambda: Member("ev-a", "A", "ab" * 32, "phone")) == "members[ev-a].key_mode"
    assert field_of(lambda: Member("ev-a", "", "ab" * 32, "server")) == "members[ev-a].code"
    a, b = Member("ev-a", "A", "ab" * 32, "browser"), Member("ev-b", "A", "cd" * 32, "browser")
    assert field_of(lambda: check_committee([a, b])) == "members.code"


def test_from_dict_names_missing_and_unknown_fields():
    data = SPEC.to_dict()
    del data["rule"]
    assert field_of(lambda: SessionSpec.from_dict(data)) == "spec.rule"
    assert field_of(lambda: Subject.from_dict({"id": "a", "title": "A", "extra": 1})) == "subject.extra"
