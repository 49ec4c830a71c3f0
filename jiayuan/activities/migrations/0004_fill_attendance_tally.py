"""Fill the yearly attendance tally from the attendance already recorded."""

from django.db import migrations


def fill(apps, schema_editor):
    from jiayuan.activities.services.tally import tally_rows_rebuild

    tally_rows_rebuild(apps.get_model("activities", "Attendance"), apps.get_model("activities", "AttendanceTally"), None)


def empty(apps, schema_editor):
    apps.get_model("activities", "AttendanceTally").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("activities", "0003_attendance_tally")]

    operations = [migrations.RunPython(fill, empty)]
