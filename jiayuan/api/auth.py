"""API authentication: bearer tokens for machines, the session for the project's own pages."""

from __future__ import annotations

from ninja.security import HttpBearer, SessionAuth

from jiayuan.access.actor import Actor


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        from jiayuan.accounts.models import ApiToken

        found = ApiToken.objects.find_active(token)
        if found is None or not found.user.is_active:
            return None
        found.touch()  # the idle timeout of interactive tokens counts from the last use
        request.user = found.user
        request.actor = Actor.for_request(found.user)
        return found.user


class SessionActorAuth(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None:
            request.actor = Actor.for_request(user)
        return user


DEFAULT_AUTH = [TokenAuth(), SessionActorAuth()]
