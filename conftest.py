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
    from django.core.cache import caches

    # Every cache, the progress of background runs included: ids restart in a fresh database, so a run of an
    # earlier test must not lend its progress to this test's run of the same id.
    for name in caches.settings:
        caches[name].clear()
    yield
