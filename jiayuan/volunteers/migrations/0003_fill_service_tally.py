"""Fill the yearly service tally from the records already confirmed."""

from django.db import migrations


def fill(apps, schema_editor):
    from jiayuan.volunteers.tally import tally_rows_rebuild

    tally_rows_rebuild(apps.get_model("volunteers", "ServiceRecord"), apps.get_model("volunteers", "ServiceTally"), None)


def empty(apps, schema_editor):
    apps.get_model("volunteers", "ServiceTally").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0002_service_tally")]

    operations = [migrations.RunPython(fill, empty)]
