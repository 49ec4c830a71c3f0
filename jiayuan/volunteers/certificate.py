"""The volunteer service certificate as a Word document, from an editable docxtpl template
(`templates/volunteers/docx/certificate.docx`; staff may restyle it, keeping the {{ }} fields)."""

from __future__ import annotations

import io
from pathlib import Path

from django.utils import timezone
from docxtpl import DocxTemplate

from jiayuan.divisions.codes import district_of

from .models import RecordStatus, ServiceRecord, Volunteer
from .selectors import volunteer_hours, volunteer_teams

TEMPLATE = Path(__file__).resolve().parent / "templates" / "volunteers" / "docx" / "certificate.docx"


def _issuer(volunteer: Volunteer) -> str:
    from jiayuan.orgs.models import Organisation

    org = (
        Organisation.objects.filter(division_id=district_of(volunteer.division_id), is_active=True)
        .order_by("id")
        .first()
    )
    return org.name if org else "妇女联合会"


def certificate_docx(*, volunteer: Volunteer, issuer: str = "") -> bytes:
    summary = volunteer_hours(volunteer=volunteer)
    today = timezone.localdate()
    rows = [
        {"on": r.on.isoformat(), "title": r.title, "hours": r.hours}
        for r in ServiceRecord.objects.filter(volunteer=volunteer, status=RecordStatus.CONFIRMED).order_by(
            "-started_at"
        )[:20]
    ]
    doc = DocxTemplate(str(TEMPLATE))
    doc.render(
        {
            "number": f"JG{district_of(volunteer.division_id)}-{volunteer.pk:06d}-{today:%Y%m%d}",
            "name": volunteer.person.name,
            "place": volunteer.division.name,
            "registered_on": f"{volunteer.registered_on:%Y年%m月%d日}",
            "until": f"{today:%Y年%m月%d日}",
            "hours": summary.confirmed_hours,
            "records": summary.confirmed_records,
            "teams": "、".join(m.team.name for m in volunteer_teams(volunteer=volunteer)),
            "rows": rows,
            "issuer": issuer or _issuer(volunteer),
            "issued_on": f"{today:%Y年%m月%d日}",
        }
    )
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
