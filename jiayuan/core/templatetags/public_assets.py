"""`{% inline_asset "css/app.css" %}`: a public page's own stylesheet or script written into the page."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from jiayuan.core.public_assets import inline

register = template.Library()


@register.simple_tag
def inline_asset(name: str) -> SafeString:
    return inline(name)
