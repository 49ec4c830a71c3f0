"""Pagination for list pages and the API."""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

PAGE_SIZE = 50


def paginate(queryset, page: str | int | None, *, per_page: int = PAGE_SIZE):
    paginator = Paginator(queryset, per_page)
    try:
        return paginator.page(page or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)
