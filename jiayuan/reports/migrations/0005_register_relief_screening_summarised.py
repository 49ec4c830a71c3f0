"""The register's entries and exits, the ledgers, relief applications and payments, and the screening visits and
hazards are now kept in the summaries, and their modules' first days of use per division. On an existing install
every division and month holding such records is marked, so the next refresh (before any read, or the scheduled
one) counts them from the records."""

from django.db import migrations
from django.db.models.functions import TruncMonth

# (app, model, division path, date paths)
SOURCES = [
    ("care", "RegisterEntry", "division_id", ("entered_on", "exited_on")),
    ("care", "LedgerEntry", "division_id", ("on",)),
    ("care", "ReliefApplication", "division_id", ("created_at", "disbursed_on")),
    ("screening", "Visit", "division_id", ("visited_on",)),
    ("screening", "Hazard", "division_id", ("visit__visited_on",)),
]


def mark(apps, schema_editor):
    db = schema_editor.connection.alias
    Dirty = apps.get_model("reports", "FigureDirty")
    keys = set()
    for app, name, division, dates in SOURCES:
        model = apps.get_model(app, name)
        for date in dates:
            rows = (
                model.objects.using(db)
                .filter(**{f"{date}__isnull": False})
                .annotate(_month=TruncMonth(date))
                .order_by()
                .values_list(division, "_month")
                .distinct()
            )
            keys.update((d, m.date() if hasattr(m, "date") else m) for d, m in rows if d and m)
    Dirty.objects.using(db).bulk_create([Dirty(division_code=d, month=m) for d, m in sorted(keys)], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0008_relief_payment_and_attachments"),
        ("screening", "0001_initial"),
        ("reports", "0004_action_figures_summarised"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
