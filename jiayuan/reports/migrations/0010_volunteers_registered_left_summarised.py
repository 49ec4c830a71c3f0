"""The volunteers registered and leaving are now kept in the summaries (the volunteers at a period's end are read
from them). On an existing install every division and month holding such dates is marked, so the next refresh
counts them from the records."""

from django.db import migrations
from django.db.models.functions import TruncMonth


def mark(apps, schema_editor):
    db = schema_editor.connection.alias
    Dirty = apps.get_model("reports", "FigureDirty")
    Volunteer = apps.get_model("volunteers", "Volunteer")
    keys = set()
    for date in ("registered_on", "left_on"):
        rows = (
            Volunteer.objects.using(db)
            .filter(**{f"{date}__isnull": False})
            .annotate(_month=TruncMonth(date))
            .order_by()
            .values_list("division_id", "_month")
            .distinct()
        )
        keys.update((d, m.date() if hasattr(m, "date") else m) for d, m in rows if d and m)
    Dirty.objects.using(db).bulk_create([Dirty(division_code=d, month=m) for d, m in sorted(keys)], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0003_fill_service_tally"),
        ("reports", "0009_activities_volunteers_summarised"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
