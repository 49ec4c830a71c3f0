"""What a newcomer meets under `make run`: the product's own Chinese error pages, a font that shows Chinese."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import RequestFactory

from jiayuan.site.views import server_error

ROOT = Path(settings.BASE_DIR)


def test_local_settings_run_without_debug_unless_asked(tmp_path):
    """`make run` uses config.settings.local: Django's English technical 404/500 pages stay off by default."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env["JIAYUAN_VAR_DIR"] = str(tmp_path)
    code = "import config.settings.local as s; print(s.DEBUG)"
    plain = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert plain.stdout.strip() == "False", plain.stderr
    asked = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**env, "DJANGO_DEBUG": "1"}, capture_output=True, text=True
    )
    assert asked.stdout.strip() == "True", asked.stderr


def test_server_error_page_is_the_products_own():
    response = server_error(RequestFactory().get("/cases/1/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert (ROOT / "templates" / "500.html").read_text(encoding="utf-8").strip() in body


def test_stylesheet_falls_back_to_a_shipped_chinese_webfont():
    css = (ROOT / "static" / "css" / "app.css").read_text(encoding="utf-8")
    assert 'url("../fonts/jiayuan-sans-sc.woff2")' in css
    font = ROOT / "static" / "fonts" / "jiayuan-sans-sc.woff2"
    assert font.read_bytes()[:4] == b"wOF2"
    # the family is in the body's stack, before the generic fallback
    stack = css.split("body { margin: 0; font-family:")[1].split(";")[0]
    assert stack.index('"Jiayuan Sans SC"') < stack.index("sans-serif", stack.index('"Jiayuan Sans SC"'))


def test_webfont_covers_every_character_of_the_templates():
    from fontTools.ttLib import TTFont

    cmap = TTFont(ROOT / "static" / "fonts" / "jiayuan-sans-sc.woff2").getBestCmap()
    missing = set()
    for path in [*ROOT.joinpath("templates").rglob("*.html"), *ROOT.joinpath("jiayuan").rglob("*.html")]:
        missing |= {c for c in path.read_text(encoding="utf-8") if ord(c) > 0x2E80 and ord(c) not in cmap}
    assert not missing, "".join(sorted(missing))
