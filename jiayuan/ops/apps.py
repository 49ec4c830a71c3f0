from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "jiayuan.ops"
    label = "ops"
    verbose_name = "运维"

    def ready(self) -> None:
        from jiayuan.access import policy

        from . import models
        from .scheduling import connect_signals

        connect_signals()
        # System records: no division; the permission's scope ("all") decides.
        policy.register(models.JobRun, policy.ScopeSpec(division=None))
        policy.register(models.SchedulerHeartbeat, policy.ScopeSpec(division=None))
