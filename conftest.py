"""Shared pytest fixtures: the division tree in every test database, the role users, a browser."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from tests.factories import ensure_divisions

    with django_db_blocker.unblock():
        ensure_divisions()


@pytest.fixture(autouse=True)
def _clear_caches():
    from django.core.cache import cache

    cache.clear()
    yield
