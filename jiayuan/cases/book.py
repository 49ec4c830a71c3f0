"""一案一册: the whole case file as a Word document (docxtpl on a template built with python-docx).

The template is generated in code at first use (staff may replace it with their own layout by
dropping `case_book.docx` into `<VAR_DIR>/templates/`); highly sensitive text is masked unless the
user may reveal it.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from docx import Document
from docx.shared import Pt
from docxtpl import DocxTemplate

from jiayuan.access.actor import Actor
from jiayuan.access.fields import mask_text

from . import rules, selectors
from .models import Case


@lru_cache(maxsize=1)
def _built_template() -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(11)
    doc.add_heading("维权个案档案（一案一册）", level=0)
    doc.add_paragraph("案件编号：{{ number }}　　受理时间：{{ received }}　　来源：{{ channel }}")
    doc.add_paragraph("承办区划：{{ division }}　　承办人：{{ handler }}　　状态：{{ status }}")
    doc.add_paragraph("案件类别：{{ categories }}　　风险等级：{{ risk }}{% if urgent %}（紧急）{% endif %}")
    doc.add_paragraph("结案结果：{{ outcome }}　　结案时间：{{ closed }}")
    doc.add_heading("当事人", level=1)
    table = doc.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["姓名", "角色", "备注"]):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for p in parties %}"
    row = table.rows[2].cells
    row[0].text, row[1].text, row[2].text = "{{ p.name }}", "{{ p.role }}", "{% if p.minor %}未成年人{% endif %}"
    # the closing tag row
    closing = table.add_row().cells
    closing[0].text = "{%tr endfor %}"
    doc.add_heading("当事人陈述", level=1)
    doc.add_paragraph("{{ account }}")
    doc.add_heading("风险评估", level=1)
    doc.add_paragraph("{%p for a in assessments %}")
    doc.add_paragraph("{{ a.at }}　{{ a.level }}（得分 {{ a.score }}）{{ a.note }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_heading("办理过程", level=1)
    events = doc.add_table(rows=3, cols=4)
    events.style = "Table Grid"
    for cell, text in zip(events.rows[0].cells, ["时间", "类型", "经办人", "内容"]):
        cell.text = text
    events.rows[1].cells[0].text = "{%tr for e in events %}"
    cells = events.rows[2].cells
    cells[0].text, cells[1].text, cells[2].text, cells[3].text = (
        "{{ e.at }}",
        "{{ e.kind }}",
        "{{ e.actor }}",
        "{{ e.title }}{% if e.note %}：{{ e.note }}{% endif %}",
    )
    events.add_row().cells[0].text = "{%tr endfor %}"
    doc.add_paragraph("导出人：{{ exported_by }}　导出时间：{{ exported_at }}　{{ mask_note }}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _template() -> DocxTemplate:
    custom = Path(settings.VAR_DIR) / "templates" / "case_book.docx"
    if custom.exists():
        return DocxTemplate(str(custom))
    return DocxTemplate(io.BytesIO(_built_template()))


def case_book_docx(*, actor: Actor, case: Case) -> tuple[bytes, bool]:
    """The case book and whether it was masked. The caller logs the export."""
    reveal = selectors.may_reveal(actor, case)
    fmt = "%Y-%m-%d %H:%M"
    timeline = selectors.case_timeline(actor=actor, case=case, reveal=reveal)
    context = {
        "number": case.number,
        "received": timezone.localtime(case.received_at).strftime(fmt),
        "channel": case.get_channel_display(),
        "division": case.division.name,
        "handler": str(case.handler) if case.handler_id else "未分派",
        "status": case.get_status_display(),
        "categories": "、".join(rules.category_name(c) for c in selectors.case_categories(case)),
        "risk": case.get_risk_level_display(),
        "urgent": case.urgent,
        "outcome": case.get_outcome_display() or "—",
        "closed": timezone.localtime(case.closed_at).strftime(fmt) if case.closed_at else "—",
        "parties": selectors.case_parties(case=case),
        "account": case.account if reveal else mask_text(case.account),
        "assessments": [
            {
                "at": timezone.localtime(a.at).strftime(fmt),
                "level": a.get_level_display(),
                "score": a.score,
                "note": f"（调整理由：{a.override_reason}）" if a.override_reason else "",
            }
            for a in selectors.case_assessments(actor=actor, case=case)
        ],
        "events": [
            {
                "at": timezone.localtime(e.at).strftime(fmt),
                "kind": e.kind_label,
                "actor": e.actor,
                "title": e.title,
                "note": e.note,
            }
            for e in timeline
        ],
        "exported_by": str(actor.user),
        "exported_at": timezone.localtime().strftime(fmt),
        "mask_note": "" if reveal else "（敏感内容已隐藏）",
    }
    doc = _template()
    doc.render(context)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue(), not reveal
