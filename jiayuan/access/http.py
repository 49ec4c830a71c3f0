"""The request a page sees: Django's, with the acting user's `actor` (set by `ActorMiddleware`) and the htmx
details (set by django-htmx). Views annotate `request: ActorRequest` so that the type checker knows both."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from .actor import Actor


class ActorRequest(HttpRequest):
    actor: Actor
    htmx: HtmxDetails
