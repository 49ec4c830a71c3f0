"""POST /api/legal/ask: public, documented shape, rate-limited."""

import json

import pytest

from jiayuan.legal.models import AskedQuestion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_rate_limits")]


def post(client, payload):
    return client.post("/api/legal/ask", data=json.dumps(payload, ensure_ascii=False), content_type="application/json")


def test_ask_returns_the_documented_shape(client):
    response = post(client, {"question": "公司因为我怀孕要辞退我"})
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"answer", "citations", "emergency", "confidence", "topic", "conversation_id"}
    assert data["emergency"] is False and data["topic"] == "employment"
    assert isinstance(data["confidence"], float) and 0 < data["confidence"] <= 1
    first = data["citations"][0]
    assert set(first) == {"law", "article", "text", "url"}
    assert ("妇女权益保障法", 48) in [(c["law"], c["article"]) for c in data["citations"]]
    cited = next(c for c in data["citations"] if c["law"] == "妇女权益保障法" and c["article"] == 48)
    assert cited["url"] == "/legal/laws/women-rights-law/48/"
    assert cited["text"].startswith("用人单位不得因结婚、怀孕、产假、哺乳等情形")
    assert AskedQuestion.objects.get().channel == "api"


def test_emergency_flag_and_no_personal_data_stored(client):
    data = post(client, {"question": "我叫张丽，他拿刀要杀了我"}).json()
    assert data["emergency"] is True and data["answer"].startswith("【紧急情况请先看这里】")
    assert "张丽" not in AskedQuestion.objects.get().text


def test_bad_requests_get_chinese_errors(client):
    assert post(client, {}).status_code == 422
    response = post(client, {"question": "  "})
    assert response.status_code == 400 and "请先输入" in response.json()["detail"]


def test_rate_limited(client, settings):
    settings.JIAYUAN_RATE_LIMITS = {"legal_chat": (2, 86400)}  # a day-long window: no boundary mid-test
    answers = [post(client, {"question": "抚养费给到多大"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[-1].json()["detail"] == "操作过于频繁，请稍后再试。"


def test_operation_is_in_the_openapi_document(client):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/legal/ask"]["post"]
    assert operation["x-jiayuan-permission"] == "public"
