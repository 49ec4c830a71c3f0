"""Fixtures of the legal tests: the retrieval index is built once per test session."""

import pytest
from django.core.cache import cache

from jiayuan.legal.retrieval import get_index


@pytest.fixture(scope="session")
def legal_index():
    return get_index()


@pytest.fixture
def clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def laws(db):
    """The statutes in the test database (most tests do not need them: retrieval reads the data files)."""
    from jiayuan.legal.services import laws_load

    return laws_load()
