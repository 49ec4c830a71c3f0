"""The main menu: each entry shows only to users holding its permission."""
from __future__ import annotations

NAV = [
    # (label, url name, permission or None for any signed-in user)
    ("人员", "people:list", "people.view"),
    ("区划与组织", "orgs:list", "orgs.view"),
    ("法律助手", "legal:staff", "legal.staff"),
    ("用户管理", "accounts:users", "accounts.view_users"),
    ("审计日志", "audit:log", "audit.view"),
]

# Panels on the home page, in order: (template, permission or None). Each template renders itself
# from the `actor` in its context through the owning app's selectors (template tags or HTMX loads).
HOME_PANELS = [
    ("people/partials/home_panel.html", "people.view"),
]

# Panels on a person's page (cases, register entries…): (template, permission). The template gets
# `person` and `actor` and loads its content through the owning app's selectors.
PERSON_PANELS: list[tuple[str, str]] = []
