from django.apps import AppConfig


class VenuesConfig(AppConfig):
    name = "jiayuan.venues"
    label = "venues"
    verbose_name = "阵地"

    def ready(self) -> None:
        from jiayuan.access import policy

        from .models import Venue

        policy.register(Venue, policy.ScopeSpec(division="division", grants=False))
