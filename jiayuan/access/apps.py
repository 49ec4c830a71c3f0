from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "jiayuan.access"
    label = "access"
    verbose_name = "权限"

    def ready(self) -> None:
        from . import policy
        from .models import AccessRequest

        # A request is decided where the requested record is registered.
        policy.register(AccessRequest, policy.ScopeSpec(division="division"))
