from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "jiayuan.volunteers"
    label = "volunteers"
    verbose_name = "巾帼志愿者"

    def ready(self) -> None:
        from django.db.models import Q

        from jiayuan.access import policy

        from . import models as m

        # A volunteer's own record and service records, for the permissions she holds "本人" (own) only:
        # staff lists stay on the place index, without a join to the volunteer.
        def own_volunteer(actor, perm):
            return Q(user_id=actor.user_id) if actor.user_id and policy.holds_own_scope(actor, perm) else None

        def own_records(actor, perm):
            if actor.user_id and policy.holds_own_scope(actor, perm):
                return Q(volunteer__user_id=actor.user_id)
            return None

        policy.register(m.Volunteer, policy.ScopeSpec(division="division", extra=own_volunteer, grants=False))
        policy.register(m.Team, policy.ScopeSpec(division="division", grants=False))
        policy.register(m.Membership, policy.ScopeSpec(division="division", grants=False))
        policy.register(m.ServiceRecord, policy.ScopeSpec(division="division", extra=own_records, grants=False))
        policy.register(m.ServiceTally, policy.ScopeSpec(division="division", grants=False))
