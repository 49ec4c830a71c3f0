from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "jiayuan.honours"
    label = "honours"
    verbose_name = "评选表彰"

    def ready(self) -> None:
        from jiayuan.access import policy

        from . import models as m

        policy.register(m.Nomination, policy.ScopeSpec(division="division", grants=False))
        policy.register(m.Honour, policy.ScopeSpec(division="division", grants=False))
        policy.register(m.NoticeObjection, policy.ScopeSpec(division="nomination__division", grants=False))

        from .services import register_nomination_kind

        register_nomination_kind()
