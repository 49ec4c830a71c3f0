"""Attach the acting user (user + postings active today) to every request."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from .actor import Actor


class ActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = SimpleLazyObject(lambda: Actor.for_request(getattr(request, "user", None)))
        return self.get_response(request)
