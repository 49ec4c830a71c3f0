"""The machinery of the scope-leak probe: walking the URL map and the OpenAPI document, the probe users."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from jiayuan.access.registry import permission_table
from jiayuan.access.roles import Role, Scope
from jiayuan.api.routing import LOGIN, PUBLIC

MISSING_ID = 987654321
_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
_CSRF = re.compile(rb'((?:csrfmiddlewaretoken" value|csrf-token" content|data-session-deadline)=")[^"]*"')


@dataclass
class Route:
    route: str  # "people/<int:person_id>/"
    name: str | None  # "people:detail"
    callback: object
    params: dict[str, str] = field(default_factory=dict)  # kwarg -> converter name

    @property
    def label(self) -> str:
        return f"{self.name or '(unnamed)'} /{self.route}"

    def url(self, kwargs: dict | None = None) -> str:
        kwargs = kwargs or {}

        def value(match):
            name = match.group("name")
            if name in kwargs:
                return str(kwargs[name])
            return str(MISSING_ID) if match.group("conv") == "int" else "x"

        return "/" + _PARAM.sub(value, self.route)


def walk_urls(resolver=None, prefix: str = "", namespaces: tuple = ()):
    """Every URL pattern, recursively, with its full route and namespaced name."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = namespaces + ((pattern.namespace,) if pattern.namespace else ())
            yield from walk_urls(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = ":".join(namespaces + (pattern.name,)) if pattern.name else None
            params = {m.group("name"): (m.group("conv") or "str") for m in _PARAM.finditer(route)}
            yield Route(route=route, name=name, callback=pattern.callback, params=params)


def page_routes() -> list[Route]:
    """Routes of pages (the API is probed from its OpenAPI document)."""
    return [r for r in walk_urls() if not r.route.startswith("api/")]


def _chain(callback):
    """The view and everything it wraps: functools.wraps chains, partials, class-based views."""
    seen, queue, out = set(), [callback], []
    while queue:
        item = queue.pop(0)
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        out.append(item)
        queue.append(getattr(item, "__wrapped__", None))
        if isinstance(item, functools.partial):
            queue.append(item.func)
        view_class = getattr(item, "view_class", None) or getattr(item, "cls", None)
        if isinstance(view_class, type):
            queue.append(view_class)
            for method in ("dispatch", "get", "post"):
                queue.append(getattr(view_class, method, None))
        queue.append(getattr(item, "__func__", None))
    return out


@dataclass(frozen=True)
class Declaration:
    kind: str  # "perm", "login", "public"
    perm: str | None = None


def declaration(callback) -> Declaration | None:
    for item in _chain(callback):
        perm = getattr(item, "jiayuan_perm", None)
        if perm:
            return Declaration("perm", perm)
        if getattr(item, "jiayuan_login", False):
            return Declaration("login")
        if getattr(item, "jiayuan_public", False):
            return Declaration("public")
    return None


@dataclass
class Operation:
    method: str
    path: str  # "/api/people/{person_id}"
    perm: str | None
    params: dict[str, str]  # path parameter -> "integer"/"string"

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    def url(self, kwargs: dict | None = None) -> str:
        kwargs = kwargs or {}

        def value(match):
            name = match.group(1)
            if name in kwargs:
                return str(kwargs[name])
            return str(MISSING_ID) if self.params.get(name) == "integer" else "x"

        return re.sub(r"\{(\w+)\}", value, self.path)


def api_operations(schema: dict) -> list[Operation]:
    base = ""
    servers = schema.get("servers") or []
    if servers and servers[0].get("url", "").startswith("/"):
        base = servers[0]["url"].rstrip("/")
    ops = []
    for path, item in schema.get("paths", {}).items():
        for method, op in item.items():
            if method.lower() not in {"get", "post", "put", "patch", "delete"}:
                continue
            params = {
                p["name"]: (p.get("schema") or {}).get("type", "string")
                for p in op.get("parameters", [])
                if p.get("in") == "path"
            }
            full = path if path.startswith("/api/") else base + path
            ops.append(Operation(method.upper(), full, op.get("x-jiayuan-permission"), params))
    return ops


def known(perm: str | None) -> bool:
    return perm in (PUBLIC, LOGIN) or perm in permission_table()


# Where each role's probe user is posted, relative to the probed community.
def role_place(role: Role, community: str) -> str | None:
    from tests.factories import CITY

    if role in (Role.COMMUNITY_WORKER, Role.VOLUNTEER):
        return community
    if role == Role.STREET_STAFF:
        return community[:9]
    if role in (Role.SYSADMIN, Role.AUDITOR):
        return CITY
    if role == Role.AGENCY_USER:
        return None
    return community[:6]


def covers(scope: Scope | None, posting_division: str | None, record_division: str) -> bool:
    """Whether a posting with `scope` reaches a record of `record_division` (without grants)."""
    if scope is None:
        return False
    if scope == Scope.ALL:
        return True
    if posting_division is None:
        return False
    if scope == Scope.SUBTREE:
        from jiayuan.divisions.models import Division

        return Division.objects.get(code=posting_division).contains(record_division)
    if scope == Scope.LEVEL:
        return posting_division == record_division
    return False


def hooks() -> dict[str, dict]:
    """Every app's probe hook module (`tests/probes/<app_label>.py`), by app label.

    Apps are found from INSTALLED_APPS, so a new app's hook is walked as soon as its file exists. A hook
    left inside the app package (`jiayuan/<app>/probe.py`, the old place) fails loudly rather than being
    skipped: test code does not ship in runtime packages.
    """
    found = {}
    misplaced = []
    for config in apps.get_app_configs():
        if not config.name.startswith("jiayuan."):
            continue
        if find_spec(f"{config.name}.probe") is not None:
            misplaced.append(f"{config.name}.probe")
        try:
            module = import_module(f"tests.probes.{config.label}")
        except ModuleNotFoundError as exc:
            if exc.name == f"tests.probes.{config.label}":
                continue
            raise
        if hasattr(module, "records"):
            found[config.label] = module
    if misplaced:
        raise AssertionError(
            "probe hooks belong in tests/probes/<app_label>.py, not in the app: " + ", ".join(sorted(misplaced))
        )
    return found


def normalise(body: bytes) -> bytes:
    """A response body without its per-request CSRF token and the session clock (it moves once a minute)."""
    return _CSRF.sub(rb'\1-"', body)
