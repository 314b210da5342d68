"""Forms of proposals and debates; each builds the input its service verb takes.

The public form carries an arithmetic question whose numbers travel signed (Django's signing, the project's
SECRET_KEY) in a hidden field, so it works offline, needs no session and no image; together with the per-address
rate limit of :func:`services.submit_citizen` it keeps scripted floods out of the public page.
"""

from __future__ import annotations

import secrets

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from mokmin.web.accounts.models import Department
from mokmin.web.proposals.debates import DebateInput
from mokmin.web.proposals.models import Side
from mokmin.web.proposals.services import ProposalInput, Upload, dong_names

CHALLENGE_SALT = "mokmin.proposals.challenge"
CHALLENGE_MAX_AGE = 3600


def make_challenge() -> dict:
    """Two small numbers and their signed token for the public form's question."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    return {"a": a, "b": b, "token": signing.dumps({"a": a, "b": b, "n": secrets.token_hex(4)}, salt=CHALLENGE_SALT)}


def challenge_of(token: str) -> dict | None:
    try:
        data = signing.loads(token, salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
    except signing.BadSignature:
        return None
    return {"a": data["a"], "b": data["b"], "token": token}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("제목"), max_length=200)
    problem = forms.CharField(label=_("현황 및 문제점"), widget=forms.Textarea(attrs={"rows": 5}))
    solution = forms.CharField(label=_("개선방안"), widget=forms.Textarea(attrs={"rows": 5}))
    effect = forms.CharField(label=_("기대효과"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    dong = forms.CharField(label=_("대상 지역(동)"), required=False, max_length=50)
    files = MultipleFileField(label=_("첨부 파일 (5개까지)"), required=False)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        names = dong_names()
        if names:
            self.fields["dong"] = forms.ChoiceField(label=_("대상 지역(동)"), required=False,
                                                    choices=[("", _("구 전체"))] + [(n, n) for n in names])

    def uploads(self) -> list[Upload]:
        return [Upload(f.name, f.read()) for f in self.cleaned_data.get("files") or []]

    def to_input(self, **extra) -> ProposalInput:
        data = self.cleaned_data
        return ProposalInput(title=data["title"], problem=data["problem"], solution=data["solution"],
                             effect=data["effect"], dong=data["dong"], **extra)


class StaffProposalForm(ProposalForm):
    club = forms.TypedChoiceField(label=_("학습동아리에서 나온 제안이면"), required=False, coerce=int,
                                  empty_value=None)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        clubs = user.clubs.order_by("name")
        self.fields["club"].choices = [("", _("해당 없음"))] + [(c.pk, c.name) for c in clubs]

    def to_input(self, **extra) -> ProposalInput:
        return super().to_input(club_id=self.cleaned_data["club"], **extra)


class CitizenProposalForm(ProposalForm):
    citizen_name = forms.CharField(label=_("이름"), max_length=50)
    citizen_contact = forms.CharField(label=_("연락처 (전화 또는 이메일)"), max_length=100)
    consent = forms.BooleanField(label=_("제안 처리 결과를 알려 드리기 위해 이름과 연락처를 수집하는 데 "
                                         "동의합니다"))
    challenge = forms.CharField(widget=forms.HiddenInput)
    answer = forms.IntegerField(label=_("자동 등록 방지: 두 수의 합"))

    def clean(self):
        data = super().clean()
        question = challenge_of(data.get("challenge") or "")
        if question is None:
            raise forms.ValidationError(_("확인 문제가 만료되었습니다. 새 문제에 답해 주세요."))
        if data.get("answer") is not None and data["answer"] != question["a"] + question["b"]:
            self.add_error("answer", _("두 수의 합이 맞지 않습니다."))
        return data

    def to_input(self, **extra) -> ProposalInput:
        return super().to_input(citizen_name=self.cleaned_data["citizen_name"],
                                citizen_contact=self.cleaned_data["citizen_contact"], **extra)


class AssignForm(forms.Form):
    department = forms.ModelChoiceField(label=_("검토 부서"), to_field_name="code",
                                        queryset=Department.objects.filter(active=True,
                                                                           level__in=["division", "team"]))
    note = forms.CharField(label=_("비고"), required=False, max_length=2000)


class EvaluationForm(forms.Form):
    session = forms.CharField(label=_("심사 회차"), max_length=100)
    note = forms.CharField(label=_("검토 의견"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    adopted = forms.TypedChoiceField(label=_("결정"), coerce=lambda v: v == "1",
                                     choices=[("1", _("채택")), ("0", _("불채택"))])
    reason = forms.CharField(label=_("사유"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("내용"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class OtherProposalForm(forms.Form):
    other = forms.CharField(label=_("다른 제안의 접수번호"), max_length=20)
    note = forms.CharField(label=_("비고"), required=False, max_length=500)


class ContactForm(forms.Form):
    purpose = forms.CharField(label=_("열람 목적"), max_length=200, initial=_("제안 처리 결과 안내"))


class DebateForm(forms.Form):
    title = forms.CharField(label=_("토론 주제"), max_length=200)
    background = forms.CharField(label=_("배경"), widget=forms.Textarea(attrs={"rows": 6}))
    proposal = forms.CharField(label=_("관련 제안의 접수번호 (선택)"), required=False, max_length=20)
    is_public = forms.BooleanField(label=_("구민에게 공개 (읽기 전용)"), required=False)

    def to_input(self, proposal_id: int | None) -> DebateInput:
        data = self.cleaned_data
        return DebateInput(title=data["title"], background=data["background"], proposal_id=proposal_id,
                           is_public=data["is_public"])


class ArgumentForm(forms.Form):
    side = forms.ChoiceField(label=_("입장"), choices=Side.choices, widget=forms.RadioSelect)
    body = forms.CharField(label=_("의견"), widget=forms.Textarea(attrs={"rows": 4}))


class SummaryForm(forms.Form):
    summary = forms.CharField(label=_("토론 결과 요약"), widget=forms.Textarea(attrs={"rows": 5}))
