"""Fill the high-risk board flag for cases registered before it existed."""
from django.db import migrations
from django.db.models import Q


def backfill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    (Case.objects.filter(Q(risk_level__in=["high", "extreme"]) | Q(urgent=True)).exclude(status="closed")
     .update(on_board=True))


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_case_board_and_list_indexes")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
