from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "jiayuan.ops"
    label = "ops"
    verbose_name = "运维"

    def ready(self) -> None:
        from .retention import register_builtin_rules

        register_builtin_rules()
