"""Deployment check: the access log must log every list and page on personal data in production."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def access_log_lists_on(app_configs, **kwargs) -> list[Warning]:
    if getattr(settings, "ACCESS_LOG_LISTS", True):
        return []
    return [
        Warning(
            "JIAYUAN_ACCESS_LOG_LISTS is off: lists and pages on personal data that record nothing themselves "
            "leave no access-log row.",
            hint="Unset JIAYUAN_ACCESS_LOG_LISTS (it exists only to measure the logging's cost).",
            id="jiayuan.W001",
        )
    ]
