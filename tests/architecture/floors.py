"""Reading the app import graph from the source (the floors test and its planted cases use it).

An app imports another when any of its modules (tests and migrations aside) imports a module of the other,
at the top or inside a function. Imports under `if TYPE_CHECKING:` carry types only and do not count.
`jiayuan/api/urls.py` is the URL wiring of the API, which mounts every app's router: like `config/`, it
sits above every app and is left out.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

WIRING = {"jiayuan/api/urls.py"}
FRAMEWORK = {"core"}  # imported by every floor, imports no app


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            test = node.test
            name = test.id if isinstance(test, ast.Name) else test.attr if isinstance(test, ast.Attribute) else ""
            if name == "TYPE_CHECKING":
                skip.update(id(sub) for sub in ast.walk(node))
    return skip


def app_graph(root: Path) -> dict[str, dict[str, list[str]]]:
    """{app: {imported app: ["path:line", ...]}} for the apps under root/jiayuan."""
    edges: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    base = root / "jiayuan"
    for path in sorted(base.rglob("*.py")):
        parts = path.relative_to(base).parts
        if len(parts) < 2 or "tests" in parts or "migrations" in parts:
            continue
        where = path.relative_to(root).as_posix()
        if where in WIRING:
            continue
        app = parts[0]
        edges.setdefault(app, defaultdict(list))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_nodes(tree)
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.ImportFrom) and not node.level:
                modules = [node.module or ""]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                parts_ = module.split(".")
                if parts_[0] == "jiayuan" and len(parts_) > 1 and parts_[1] != app:
                    edges[app][parts_[1]].append(f"{where}:{node.lineno}")
    return edges


def strongly_connected(edges: dict[str, dict[str, list[str]]]) -> list[set[str]]:
    """The groups of apps that reach each other (Tarjan); a group of two or more is a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            groups.append(group)

    nodes = set(edges) | {w for targets in edges.values() for w in targets}
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return groups


def cycle_edges(edges: dict[str, dict[str, list[str]]]) -> set[tuple[str, str]]:
    """Every import a → b where b also reaches a: the imports that make cycles."""
    result = set()
    for group in strongly_connected(edges):
        if len(group) < 2:
            continue
        for a in group:
            result.update((a, b) for b in edges.get(a, {}) if b in group)
    return result


def floor_violations(edges: dict[str, dict[str, list[str]]]) -> list[str]:
    """core imports no app; divisions imports nothing but core."""
    problems = []
    for app, allowed in [("core", set()), ("divisions", FRAMEWORK)]:
        for other, where in sorted(edges.get(app, {}).items()):
            if other not in allowed:
                problems.append(f"{app} imports {other} ({where[0]})")
    return problems
