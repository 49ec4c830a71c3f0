"""A high-risk closure points at its approval engine request by a real foreign key (it kept the request's
number as text); existing rows are linked by that number."""

import django.db.models.deletion
from django.db import migrations, models


def link(apps, schema_editor):
    ClosureApproval = apps.get_model("cases", "ClosureApproval")
    ApprovalRequest = apps.get_model("workflows", "ApprovalRequest")
    existing = set(ApprovalRequest.objects.values_list("pk", flat=True))
    for row in ClosureApproval.objects.exclude(external_ref="").only("pk", "external_ref"):
        if row.external_ref.isdigit() and int(row.external_ref) in existing:
            ClosureApproval.objects.filter(pk=row.pk).update(approval_id=int(row.external_ref))


def unlink(apps, schema_editor):
    ClosureApproval = apps.get_model("cases", "ClosureApproval")
    for row in ClosureApproval.objects.exclude(approval__isnull=True).only("pk", "approval_id"):
        ClosureApproval.objects.filter(pk=row.pk).update(external_ref=str(row.approval_id))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_attachment_encrypted_at_rest"),
        ("workflows", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="closureapproval",
            name="approval",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="workflows.approvalrequest",
                verbose_name="审批",
            ),
        ),
        migrations.RunPython(link, unlink),
    ]
