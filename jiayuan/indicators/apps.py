from django.apps import AppConfig


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

        policy.register(m.Plan, policy.ScopeSpec(division="division", extra=plans_above, grants=False))
        policy.register(m.IndicatorValue, policy.ScopeSpec(division="division", extra=plans_above, grants=False))
