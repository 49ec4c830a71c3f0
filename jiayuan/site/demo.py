"""The demo loader: every installed app's `demo.py` contributes its own demo data.

An app that has demo data provides `jiayuan/<app>/demo.py` with

    def demo_load() -> str:   # idempotent; returns a short Chinese summary line

The loader runs them in INSTALLED_APPS order (the floors: divisions before organisations before accounts
before people before the domain apps), so each app may rely on the demo of the apps below it. A demo may
take keyword options (`people`, `total`…): the loader passes an option only to the demos that name it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from importlib import import_module
from types import ModuleType

from django.apps import AppConfig, apps

DEMO_NOTICES_KEPT = 3


def demo_modules() -> Iterator[tuple[AppConfig, ModuleType]]:
    """(app config, demo module) for every installed app of the project that has one, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        if not config.name.startswith("jiayuan.") or config.name == __name__.rsplit(".", 1)[0]:
            continue
        try:
            module = import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.demo":
                continue
            raise
        if callable(getattr(module, "demo_load", None)):
            yield config, module


def _call(load: Callable[..., str], options: dict) -> str:
    accepted = inspect.signature(load).parameters
    return load(**{name: value for name, value in options.items() if name in accepted and value is not None})


def demo_load_all(*, only: list[str] | None = None, **options) -> list[tuple[str, str]]:
    """Load every app's demo (or only the apps labelled in `only`); returns (app name, summary) per app."""
    from jiayuan.notifications.services import notifications_trim

    since = notifications_trim(keep_after=None)
    done = []
    for config, module in demo_modules():
        if only and config.label not in only:
            continue
        summary = _call(module.demo_load, options)
        done.append((str(config.verbose_name), summary or ""))
    # Loading the demo replays months of work, and every step notified someone: a newcomer would open thirty
    # notices about cases closed long ago. Each account keeps the few that still ask for something.
    notifications_trim(keep_after=since, keep=DEMO_NOTICES_KEPT)
    return done


def demo_extra_accounts() -> list[tuple[str, str]]:
    """Second accounts some apps' demos add (a second approver…), as (username, description)."""
    extra: list[tuple[str, str]] = []
    for _, module in demo_modules():
        extra.extend(getattr(module, "DEMO_EXTRA_ACCOUNTS", []))
    return extra
