"""Counters kept by the writes (yearly tallies per place): one statement adds to many counter rows at once,
creating each at zero first, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import Model


def counters_add(model: type[Model], keys: Sequence[str], counters: Sequence[str], rows: Sequence[Sequence]) -> None:
    """Add to the `counters` columns of the rows of `model` identified by the `keys` columns (a unique
    constraint over exactly those columns): each row of `rows` is its key values then the amounts to add."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [*keys, *counters]
    values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
    updates = ", ".join(f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in counters)
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) VALUES {values} "
        f"ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])
