from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "mokmin.web.proposals"
    label = "proposals"
    verbose_name = _("제안")
    mokmin_nav = (
        {"url": "proposals:list", "label": _("제안"), "perm": "proposals.view", "icon": "bulb",
         "description": _("구민창안과 공무원제안의 접수·검토·심사·채택·실시·시상, 비슷한 제안 찾기")},
        {"url": "proposals:debates", "label": _("정책토론"), "perm": "proposals.view", "icon": "chat",
         "description": _("정책 주제에 대한 찬성·반대 의견과 토론 결과 요약")},
    )
