"""The floors (docs/architecture.md): core and divisions import nothing above them, and no app reaches back
to an app that imports it. The checks read the source, so they run on a planted tree as well as on ours."""

from __future__ import annotations

from pathlib import Path

import pytest

from .floors import app_graph, cycle_edges, floor_violations

ROOT = Path(__file__).resolve().parents[2]


def test_core_and_divisions_import_nothing_above_them():
    assert floor_violations(app_graph(ROOT)) == []


def test_no_app_reaches_back_to_an_app_that_imports_it():
    graph = app_graph(ROOT)
    found = {f"{a} → {b} ({graph[a][b][0]})" for a, b in cycle_edges(graph)}
    assert not found, f"imports that close a cycle between apps: {sorted(found)}"


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, body in files.items():
        path = tmp_path / "jiayuan" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
    return tmp_path


def test_an_import_from_core_into_a_domain_app_fails(tmp_path):
    root = _tree(tmp_path, {"core/demo.py": "from jiayuan.cases.models import Case\n", "cases/models.py": ""})
    assert floor_violations(app_graph(root)) == ["core imports cases (jiayuan/core/demo.py:1)"]


def test_divisions_may_use_core_only(tmp_path):
    root = _tree(
        tmp_path,
        {
            "divisions/codes.py": "from jiayuan.core.errors import NotFound\n",
            "divisions/models.py": "def f():\n    from jiayuan.people.models import Person\n",
        },
    )
    assert floor_violations(app_graph(root)) == ["divisions imports people (jiayuan/divisions/models.py:2)"]


@pytest.mark.parametrize("inside_function", [False, True])
def test_two_apps_importing_each_other_are_a_cycle(tmp_path, inside_function):
    lazy = "def f():\n    from jiayuan.care.models import X\n" if inside_function else "from jiayuan.care import x\n"
    root = _tree(tmp_path, {"screening/stats.py": lazy, "care/stats.py": "from jiayuan.screening import stats\n"})
    assert cycle_edges(app_graph(root)) == {("care", "screening"), ("screening", "care")}


def test_a_longer_loop_is_a_cycle_and_type_only_imports_are_not(tmp_path):
    root = _tree(
        tmp_path,
        {
            "a/x.py": "from jiayuan.b import y\n",
            "b/y.py": "from jiayuan.c import z\n",
            "c/z.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from jiayuan.a import x\n",
            "d/w.py": "from jiayuan.e import v\n",
            "e/v.py": "import jiayuan.d.w\n",
        },
    )
    assert cycle_edges(app_graph(root)) == {("d", "e"), ("e", "d")}
