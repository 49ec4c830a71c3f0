from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "jiayuan.reports"
    label = "reports"
    verbose_name = "统计报表"

    def ready(self) -> None:
        from jiayuan.access import policy

        from . import models as m

        policy.register(m.ReportRun, policy.ScopeSpec(division="division"))
        policy.register(m.ReportTemplate, policy.ScopeSpec(division="division"))
        policy.register(m.ReportSentence, policy.ScopeSpec(division="division"))
        policy.register(m.FigureMonthly, policy.ScopeSpec(division="division"))
        policy.register(m.FigureDirty, policy.ScopeSpec(division=None))

        from . import exports, summaries

        summaries.connect()
        exports.register()
