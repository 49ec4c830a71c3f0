from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "jiayuan.people"
    label = "people"
    verbose_name = "人员"

    def ready(self) -> None:
        from jiayuan.access import policy

        from .models import Household, Person

        policy.register(Person, policy.ScopeSpec(division="division"))
        policy.register(Household, policy.ScopeSpec(division="division"))

        from .retention import register as register_retention

        register_retention()

        from django.urls import reverse

        from jiayuan.access.services import BreakGlassTarget, register_break_glass_target

        register_break_glass_target(
            "people.person",
            BreakGlassTarget(
                model=Person, perm="people.view", url=lambda pk: reverse("people:detail", kwargs={"person_id": pk})
            ),
        )
