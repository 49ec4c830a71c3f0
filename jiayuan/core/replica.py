"""Reads for dashboards and reports on a PostgreSQL replica, when one is configured.

`DATABASE_REPLICA_URL` adds a `replica` database. Code that only reads and can live with a replica that
is a moment behind (statistics pages, report generation) runs inside `reading_from_replica()` (a context
manager and a decorator); the router sends its reads there. Writes, and every read elsewhere, use the
primary, so a user always sees what they just saved on the pages where they work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.conf import settings

REPLICA_ALIAS = "replica"
_use_replica: ContextVar[bool] = ContextVar("jiayuan_use_replica", default=False)

P = ParamSpec("P")
R = TypeVar("R")


def replica_configured() -> bool:
    return REPLICA_ALIAS in settings.DATABASES


@contextmanager
def reading_from_replica() -> Iterator[None]:
    token = _use_replica.set(True)
    try:
        yield
    finally:
        _use_replica.reset(token)


def replica_reads(func: Callable[P, R]) -> Callable[P, R]:
    """Decorator form of `reading_from_replica()` for a view or a report function."""

    @wraps(func)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with reading_from_replica():
            return func(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    """Reads inside `reading_from_replica()` go to the replica; everything else to the primary."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if _use_replica.get() and replica_configured():
            return REPLICA_ALIAS
        return None

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        # The replica follows the primary by streaming replication; it is never migrated itself.
        return db != REPLICA_ALIAS
