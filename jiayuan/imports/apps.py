from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "jiayuan.imports"
    label = "imports"
    verbose_name = "批量导入"

    def ready(self) -> None:
        from jiayuan.access import policy

        from .models import ExportRun, ImportRun

        # A run belongs to the division of the posting its user imported (or exported) through.
        policy.register(ImportRun, policy.ScopeSpec(division="division"))
        policy.register(ExportRun, policy.ScopeSpec(division="division"))

        # The federation-work registers' exports (the people and approval kinds register in `exports`).
        from . import work_exports

        work_exports.register()
