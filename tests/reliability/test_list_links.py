"""Every link a list shows opens for the person who sees it: the demo is loaded, each demo account walks every
list page of the URL map (read from the URL configuration, never a hand-kept list) and follows each link on it;
none may answer 404 or 403. A record the reader cannot open is shown as plain text, not as a link."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from jiayuan.access.registry import permission_table

from . import probe

_HREF = re.compile(r"<a\b[^>]*?\bhref=\"([^\"]*)\"", re.S)
# Not pages of the product: files, the API's machine documents, signing out.
_SKIP = ("/static/", "/media/", "/api/", "/accounts/logout/", "/admin/")
# The health checks answer 503 while the scheduler is not running (as in a test).
_HEALTH = {"/healthz", "/healthz/live"}
# Links of one kind per account followed (the rows of a list lead to pages of one kind): enough to catch a list
# that links rows its reader cannot open, without opening every record of the demo.
LINKS_PER_KIND = 5


def _list_pages(role) -> list[str]:
    """Pages without arguments that this role may open."""
    table = permission_table()
    urls = []
    for route in probe.page_routes():
        decl = probe.declaration(route.callback)
        if route.params or decl is None or route.route.startswith(("api/", "admin/")):
            continue
        # Every page the role may open without arguments: lists, and the pages of a permission that is not a
        # read permission (the user list of user administration, the approvals export) alike.
        if decl.kind == "perm" and role not in table[decl.perm]:
            continue
        urls.append(route.url())
    return urls


def _links(page: str, body: str) -> list[str]:
    """The links of a page to other pages of the product, as absolute paths ("?page=2" on /cases/ included)."""
    out = []
    for raw in _HREF.findall(body):
        href = html.unescape(raw).split("#", 1)[0].strip()
        if not href or "://" in href or href.startswith(("//", "mailto:", "tel:", "javascript:")):
            continue
        href = urljoin(page, href)
        if not href.startswith(_SKIP):
            out.append(href)
    return out


def _shape(url: str) -> str:
    """A link's kind: the path with its numbers taken out, without the query (the same page, other records)."""
    return re.sub(r"\d+", "N", urlsplit(url).path)


@pytest.mark.django_db
def test_every_link_on_every_list_page_opens_for_each_demo_account():
    from jiayuan.access.roles import Role
    from jiayuan.accounts.models import User
    from jiayuan.administration.demo import DEMO_ACCOUNTS
    from jiayuan.site.demo import demo_load_all

    demo_load_all(people=60)
    problems: list[str] = []
    walked = 0
    for username, _, role, _ in DEMO_ACCOUNTS:
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=username))
        pages = {page: client.get(page) for page in _list_pages(Role(role))}
        # A link to another list page: its answer is already known.
        seen: dict[str, int] = {page: response.status_code for page, response in pages.items()}
        per_shape: dict[str, int] = {}
        for page, response in pages.items():
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            for link in _links(page, response.content.decode()):
                if link in seen:
                    status = seen[link]
                else:
                    # Every kind of link is followed; of one kind (the rows of a list), the first few.
                    shape = _shape(link)
                    per_shape[shape] = per_shape.get(shape, 0) + 1
                    if per_shape[shape] > LINKS_PER_KIND:
                        continue
                    status = seen[link] = client.get(link).status_code
                    walked += 1
                if status in (403, 404) or (status >= 500 and link not in _HEALTH):
                    problems.append(f"{username} ({role}) {page} → {link}: {status}")
    assert walked > 300, f"only {walked} links followed: the walk would prove little"
    assert not problems, "\n".join(problems)
