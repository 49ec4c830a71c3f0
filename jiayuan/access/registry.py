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
    for module in _permission_modules():
        for code, grants in getattr(module, "PERMISSIONS", {}).items():
            if code in table:
                raise ValueError(f"permission {code} declared twice")
            table[code] = {Role(role): Scope(scope) for role, scope in grants.items()}
    return table


def _permission_modules():
    for config in apps.get_app_configs():
        if not config.name.startswith("jiayuan."):
            continue
        try:
            yield import_module(f"{config.name}.permissions")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.permissions":
                continue
            raise


@lru_cache(maxsize=1)
def system_jobs() -> dict[str, str]:
    """Every job the system does as an actor (`Actor.system(job=...)`), with its Chinese name.

    Each app declares its own in `permissions.py` as `SYSTEM_JOBS = {"cases_sweep": "个案期限巡检"}`.
    """
    jobs: dict[str, str] = {}
    for module in _permission_modules():
        for code, label in getattr(module, "SYSTEM_JOBS", {}).items():
            if code in jobs:
                raise ValueError(f"system job {code} declared twice")
            jobs[code] = label
    return jobs


def system_job_label(job: str) -> str:
    try:
        return system_jobs()[job]
    except KeyError:
        raise KeyError(f"unknown system job {job}; declare it in an app's permissions.py SYSTEM_JOBS") from None


def permission_codes() -> list[str]:
    return sorted(permission_table())


def role_scope(role: str, code: str) -> Scope | None:
    try:
        return permission_table()[code].get(Role(role))
    except KeyError:
        raise KeyError(f"unknown permission {code}") from None
