"""The public pages' own stylesheets and scripts, written into the page itself (with their hashes in the page's
content security policy) so that the browser keeps no copy of them: neither in its HTTP cache nor in its compiled
script cache, both of which are keyed by the file's address. The font, needed only where no Chinese font is
installed, is served with `no-store` (`site.views.public_asset`)."""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from django.utils.safestring import SafeString, mark_safe

from .middleware import CSP

# Written into the public pages, in this order where a page uses several.
INLINE = {
    "css/app.css": "style",
    "legal/legal.css": "style",
    "vendor/htmx-2.0.11.min.js": "script",
    "js/public.js": "script",
}
# Served with no-store from /p/<name> (what an inlined stylesheet refers to).
SERVED = {"fonts/jiayuan-sans-sc.woff2": "font/woff2"}
# An inlined stylesheet's relative addresses point beside the file; in the page they point to /p/.
_RELATIVE = {"../fonts/": "/p/fonts/"}


@lru_cache(maxsize=16)
def asset_bytes(name: str) -> bytes:
    from django.contrib.staticfiles import finders
    from django.contrib.staticfiles.storage import staticfiles_storage

    found = finders.find(name)
    if found:
        with open(found if isinstance(found, str) else found[0], "rb") as handle:
            return handle.read()
    with staticfiles_storage.open(name) as handle:
        return handle.read()


@lru_cache(maxsize=16)
def _text(name: str) -> str:
    text = asset_bytes(name).decode("utf-8")
    if INLINE[name] == "style":
        for old, new in _RELATIVE.items():
            text = text.replace(old, new)
    return text


def inline(name: str) -> SafeString:
    """`<style>…</style>` or `<script>…</script>` holding the file (one of INLINE)."""
    tag = INLINE[name]
    return mark_safe(f"<{tag}>{_text(name)}</{tag}>")  # our own static files, listed above


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


@lru_cache(maxsize=1)
def public_csp() -> str:
    """The site's policy, allowing exactly the inlined files (by hash) besides the site's own addresses."""
    scripts = " ".join(_hash(_text(n)) for n, tag in INLINE.items() if tag == "script")
    styles = " ".join(_hash(_text(n)) for n, tag in INLINE.items() if tag == "style")
    return CSP.replace("script-src 'self'", f"script-src 'self' {scripts}").replace(
        "style-src 'self'", f"style-src 'self' {styles}"
    )
