from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jiayuan.core"
    label = "core"
    verbose_name = "基础"
