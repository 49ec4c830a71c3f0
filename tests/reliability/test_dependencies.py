"""What the product imports at run time is installed by `pip install -e .` alone (`make run` installs no dev
extras): every third-party module imported outside the tests comes from a runtime dependency of
pyproject.toml or from one of theirs."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
TEST_ONLY = ("tests", "testing", "probe.py", "conftest.py")


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _closure(names: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        todo += [_name(r) for r in requires if "extra ==" not in r]
    return seen


def _imports() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in list((ROOT / "jiayuan").rglob("*.py")) + list((ROOT / "config").rglob("*.py")):
        if any(part in TEST_ONLY for part in path.relative_to(ROOT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                found.setdefault(module.split(".")[0], str(path.relative_to(ROOT)))
    # Apps, middleware, backends and storages are named in the settings as strings.
    from django.conf import settings

    named = [
        *settings.INSTALLED_APPS,
        *settings.MIDDLEWARE,
        *settings.AUTHENTICATION_BACKENDS,
        *settings.PASSWORD_HASHERS,
    ]
    for dotted in named:
        found.setdefault(dotted.split(".")[0], "config/settings")
    return found


def test_runtime_imports_come_from_runtime_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    allowed = _closure({_name(r) for r in project["dependencies"]})
    distributions = metadata.packages_distributions()
    local = {"jiayuan", "config"}
    problems = []
    for module, where in sorted(_imports().items()):
        if module in local or module in sys.stdlib_module_names:
            continue
        dists = {d.lower().replace("_", "-") for d in distributions.get(module, [])}
        assert dists, f"{module} (imported in {where}) is not installed at all"
        if not dists & allowed:
            problems.append(f"{module} (imported in {where}) comes from {sorted(dists)}, not a runtime dependency")
    assert not problems, "\n".join(problems)
