from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "jiayuan.orgs"
    label = "orgs"
    verbose_name = "组织"

    def ready(self) -> None:
        from jiayuan.access import policy

        from .models import (
            DutyRecord,
            ExecutiveCommittee,
            ExecutiveMember,
            Organisation,
            PartnerAgency,
            Training,
            WomenSpace,
        )

        policy.register(Organisation, policy.ScopeSpec(division="division"))
        policy.register(PartnerAgency, policy.ScopeSpec(division="division"))
        policy.register(ExecutiveMember, policy.ScopeSpec(division="organisation__division"))
        policy.register(ExecutiveCommittee, policy.ScopeSpec(division="organisation__division", grants=False))
        policy.register(WomenSpace, policy.ScopeSpec(division="organisation__division", grants=False))
        policy.register(DutyRecord, policy.ScopeSpec(division="division", grants=False))
        policy.register(Training, policy.ScopeSpec(division="division", grants=False))
