"""The public pages carry their own stylesheets and scripts, allowed by hash in their content security policy, so
the browser keeps no file of them in any cache (its HTTP cache and its compiled-script cache are both keyed by a
file's address); the font their stylesheet names is served with `no-store`, like the pages."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_rate_limits")]


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _directive(csp: str, name: str) -> list[str]:
    part = next(p.strip() for p in csp.split(";") if p.strip().startswith(name + " "))
    return part.split()[1:]


@pytest.mark.parametrize("name", ["legal:chat", "legal:laws"])
def test_a_public_page_loads_no_file_of_its_own_and_its_policy_allows_exactly_what_it_carries(client, name):
    page = client.get(reverse(name))
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    body = page.content.decode()
    # nothing fetched by address: no stylesheet link, no script source
    assert not re.search(r"<link\b[^>]*rel=\"stylesheet\"", body)
    assert not re.search(r"<script\b[^>]*\bsrc=", body)
    styles = re.findall(r"<style>(.*?)</style>", body, re.S)
    scripts = re.findall(r"<script>(.*?)</script>", body, re.S)
    assert len(styles) == 2 and len(scripts) == 2  # the site's and the legal stylesheet; htmx and the quick exit
    assert "data-quick-exit" in scripts[1] and "htmx" in scripts[0]
    csp = page["Content-Security-Policy"]
    assert {_hash(s) for s in styles} <= set(_directive(csp, "style-src"))
    assert {_hash(s) for s in scripts} <= set(_directive(csp, "script-src"))
    assert "'unsafe-inline'" not in csp
    # the font the stylesheet names is served beside the pages, with no-store
    font = re.search(r'url\("(/p/fonts/[^"]+)"\)', styles[0])
    assert font is not None
    response = client.get(font.group(1))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "font/woff2" and not response.cookies


def test_only_the_font_is_served_there(client):
    for url in ("/p/css/app.css", "/p/../config/settings/base.py", "/p/js/app.js", "/p/", "/p/fonts/x.woff2"):
        assert client.get(url).status_code == 404, url
