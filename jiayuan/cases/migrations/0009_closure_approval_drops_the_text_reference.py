"""The request number kept as text is gone: the foreign key added in 0008 replaces it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_closure_approval_links_to_the_engine"),
    ]

    operations = [
        migrations.RemoveField(model_name="closureapproval", name="external_ref"),
    ]
