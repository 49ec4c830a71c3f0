from dataclasses import replace

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "jiayuan.cases"
    label = "cases"
    verbose_name = "维权个案"

    def ready(self) -> None:
        from django.urls import reverse

        from jiayuan.access import policy
        from jiayuan.access.services import BreakGlassTarget, register_break_glass_target

        from . import models as m
        from .selectors import move_addressed_q

        policy.register(m.Case, policy.ScopeSpec(division="division", restricted="restricted"))
        child = policy.ScopeSpec(
            division="case__division", restricted="case__restricted", grant_model=m.Case, grant_path="case_id"
        )
        for model in (
            m.CaseEvent,
            m.CaseAction,
            m.RiskAssessment,
            m.CaseAttachment,
            m.CaseParty,
            m.CaseTeamMember,
            m.ClosureApproval,
            m.CaseTask,
        ):
            policy.register(model, child)
        # A move is also reachable by whoever it is addressed to (a user, an agency, a receiving division).
        policy.register(m.CaseMove, replace(child, extra=move_addressed_q))

        from .services import closure_kind_register

        closure_kind_register()

        from .retention import register as register_retention

        register_retention()

        register_break_glass_target(
            "cases.case",
            BreakGlassTarget(
                model=m.Case, perm="cases.view", url=lambda pk: reverse("cases:detail", kwargs={"case_id": pk})
            ),
        )
