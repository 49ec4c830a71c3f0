"""The figures counted by a case action's date (protection orders, warning letters, legal aid, public-interest
litigation) are now kept in the summaries, per month, quarter and year. On an existing install every division
and month with such an action is marked, so the next refresh (before any read, or the scheduled one) counts
them from the records."""

from django.db import migrations
from django.db.models.functions import TruncMonth

KINDS = ("protection_order", "warning_letter", "legal_aid", "litigation")


def mark(apps, schema_editor):
    db = schema_editor.connection.alias
    Action = apps.get_model("cases", "CaseAction")
    Dirty = apps.get_model("reports", "FigureDirty")
    rows = (
        Action.objects.using(db)
        .filter(kind__in=KINDS)
        .annotate(_month=TruncMonth("occurred_on"))
        .order_by()
        .values_list("case__division_id", "_month")
        .distinct()
    )
    Dirty.objects.using(db).bulk_create(
        [Dirty(division_code=d, month=m) for d, m in rows if d and m], batch_size=2000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_task_cancel_overdue_and_case_assign_due"),
        ("reports", "0003_figure_rollups_and_first_use"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
