from django.apps import AppConfig


class ChildfriendlyConfig(AppConfig):
    name = "jiayuan.childfriendly"
    label = "childfriendly"
    verbose_name = "儿童友好城市"

    def ready(self) -> None:
        from jiayuan.access import policy

        from . import models as m

        policy.register(m.Project, policy.ScopeSpec(division="division", grants=False))
        policy.register(m.Assessment, policy.ScopeSpec(division="project__division", grants=False))
        policy.register(m.ChildrenCouncil, policy.ScopeSpec(division="division", grants=False))
        policy.register(m.CouncilSession, policy.ScopeSpec(division="council__division", grants=False))
        policy.register(m.Proposal, policy.ScopeSpec(division="session__council__division", grants=False))
        policy.register(m.ActionItem, policy.ScopeSpec(division="division", grants=False))
