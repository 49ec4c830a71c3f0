"""Reading the access log and the change history, for auditors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils import timezone

from jiayuan.access.actor import Actor
from jiayuan.audit.models import AccessLog

# Models whose change history the auditor can browse (label → display name).
HISTORY_MODELS = {
    "people.person": "人员",
    "orgs.organisation": "妇联组织",
    "accounts.posting": "岗位",
    "accounts.user": "用户",
}


# Log entries that name no model of their own (label → display name).
EXTRA_OBJECT_TYPES = {
    "ops.retention": "数据保存期限处理",
    "audit.accesslog": "访问日志",
}


def object_type_label(label: str) -> str:
    """The Chinese name of a record kind in the log ("cases.case" → "个案"); unknown labels stay as written."""
    if not label:
        return ""
    if label in EXTRA_OBJECT_TYPES:
        return EXTRA_OBJECT_TYPES[label]
    if "." not in label:  # a page of a module (a list or a form), named by the module
        try:
            return str(apps.get_app_config(label).verbose_name)
        except LookupError:
            return label
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return label
    return str(model._meta.verbose_name)


def object_type_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every kind of record the log can name, grouped by module, for the filter's chooser."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for model in apps.get_models():
        if not model.__module__.startswith("jiayuan.") or model.__name__.startswith("Historical"):
            continue
        app = apps.get_app_config(model._meta.app_label)
        if str(app.verbose_name) not in groups:
            # The module's own pages and lists (logged by the module's name when no record is named).
            groups[str(app.verbose_name)] = [(app.label, f"{app.verbose_name}（页面与列表）")]
        groups[str(app.verbose_name)].append((model._meta.label_lower, str(model._meta.verbose_name)))
    groups.setdefault("其他", []).extend(EXTRA_OBJECT_TYPES.items())
    return [(name, sorted(items, key=lambda item: item[1])) for name, items in groups.items()]


def posting_labels(ids) -> dict[int, str]:
    """Postings named as a person reads them ("香蜜湖街道 · 街道妇联工作人员"), by id."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    posting = apps.get_model("accounts", "Posting")
    rows = posting.objects.filter(pk__in=wanted).select_related("division", "agency")
    return {row.pk: str(row) for row in rows}


@dataclass
class LogFilters:
    username: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def _day_bounds(day: dt.date, end: bool = False) -> dt.datetime:
    moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    return timezone.make_aware(moment)


def access_log_list(*, actor: Actor, filters: LogFilters):
    if not actor.has_perm("audit.view"):
        return AccessLog.objects.none()
    qs = AccessLog.objects.all()
    if filters.username:
        qs = qs.filter(username=filters.username)
    if filters.action:
        qs = qs.filter(action=filters.action)
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.object_id:
        qs = qs.filter(object_id=filters.object_id)
    if filters.since:
        qs = qs.filter(at__gte=_day_bounds(filters.since))
    if filters.until:
        qs = qs.filter(at__lte=_day_bounds(filters.until, end=True))
    return qs.order_by("-id")


def change_history_list(*, actor: Actor, model_label: str, object_id: str = "", username: str = "", limit=200):
    """Saved versions of one kind of record: who changed what and when (field names, not values)."""
    if not actor.has_perm("audit.view") or model_label not in HISTORY_MODELS:
        return []
    model = apps.get_model(model_label)
    qs = model.history.select_related("history_user").order_by("-history_id")
    if object_id:
        qs = qs.filter(id=object_id)
    if username:
        qs = qs.filter(history_user__username=username)
    rows = []
    for record in qs[:limit]:
        previous = record.prev_record
        changed = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=["updated_at", "version"])
            changed = [
                model._meta.get_field(c.field).verbose_name
                for c in delta.changes
                if not c.field.endswith("_hash") and c.field != "name_initials"
            ]
        rows.append(
            {
                "at": record.history_date,
                "user": record.history_user,
                "object_id": record.id,
                "type": record.get_history_type_display(),
                "changed": changed,
                "reason": record.history_change_reason or "",
            }
        )
    return rows


