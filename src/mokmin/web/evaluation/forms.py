"""The form that creates a session; its ``to_input`` gives :class:`.services.SessionInput`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mokmin.web.accounts.models import User
from mokmin.web.evaluation.models import Kind, Rule
from mokmin.web.evaluation.services import CriterionInput, SessionInput

LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class MemberChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.display_name or obj.username} ({obj.username})"


class SessionForm(forms.Form):
    title = forms.CharField(label=_("제목"), max_length=200)
    kind = forms.ChoiceField(label=_("종류"), choices=Kind.choices)
    rule = forms.ChoiceField(label=_("결과 규칙"), choices=Rule.choices)
    anonymise = forms.BooleanField(label=_("평가위원을 이름 대신 코드로 공개"), required=False, initial=True)
    commit_deadline = forms.DateTimeField(label=_("채점(약정) 마감"), input_formats=LOCAL,
                                          widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reveal_deadline = forms.DateTimeField(label=_("점수 공개 마감"), input_formats=LOCAL,
                                          widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    subjects = forms.CharField(label=_("평가 대상 (한 줄에 하나: 제안사, 응모작)"), required=False,
                               widget=forms.Textarea(attrs={"rows": 4}))
    proposals = forms.ModelMultipleChoiceField(label=_("심사 단계의 제안 (종류가 제안 심사일 때)"), required=False,
                                               queryset=None, widget=forms.CheckboxSelectMultiple)
    criteria = forms.CharField(label=_("평가항목 (한 줄에 하나: 항목 | 가중치 | 배점)"),
                               widget=forms.Textarea(attrs={"rows": 4}),
                               initial="사업 이해도 | 1 | 20\n수행 방안 | 1 | 40\n사업 관리 | 1 | 20\n지원 역량 | 1 | 20")
    members = MemberChoice(label=_("평가위원"), queryset=None, widget=forms.SelectMultiple(attrs={"size": 8}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from mokmin.web.proposals.models import Proposal, Stage

        self.fields["proposals"].queryset = Proposal.objects.filter(stage=Stage.EVALUATION, duplicate_of=None)
        self.fields["members"].queryset = (User.objects.filter(is_active=True).exclude(password__startswith="!")
                                           .order_by("username"))

    def clean_criteria(self) -> list[CriterionInput]:
        out = []
        for number, line in enumerate(self.cleaned_data["criteria"].splitlines(), 1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            try:
                title, weight, max_score = parts[0], float(parts[1]), float(parts[2])
            except (IndexError, ValueError):
                raise forms.ValidationError(_("%(n)s번째 줄: '항목 | 가중치 | 배점' 형식으로 적어 주세요")
                                            % {"n": number}) from None
            out.append(CriterionInput(title, weight, max_score))
        if not out:
            raise forms.ValidationError(_("평가항목을 하나 이상 적어 주세요"))
        return out

    def clean(self):
        data = super().clean()
        if data.get("kind") == Kind.PROPOSAL and not data.get("proposals"):
            self.add_error("proposals", _("심사할 제안을 고르세요"))
        if data.get("kind") != Kind.PROPOSAL and not (data.get("subjects") or "").strip():
            self.add_error("subjects", _("평가 대상을 한 줄에 하나씩 적어 주세요"))
        return data

    def to_input(self) -> SessionInput:
        d = self.cleaned_data
        return SessionInput(title=d["title"], kind=d["kind"], rule=d["rule"], anonymise=d["anonymise"],
                            commit_deadline=d["commit_deadline"], reveal_deadline=d["reveal_deadline"],
                            criteria=d["criteria"], members=list(d["members"]),
                            subjects=(d["subjects"] or "").splitlines(),
                            proposal_ids=[p.pk for p in d["proposals"]] if d["kind"] == Kind.PROPOSAL else [])
