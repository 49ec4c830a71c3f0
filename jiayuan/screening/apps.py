from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "jiayuan.screening"
    label = "screening"
    verbose_name = "隐患排查"

    def ready(self) -> None:
        from django.db.models import Q

        from jiayuan.access import policy
        from jiayuan.divisions.codes import self_and_ancestors
        from jiayuan.divisions.models import subtree_q

        from .models import Campaign, Hazard, Visit

        def campaigns_covering(actor, perm):
            # A campaign organised higher up is visible wherever it covers (a community sees the district's
            # campaign that covers it; a street sees one covering some of its communities).
            through = Campaign.covered.through
            cover = None
            for _scope, posting in actor.scopes(perm):
                code = posting.division_id or ""
                if not code:
                    continue
                nearby = set(self_and_ancestors(code, to_city=False))
                part = Q(division_id__in=nearby) | subtree_q(posting.division.prefix, "division")
                cover = part if cover is None else cover | part
            if cover is None:
                return None
            return Q(pk__in=through.objects.filter(cover).values("campaign_id"))

        policy.register(Campaign, policy.ScopeSpec(division="division", extra=campaigns_covering))
        policy.register(Visit, policy.ScopeSpec(division="division"))
        policy.register(Hazard, policy.ScopeSpec(division="division"))

        from .retention import register as register_retention

        register_retention()
