from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "jiayuan.volunteers"
    label = "volunteers"
    verbose_name = "巾帼志愿者"

    def ready(self) -> None:
        from django.db.models import Q

        from jiayuan.access import policy

        from . import models as m

        def own_volunteer(actor, perm):
            return Q(user_id=actor.user_id) if actor.user_id else None

        def own_records(actor, perm):
            return Q(volunteer__user_id=actor.user_id) if actor.user_id else None

        policy.register(m.Volunteer, policy.ScopeSpec(division="division", extra=own_volunteer))
        policy.register(m.Team, policy.ScopeSpec(division="division"))
        policy.register(m.Membership, policy.ScopeSpec(division="division"))
        policy.register(m.ServiceRecord, policy.ScopeSpec(division="division", extra=own_records))
