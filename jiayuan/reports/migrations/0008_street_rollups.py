"""Every street is kept whole in the roll-ups too, like the districts and the city: a district's dashboard reads its
streets' bars, and a street's dashboard its own figures, from a few rows. The street rows are added up here from the
monthly rows already kept; one figure's rows of several places are found by their own index."""

from django.db import migrations, models
from django.db.models import Sum

from jiayuan.divisions.models import subtree_q


def fill(apps, schema_editor):
    db = schema_editor.connection.alias
    Division = apps.get_model("divisions", "Division")
    Monthly = apps.get_model("reports", "FigureMonthly")
    Rollup = apps.get_model("reports", "FigureRollup")
    if not Monthly.objects.using(db).exists():
        return
    streets = Division.objects.using(db).filter(level="street").values_list("prefix", flat=True)
    for place in streets:
        Rollup.objects.using(db).filter(place=place).delete()
        rows = (
            Monthly.objects.using(db)
            .filter(subtree_q(place, "division"))
            .order_by()
            .values_list("figure", "month", "dim", "key")
            .annotate(_n=Sum("n"))
        )
        Rollup.objects.using(db).bulk_create(
            [Rollup(figure=f, place=place, month=m, dim=d, key=k, n=n) for f, m, d, k, n in rows if n],
            batch_size=2000,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("divisions", "0001_initial"),
        ("reports", "0007_pairings_summarised"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="figurerollup",
            options={"verbose_name": "指标街道以上月汇总", "verbose_name_plural": "指标街道以上月汇总"},
        ),
        migrations.AddIndex(
            model_name="figurerollup",
            index=models.Index(fields=["figure", "dim", "place", "month"], name="figrollup_fig_dim_place_month"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
