"""App configuration of the legal assistant (婚姻家庭智法机器人)."""

from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "jiayuan.legal"
    label = "legal"
    verbose_name = "法律助手"

    def ready(self):
        from jiayuan.access import policy

        from .models import AskedQuestion, CallbackTicket
        from .retention import register as register_retention

        # Questions and tickets have no place: only roles holding the permission with scope "all" reach them.
        policy.register(AskedQuestion, policy.ScopeSpec(division=None))
        policy.register(CallbackTicket, policy.ScopeSpec(division=None))

        register_retention()
