"""Guides seeded before December 2026 promised 12338 round the clock; replace that line where a reviewer left
it as seeded (an edited line is left alone)."""

from django.db import migrations

OLD = "12338 妇女维权公益服务热线（全国妇联）：24小时倾听、咨询，帮你联系当地妇联。"
NEW = (
    "12338 妇女维权公益服务热线（全国妇联）：倾听、咨询，帮你联系当地妇联"
    "（人工接听时间以当地妇联公布的为准，夜间和节假日可能无人接听；无人接听时可以在这里留下回电请求）。"
)


def forwards(apps, schema_editor):
    TopicGuide = apps.get_model("legal", "TopicGuide")
    for guide in TopicGuide.objects.filter(help__contains=OLD):
        guide.help = guide.help.replace(OLD, NEW)
        guide.save(update_fields=["help"])


class Migration(migrations.Migration):
    dependencies = [("legal", "0002_article_phrasings")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
