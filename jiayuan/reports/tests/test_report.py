"""The yearly report's Word template and sentences: refused when broken, versioned, used, downloads logged."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from jiayuan.access.roles import Role
from jiayuan.audit.models import AccessLog
from jiayuan.reports import documents
from jiayuan.reports.models import ReportRun, ReportTemplate
from tests.factories import FUTIAN, MEILIN, NANSHAN, make_user

pytestmark = pytest.mark.django_db


def _docx(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _upload(client, data: bytes, name: str = "模板.docx"):
    return client.post(
        "/reports/template/upload/",
        {"division": FUTIAN, "template": SimpleUploadedFile(name, data), "note": "新版式"},
    )


@pytest.fixture
def leader(client):
    user = make_user(Role.LEADER, FUTIAN, display_name="区妇联领导")
    client.force_login(user)
    return user


def test_template_refusals_keep_the_previous_version(leader, client):
    good = _docx("{{ scope_name }} {{ year }} 年：今年接访 {{ cases_received }} 宗。")
    assert _upload(client, good).status_code == 302
    assert ReportTemplate.objects.get().number == 1
    refusals = [
        (_docx("{{ cases_received }"), "占位符或 {% %} 语句有误"),
        (_docx("{% for x in figures %}没有结束"), "未结束的"),
        (_docx("今年接访 {{ cases_recieved }} 宗"), "cases_recieved"),
        (b"not a word file", "不是 Word 文档"),
        (b"PK\x03\x04broken zip", "无法读取"),
    ]
    for data, message in refusals:
        response = _upload(client, data)
        body = response.content.decode()
        assert response.status_code == 400 and message in body, message
        assert "仍使用原有版本" in body or "不是 Word 文档" in body
    assert _upload(client, good, name="模板.txt").status_code == 400
    assert list(ReportTemplate.objects.values_list("number", flat=True)) == [1]
    downloaded = b"".join(client.get(f"/reports/template/?division={FUTIAN}").streaming_content)
    assert "今年接访" in "".join(p.text for p in Document(io.BytesIO(downloaded)).paragraphs)


def test_uploaded_template_and_edited_sentence_make_the_report(leader, client, world):
    from .conftest import new_case

    new_case(world)
    template = _docx(
        "{{ scope_name }}报告",
        "{%p for s in sections %}",
        "{%p for p in s.paragraphs %}",
        "{{ p }}",
        "{%p endfor %}",
        "{%p endfor %}",
        "接访合计：{{ cases_received }}",
    )
    assert _upload(client, template).status_code == 302
    bad = client.post(
        "/reports/sentences/",
        {"division": FUTIAN, "code": "cases_intake", "text": "今年办了 {{ cases_foo }} 宗", "version": "0"},
    )
    assert bad.status_code == 400 and "cases_foo" in bad.content.decode()
    assert "今年办了 {{ cases_foo }} 宗" in bad.content.decode()  # what was typed is kept
    ok = client.post(
        "/reports/sentences/",
        {
            "division": FUTIAN,
            "code": "cases_intake",
            "text": "全年共受理求助 {{ cases_received }} 宗。",
            "version": "0",
        },
    )
    assert ok.status_code == 302
    stale = client.post(
        "/reports/sentences/",
        {"division": FUTIAN, "code": "cases_intake", "text": "另一种说法 {{ cases_received }}", "version": "0"},
    )
    assert stale.status_code == 400 and "已被他人修改" in stale.content.decode()
    assert client.post("/reports/report/generate/", {"division": FUTIAN, "year": 2026}).status_code == 302
    run = ReportRun.objects.get()
    assert run.status == "done" and run.template_number == 1
    before = AccessLog.objects.filter(action="export").count()
    doc = Document(io.BytesIO(b"".join(client.get(f"/reports/runs/{run.pk}/docx/").streaming_content)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "全年共受理求助 1 宗。" in text and "接访合计：1" in text and "福田区报告" in text
    assert AccessLog.objects.filter(action="export").count() == before + 1
    page = client.get(f"/reports/report/?division={FUTIAN}").content.decode()
    assert "已完成" in page and "区妇联领导" in page


def test_report_scope_and_year_checked(leader, client):
    assert client.post("/reports/report/generate/", {"division": NANSHAN, "year": 2026}).status_code == 404
    response = client.post("/reports/report/generate/", {"division": FUTIAN, "year": 1990})
    assert response.status_code == 400 and "年度应在" in response.content.decode()
    other = make_user(Role.STREET_STAFF, MEILIN)
    assert client.post("/reports/report/generate/", {"division": FUTIAN, "year": 2026}).status_code == 302
    run = ReportRun.objects.get()
    client.force_login(other)
    assert client.get(f"/reports/runs/{run.pk}/docx/").status_code == 404
    assert client.post("/reports/template/upload/", {"division": MEILIN}).status_code == 404


def test_default_template_passes_its_own_check():
    documents.template_check(documents.default_template_bytes())
