from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "jiayuan.activities"
    label = "activities"
    verbose_name = "服务项目与活动"

    def ready(self) -> None:
        from django.db.models import Q

        from jiayuan.access import policy

        from . import models as m

        def area_above(actor, perm):
            # A volunteer's area: activities held in her community and in the street and district above it.
            if perm not in ("activities.browse", "activities.join"):
                return None
            from jiayuan.divisions.codes import district_of, street_of

            codes = set()
            for _scope, posting in actor.scopes(perm):
                code = posting.division_id or ""
                if code:
                    codes.update({district_of(code), street_of(code)})
            return Q(division_id__in=codes) if codes else None

        def own_signups(actor, perm):
            if perm == "activities.mine" and actor.user_id:
                return Q(user_id=actor.user_id)
            return None

        policy.register(m.ServiceProject, policy.ScopeSpec(division="division", grants=False))
        policy.register(m.Activity, policy.ScopeSpec(division="division", extra=area_above, grants=False))
        policy.register(m.Session, policy.ScopeSpec(division="division", extra=area_above, grants=False))
        policy.register(m.SignUp, policy.ScopeSpec(division="division", extra=own_signups, grants=False))
        policy.register(m.Attendance, policy.ScopeSpec(division="division", grants=False))
        policy.register(m.Duty, policy.ScopeSpec(division="division", grants=False))
        policy.register(m.AttendanceTally, policy.ScopeSpec(division="division", grants=False))