# --- what a security officer watches for -------------------------------------------------------------------

OPENING_ACTIONS = ("view", "open", "reveal", "break_glass", "export")


@dataclass
class Flag:
    kind: str  # "many_records" / "many_refusals" / "night" / "outside_area"
    label: str  # what the page says, in Chinese
    username: str
    count: int


def _threshold(name: str, default: int) -> int:
    from django.conf import settings

    return int(getattr(settings, name, default))


def access_log_flags(*, actor: Actor, now: dt.datetime | None = None) -> list[Flag]:
    """Accounts whose recent access looks unusual: many records opened or many refusals in the last day,
    access at night (22:00–06:00) or to records outside the account's own area in the last week."""
    from django.db.models import Count
    from django.db.models.functions import ExtractHour

    from jiayuan.accounts.models import Posting

    if not actor.has_perm("audit.view"):
        return []
    now = now or timezone.now()
    day = AccessLog.objects.filter(at__gte=now - dt.timedelta(days=1), user__isnull=False)
    week = AccessLog.objects.filter(at__gte=now - dt.timedelta(days=7), user__isnull=False)
    flags: list[Flag] = []
    many = _threshold("AUDIT_FLAG_MANY_RECORDS", 100)
    for row in (
        day.filter(action__in=OPENING_ACTIONS)
        .exclude(object_id="")
        .values("username")
        .annotate(n=Count("object_id", distinct=True))
        .filter(n__gte=many)
        .order_by("-n")[:50]
    ):
        flags.append(Flag("many_records", f"24 小时内打开 {row['n']} 条记录", row["username"], row["n"]))
    refusals = _threshold("AUDIT_FLAG_MANY_REFUSALS", 20)
    for row in (
        day.filter(action="refused").values("username").annotate(n=Count("id")).filter(n__gte=refusals)
    ).order_by("-n")[:50]:
        flags.append(Flag("many_refusals", f"24 小时内 {row['n']} 次被拒绝访问", row["username"], row["n"]))
    start, end = _threshold("AUDIT_NIGHT_FROM_HOUR", 22), _threshold("AUDIT_NIGHT_UNTIL_HOUR", 6)
    night = week.exclude(action__in=("login", "logout", "login_failed")).annotate(hour=ExtractHour("at"))
    night = night.filter(hour__gte=start) | night.filter(hour__lt=end)
    for row in night.values("username").annotate(n=Count("id")).order_by("-n")[:50]:
        flags.append(Flag("night", f"近 7 天夜间（{start}:00–{end}:00）访问 {row['n']} 次", row["username"], row["n"]))
    places = (
        week.exclude(division_code="")
        .values("user_id", "username", "division_code")
        .annotate(n=Count("id"))
        .order_by()[:5000]
    )
    by_user: dict[int, list[Mapping[str, Any]]] = {}
    for row in places:
        by_user.setdefault(row["user_id"], []).append(row)
    prefixes: dict[int, list[str]] = {}
    for posting in (
        Posting.objects.active(timezone.localdate(now))
        .filter(user_id__in=list(by_user))
        .select_related("division", "agency")
    ):
        if posting.division_id:
            prefixes.setdefault(posting.user_id, []).append(posting.division.prefix)
        elif posting.agency_id:
            prefixes.setdefault(posting.user_id, []).append(getattr(posting.agency, "division_id", "") or "")
    for user_id, rows in by_user.items():
        own = [p for p in prefixes.get(user_id, []) if p is not None]
        outside = sum(r["n"] for r in rows if not any(r["division_code"].startswith(p) for p in own))
        if outside:
            flags.append(
                Flag("outside_area", f"近 7 天访问本人辖区以外的记录 {outside} 次", rows[0]["username"], outside)
            )
    return flags
