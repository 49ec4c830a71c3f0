"""The adapter gate (`scripts/check_layers.py`, part of `make lint`): pages and API modules hold no queries and
no policy calls. It passes on the code and fails on a planted violation of each kind."""

from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _gate():
    spec = importlib.util.spec_from_file_location("check_layers", ROOT / "scripts" / "check_layers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _app(tmp_path: Path, files: dict[str, str]) -> Path:
    app = tmp_path / "jiayuan" / "demoapp"
    for name, body in {"__init__.py": "", **files}.items():
        path = app / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(body), encoding="utf-8")
    (tmp_path / "jiayuan" / "__init__.py").write_text("", encoding="utf-8")
    return tmp_path


def test_the_code_passes(capsys):
    assert _gate().main([str(ROOT)]) == 0, capsys.readouterr().out


def test_a_query_in_a_view_fails(tmp_path, capsys):
    root = _app(
        tmp_path, {"views.py": "from .models import Thing\n\ndef page(request):\n    return Thing.objects.all()\n"}
    )
    assert _gate().main([str(root)]) == 1
    assert "jiayuan/demoapp/views.py:4" in capsys.readouterr().out


def test_a_policy_call_in_an_api_module_fails(tmp_path, capsys):
    root = _app(
        tmp_path,
        {"api.py": "from jiayuan.access import policy\n\ndef op(request):\n    return policy.scoped(1, 2, 3)\n"},
    )
    assert _gate().main([str(root)]) == 1
    assert "jiayuan/demoapp/api.py:4" in capsys.readouterr().out


def test_a_query_in_a_views_package_fails(tmp_path, capsys):
    root = _app(
        tmp_path,
        {
            "views/__init__.py": "",
            "views/pages.py": "def page(request, Thing):\n    return Thing.objects.get(pk=1)\n",
        },
    )
    assert _gate().main([str(root)]) == 1
    assert "jiayuan/demoapp/views/pages.py:2" in capsys.readouterr().out


def test_selectors_and_services_may_query(tmp_path):
    root = _app(
        tmp_path,
        {
            "selectors.py": "def things(Thing):\n    return Thing.objects.all()\n",
            "views.py": "from . import selectors\n\ndef page(request):\n    return selectors.things(None)\n",
        },
    )
    assert _gate().main([str(root)]) == 0
