from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [
        migrations.RemoveIndex(model_name="person", name="people_pers_divisio_470b91_idx"),
        migrations.RemoveIndex(model_name="person", name="people_pers_name_3035d1_idx"),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(condition=models.Q(("deleted_at__isnull", True)), fields=["division", "id"],
                               name="person_alive_div_id"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(condition=models.Q(("deleted_at__isnull", True)), fields=["division", "name"],
                               name="person_alive_div_name"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(condition=models.Q(("deleted_at__isnull", True)), fields=["name"],
                               name="person_alive_name"),
        ),
    ]
