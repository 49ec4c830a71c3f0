from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "jiayuan.imports"
    label = "imports"
    verbose_name = "批量导入"

    def ready(self) -> None:
        from jiayuan.access import policy

        from .models import ImportRun

        # A run belongs to the division of the posting its user imported through.
        policy.register(ImportRun, policy.ScopeSpec(division="division"))
