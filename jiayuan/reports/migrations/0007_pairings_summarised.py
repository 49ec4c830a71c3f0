"""Pairings started and ended are now kept in the summaries (the pairings under way are read from them), and the
children paired at each month's end are kept as month-end values. On an existing install every division and month
holding pairings is marked, and the month-end values are set to be counted anew, so the next refresh (before any
read, or the scheduled one) counts them from the records."""

from django.db import migrations
from django.db.models.functions import TruncMonth


def mark(apps, schema_editor):
    db = schema_editor.connection.alias
    Dirty = apps.get_model("reports", "FigureDirty")
    Pairing = apps.get_model("care", "Pairing")
    keys = set()
    for date in ("started_on", "ended_on"):
        rows = (
            Pairing.objects.using(db)
            .filter(**{f"{date}__isnull": False})
            .annotate(_month=TruncMonth(date))
            .order_by()
            .values_list("division_id", "_month")
            .distinct()
        )
        keys.update((d, m.date() if hasattr(m, "date") else m) for d, m in rows if d and m)
    Dirty.objects.using(db).bulk_create([Dirty(division_code=d, month=m) for d, m in sorted(keys)], batch_size=2000)
    # every month-end value is counted again at the next refresh (the new one from the first month)
    apps.get_model("reports", "FigureSnapshotKept").objects.using(db).all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0008_relief_payment_and_attachments"),
        ("reports", "0006_figure_snapshots_kept"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
