"""The one permission table: every app's `permissions.py` merged, checked for unknown roles and scopes."""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module

from django.apps import apps

from .roles import Role, Scope

Table = dict[str, dict[Role, Scope]]


@lru_cache(maxsize=1)
def permission_table() -> Table:
    table: Table = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("jiayuan."):
            continue
        try:
            module = import_module(f"{config.name}.permissions")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.permissions":
                continue
            raise
        for code, grants in getattr(module, "PERMISSIONS", {}).items():
            if code in table:
                raise ValueError(f"permission {code} declared twice")
            table[code] = {Role(role): Scope(scope) for role, scope in grants.items()}
    return table


def permission_codes() -> list[str]:
    return sorted(permission_table())


def role_scope(role: str, code: str) -> Scope | None:
    try:
        return permission_table()[code].get(Role(role))
    except KeyError:
        raise KeyError(f"unknown permission {code}") from None
