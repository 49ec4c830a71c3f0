"""The adapter gate: pages and API modules hold no queries and no policy calls.

A view or an API operation parses the request, calls one service (a write) or one selector (a read) and
renders the answer. Reading the database (`Model.objects…`) or scoping by hand (`policy.…`) there is how a
second, drifting copy of a rule starts, so this gate refuses both in

    jiayuan/<app>/views.py, jiayuan/<app>/api.py (and *_views.py, *_api.py), and any module in
    jiayuan/<app>/views/ or jiayuan/<app>/api/

Run: `python scripts/check_layers.py [ROOT]` (part of `make lint`); exit status 1 lists each violation as
`path:line: what`. A line may be excused with a trailing `# layers: allow (<reason>)` comment; use it for
framework wiring only, never to skip writing a selector.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ADAPTER_NAMES = {"views.py", "api.py"}
ADAPTER_PACKAGES = {"views", "api"}
ALLOW_MARK = "# layers: allow"


def adapter_modules(root: Path) -> Iterator[Path]:
    """Every page or API module of every app under `root/jiayuan` (the API wiring package itself excluded)."""
    base = root / "jiayuan"
    for app in sorted(p for p in base.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        if app.name == "api":  # the API's own wiring (routers, auth, error bodies), not an app's operations
            continue
        for path in sorted(app.rglob("*.py")):
            relative = path.relative_to(app).parts
            if relative[0] in {"tests", "migrations"}:
                continue
            top_level_adapter = len(relative) == 1 and (
                path.name in ADAPTER_NAMES or path.name.endswith(("_views.py", "_api.py"))
            )
            in_adapter_package = len(relative) > 1 and relative[0] in ADAPTER_PACKAGES
            if top_level_adapter or in_adapter_package:
                yield path


def _policy_names(tree: ast.Module) -> set[str]:
    """Local names bound to the access policy module (`from jiayuan.access import policy as p`)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in {"jiayuan.access", "access"}:
            names.update(alias.asname or alias.name for alias in node.names if alias.name == "policy")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "jiayuan.access.policy":
                    names.add(alias.asname or "jiayuan")
    return names


def violations(path: Path) -> list[tuple[int, str]]:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, filename=str(path))
    lines = source.splitlines()
    policy_names = _policy_names(tree) | {"policy"}
    found = []
    for node in ast.walk(tree):
        what = None
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            what = "a query in an adapter (`.objects`): read through a selector, write through a service"
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in policy_names:
            what = f"a policy call in an adapter (`{node.value.id}.{node.attr}`): scope inside a selector or service"
        elif isinstance(node, ast.ImportFrom) and node.module == "jiayuan.access.policy":
            what = "an import from the access policy in an adapter: scope inside a selector or service"
        if what is None:
            continue
        line = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
        if ALLOW_MARK in line:
            continue
        found.append((node.lineno, what))
    return sorted(set(found))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else Path(__file__).resolve().parent.parent
    problems = []
    for path in adapter_modules(root):
        for line, what in violations(path):
            problems.append(f"{path.relative_to(root)}:{line}: {what}")
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} violation(s): pages and API modules call selectors and services only.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
