"""Dates typed into filters and forms."""

from __future__ import annotations

import datetime as dt


def parse_date(value, default: dt.date | None = None) -> dt.date | None:
    """An ISO date (年-月-日) from a query string or form; `default` when empty or not a date."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if value else default
    except (TypeError, ValueError):
        return default
