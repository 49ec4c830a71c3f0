from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "jiayuan.workflows"
    label = "workflows"
    verbose_name = "审批流程"

    def ready(self) -> None:
        from jiayuan.access import policy

        from .models import ApprovalRequest

        policy.register(ApprovalRequest, policy.ScopeSpec(division="division"))
