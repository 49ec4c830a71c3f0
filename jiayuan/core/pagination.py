"""Pagination for list pages and the API."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Paginator

PAGE_SIZE = 50


def paginate(queryset, page: str | int | None, *, per_page: int = PAGE_SIZE):
    """One page of `queryset`. A page number that is not a whole number of 1 or more is a bad parameter (a
    Chinese 400, like every other query parameter); one past the end shows the last page (the list shrank)."""
    from .errors import BadParameter

    paginator = Paginator(queryset, per_page)
    raw = str(page).strip() if page is not None else ""
    if not raw:
        number = 1
    elif raw.isascii() and raw.isdigit() and len(raw) <= 9 and int(raw) >= 1:
        number = int(raw)
    else:
        raise BadParameter("参数“页码”应为从 1 开始的整数。")
    try:
        return paginator.page(number)
    except EmptyPage:
        return paginator.page(paginator.num_pages)
