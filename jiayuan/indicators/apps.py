from django.apps import AppConfig

UNIT_PERMS = ("indicators.unit_view", "indicators.unit_enter")


class IndicatorsConfig(AppConfig):
    name = "jiayuan.indicators"
    label = "indicators"
    verbose_name = "规划监测"

    def ready(self) -> None:
        from jiayuan.access import policy

        from . import models as m

        def plans_above(actor, perm):
            # A plan (and its values) of a higher level is read by everyone below it who may read plans.
            from django.db.models import Q

            codes = set()
            for _scope, posting in actor.scopes(perm):
                code = posting.division_id or ""
                if code:
                    codes.update({code, code[:9], code[:6], code[:4] + "00"})
            return Q(division_id__in=codes) if codes and perm == "indicators.view" else None

        def assigned_to_unit(path: str):
            # A member unit's account reaches the indicators assigned to its unit (and their values), nothing else:
            # agency postings have no division, so this is its only way in.
            def extra(actor, perm):
                from django.db.models import Q

                if perm not in UNIT_PERMS or not actor.agency_ids:
                    return None
                assigned = m.Indicator.units.through.objects.filter(partneragency_id__in=actor.agency_ids)
                return Q(**{f"{path}__in": assigned.values("indicator_id")})

            return extra

        def values_reach(actor, perm):
            return plans_above(actor, perm) or assigned_to_unit("indicator_id")(actor, perm)

        policy.register(m.Plan, policy.ScopeSpec(division="division", extra=plans_above, grants=False))
        policy.register(m.IndicatorValue, policy.ScopeSpec(division="division", extra=values_reach, grants=False))
        policy.register(
            m.Indicator,
            policy.ScopeSpec(division="area__plan__division", extra=assigned_to_unit("pk"), grants=False),
        )
