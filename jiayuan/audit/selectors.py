"""Reading the access log and the change history, for auditors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.utils import timezone

from jiayuan.access.actor import Actor

from .models import AccessLog

# Models whose change history the auditor can browse (label → display name).
HISTORY_MODELS = {
    "people.person": "人员",
    "orgs.organisation": "妇联组织",
    "accounts.posting": "岗位",
    "accounts.user": "用户",
}


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
