"""Activity sessions, attendance (人次) and confirmed volunteer service (minutes) are now kept in the summaries. On
an existing install every division and month holding such records is marked, so the next refresh (before any read,
or the scheduled one) counts them from the records."""

from django.db import migrations
from django.db.models.functions import TruncMonth

# (app, model, date path)
SOURCES = [
    ("activities", "Session", "on"),
    ("activities", "Attendance", "on"),
    ("volunteers", "ServiceRecord", "on"),
]


def mark(apps, schema_editor):
    db = schema_editor.connection.alias
    Dirty = apps.get_model("reports", "FigureDirty")
    keys = set()
    for app, name, date in SOURCES:
        rows = (
            apps.get_model(app, name)
            .objects.using(db)
            .annotate(_month=TruncMonth(date))
            .order_by()
            .values_list("division_id", "_month")
            .distinct()
        )
        keys.update((d, m.date() if hasattr(m, "date") else m) for d, m in rows if d and m)
    Dirty.objects.using(db).bulk_create([Dirty(division_code=d, month=m) for d, m in sorted(keys)], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0004_fill_attendance_tally"),
        ("volunteers", "0003_fill_service_tally"),
        ("reports", "0008_street_rollups"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
