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


# --- query parameters: the one parser for dates and numbers in URLs -----------------------------------------
#
# A page reads every number or date of its query string through these: an empty value gives the default, a
# value that is not what the page takes raises `BadParameter`, which answers 400 with a Chinese message
# (core.middleware.BadParameterMiddleware; the API answers {"detail": ...}) instead of a 500 or a silent guess.


def query_int(
    query,
    name: str,
    default: int | None = None,
    *,
    label: str = "",
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    from .errors import BadParameter

    raw = (query.get(name) or "").strip()
    if not raw:
        return default
    what = label or name
    if not raw.isascii() or not raw.lstrip("-").isdigit() or len(raw) > 18:
        raise BadParameter(f"参数“{what}”应为整数，收到的值无法识别。")
    value = int(raw)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise BadParameter(f"参数“{what}”超出范围（{minimum} 至 {maximum}）。")
    return value


def query_date(query, name: str, default: dt.date | None = None, *, label: str = "") -> dt.date | None:
    from .errors import BadParameter

    raw = (query.get(name) or "").strip()
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(f"参数“{label or name}”应为日期，格式为 年-月-日（如 2026-01-31）。") from None
