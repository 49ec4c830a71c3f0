from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "jiayuan.ops"
    label = "ops"
