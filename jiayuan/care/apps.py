from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "jiayuan.care"
    label = "care"
    verbose_name = "困境妇女儿童关爱"

    def ready(self) -> None:
        from django.db.models import Q

        from jiayuan.access import policy
        from jiayuan.divisions.codes import self_and_ancestors

        from . import models as m

        def own_pairings(actor, perm):
            if perm in ("care.pairing_view", "care.contact_add") and actor.user_id:
                return Q(helper__user_id=actor.user_id)
            return None

        def own_contacts(actor, perm):
            if perm in ("care.pairing_view", "care.contact_add") and actor.user_id:
                return Q(pairing__helper__user_id=actor.user_id)
            return None

        def funds_above(actor, perm):
            # A fund held at a higher level is visible to everyone below it who may see funds.
            codes = set()
            for _scope, posting in actor.scopes(perm):
                code = posting.division_id or ""
                if code:
                    codes.update(self_and_ancestors(code))
            return Q(division_id__in=codes) if codes else None

        policy.register(m.RegisterEntry, policy.ScopeSpec(division="division"))
        policy.register(
            m.RegisterReview,
            policy.ScopeSpec(division="entry__division", grant_model=m.RegisterEntry, grant_path="entry_id"),
        )
        policy.register(m.SupportPlan, policy.ScopeSpec(division="division"))
        policy.register(
            m.PlanMeasure, policy.ScopeSpec(division="plan__division", grant_model=m.SupportPlan, grant_path="plan_id")
        )
        policy.register(m.LedgerEntry, policy.ScopeSpec(division="division"))
        policy.register(m.Helper, policy.ScopeSpec(division="division"))
        policy.register(m.Pairing, policy.ScopeSpec(division="division", extra=own_pairings))
        policy.register(
            m.ContactLog,
            policy.ScopeSpec(
                division="pairing__division", grant_model=m.Pairing, grant_path="pairing_id", extra=own_contacts
            ),
        )
        policy.register(m.Fund, policy.ScopeSpec(division="division", extra=funds_above))
        policy.register(m.ReliefApplication, policy.ScopeSpec(division="division"))
        policy.register(m.CondolenceBatch, policy.ScopeSpec(division="division"))

        from .relief import register_relief_kind

        register_relief_kind()

        from .retention import register as register_retention

        register_retention()
