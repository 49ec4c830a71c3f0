"""App configuration of the legal assistant (婚姻家庭智法机器人)."""

from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "jiayuan.legal"
    label = "legal"
    verbose_name = "法律助手"

    def ready(self):
        from .retention import register as register_retention

        register_retention()
