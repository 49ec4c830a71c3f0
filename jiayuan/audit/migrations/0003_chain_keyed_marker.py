"""The chain becomes keyed (HMAC): a marker row, MAC'd with the key, closes the rows hashed without one."""

import datetime as dt

from django.db import migrations


def mark(apps, schema_editor):
    from jiayuan.audit.services import row_digest

    AccessLog = apps.get_model("audit", "AccessLog")
    ChainHead = apps.get_model("audit", "ChainHead")
    last = AccessLog.objects.order_by("-id").first()
    if last is None:
        return
    row = AccessLog(
        at=dt.datetime.now(dt.timezone.utc),
        username="",
        action="admin",
        object_type="audit.accesslog",
        object_id=str(last.pk),
        division_code="",
        field_classes=[],
        detail={"event": "chain_keyed", "说明": "此后的访问日志以密钥校验码（HMAC）链接"},
        prev_hash=last.row_hash,
    )
    row.user_id = None
    row.posting_id = None
    row.ip = None
    row.row_hash = row_digest(row, last.row_hash)
    row.save()
    ChainHead.objects.update_or_create(pk=1, defaults={"last_hash": row.row_hash, "last_id": row.pk})


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_accesslog_append_only_triggers")]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
