"""Seed the working-day calendar (public holidays on weekdays, 调休 weekend workdays) from chinesecalendar."""
from django.db import migrations


def seed(apps, schema_editor):
    from jiayuan.cases.workdays import calendar_seed_rows

    CalendarDay = apps.get_model("cases", "CalendarDay")
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create([
        CalendarDay(date=day, is_workday=workday, name=name, source="chinesecalendar")
        for day, workday, name in calendar_seed_rows() if day not in existing
    ])


def unseed(apps, schema_editor):
    apps.get_model("cases", "CalendarDay").objects.filter(source="chinesecalendar").delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
