from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "mokmin.web.evaluation"
    label = "evaluation"
    verbose_name = _("평가")
    mokmin_nav = (
        {"url": "evaluation:list", "label": _("평가"), "perm": "evaluation.view", "icon": "check",
         "description": _("제안서·제안·공모전 평가: 이해충돌 신고, 봉인 채점과 공개, 서명, 검증 가능한 결과 공개")},
    )
