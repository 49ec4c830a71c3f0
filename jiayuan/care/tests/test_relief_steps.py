"""Relief approval that is not a rubber stamp: documents on the application seen by every level, no decision
preselected, the chain shown before submitting, payment recorded as its own step."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiayuan.care import services
from jiayuan.care.models import ReliefApplication, ReliefAttachment, ReliefStatus
from jiayuan.core.errors import ValidationFailed
from tests.factories import FUTIAN, make_person

from .test_register_and_relief import run_chain

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def fund(place):
    return services.fund_create(
        actor=place.actors["district"],
        name="困境妇女儿童救助金",
        division_code=FUTIAN,
        year=place.today.year,
        budget="20000",
    )


@pytest.fixture
def mother(place):
    person = make_person(place.home, name="周秀梅")
    services.register_entry_create(actor=place.actors["community"], person=person, type_codes=["single_mother"])
    return person


def test_application_shows_the_chain_before_submitting_and_carries_its_documents(place, fund, mother, client):
    client.force_login(place.users["community"])
    form = client.get(f"/care/relief/new/?person={mother.pk}").content.decode()
    assert 'name="files" multiple' in form and 'id="relief-chain"' in form
    preview = client.get(
        "/care/relief/preview/", {"person": mother.pk, "fund": fund.pk, "amount": "6,000"}
    ).content.decode()
    assert "香蜜湖街道" in preview and "福田区" in preview and "深圳市" in preview  # above 5000: the city signs
    assert "须报市级审批" in preview
    small = client.get(
        "/care/relief/preview/", {"person": mother.pk, "fund": fund.pk, "amount": "800"}
    ).content.decode()
    assert "深圳市" not in small

    # a file that is not what it says is refused, and nothing is written
    bad = SimpleUploadedFile("诊断证明.pdf", b"not a pdf at all", content_type="application/pdf")
    page = client.post(
        "/care/relief/new/",
        {"person": mother.pk, "fund": fund.pk, "amount": "1200", "reason": "住院治疗", "files": [bad]},
    ).content.decode()
    assert "文件内容与扩展名不符" in page and not ReliefApplication.objects.exists()
    assert "住院治疗" in page  # the form keeps what was typed

    good = SimpleUploadedFile("诊断证明.pdf", PDF, content_type="application/pdf")
    response = client.post(
        "/care/relief/new/",
        {"person": mother.pk, "fund": fund.pk, "amount": "1,200", "reason": "住院治疗", "files": [good]},
    )
    app = ReliefApplication.objects.get()
    assert response.status_code == 302 and app.amount == 1200
    document = ReliefAttachment.objects.get(application=app)
    assert document.name == "诊断证明.pdf"

    # every level that decides sees the document, and no decision is chosen for it
    for who in ("community2", "street", "district"):
        client.force_login(place.users[who])
        detail = client.get(f"/care/relief/{app.pk}/").content.decode()
        assert f'href="/care/relief/{app.pk}/attachments/{document.pk}/"' in detail
        assert not re.search(r'name="decision"[^>]*checked', detail)
        download = client.get(f"/care/relief/{app.pk}/attachments/{document.pk}/")
        assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    client.force_login(place.users["other_street"])
    assert client.get(f"/care/relief/{app.pk}/attachments/{document.pk}/").status_code == 404


def test_approval_then_payment_on_the_page(place, fund, mother, client):
    app = services.relief_apply(actor=place.actors["community"], fund=fund, person=mother, amount="1500")
    app = run_chain(place, app)
    assert app.status == ReliefStatus.APPROVED
    client.force_login(place.users["street"])
    page = client.get(f"/care/relief/{app.pk}/").content.decode()
    assert "登记发放" in page and "已批准，待发放" in page
    ledger = client.get(f"/care/people/{mother.pk}/ledger/").content.decode()
    assert "救助金发放" not in ledger  # approved is not paid
    client.post(
        f"/care/relief/{app.pk}/pay/",
        {"version": app.version, "paid_on": place.today.isoformat(), "method": "cash", "voucher_no": "SJ-0042"},
    )
    app.refresh_from_db()
    assert app.status == ReliefStatus.DISBURSED and app.voucher_no == "SJ-0042"
    page = client.get(f"/care/relief/{app.pk}/").content.decode()
    assert "现金" in page and "SJ-0042" in page
    ledger = client.get(f"/care/people/{mother.pk}/ledger/").content.decode()
    assert "救助金发放" in ledger and "SJ-0042" in ledger


def test_a_decision_must_be_chosen(place, fund, mother):
    app = services.relief_apply(actor=place.actors["community"], fund=fund, person=mother, amount="500")
    with pytest.raises(ValidationFailed):
        services.relief_decide(
            actor=place.actors["community2"],
            application=app,
            decision="",
            comment="",
            expected_version=app.approval.version,
        )
