"""Management commands: load_laws, ask (one question and stdin lines), legal_eval."""

import io
import json
import sys

import pytest
from django.core.management import call_command

from jiayuan.legal.models import Article

pytestmark = pytest.mark.django_db


def test_load_laws_command_is_idempotent():
    out = io.StringIO()
    call_command("load_laws", stdout=out)
    assert "新增 1963" in out.getvalue()
    out = io.StringIO()
    call_command("load_laws", stdout=out)
    assert "新增 0，更新 0，删除 0" in out.getvalue()
    assert Article.objects.count() == 1963


def test_ask_json_one_question(legal_index):
    out = io.StringIO()
    call_command("ask", "离婚了孩子跟谁", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {"answer", "citations", "emergency", "confidence", "topic"}
    assert data["topic"] == "custody" and data["citations"][0]["law"]


def test_ask_json_reads_questions_from_stdin(legal_index, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("彩礼能要回来吗\n\n我不想活了\n"))
    out = io.StringIO()
    call_command("ask", "--json", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    assert len(lines) == 2
    assert lines[0]["topic"] == "betrothal-gifts" and lines[0]["emergency"] is False
    assert lines[1]["emergency"] is True


def test_legal_eval_reports_both_systems(legal_index):
    out = io.StringIO()
    call_command("legal_eval", "--set", "holdout", "--json", stdout=out)  # the small set: it is quick
    report = json.loads(out.getvalue())
    assert report["assistant"]["questions"] >= 40
    assert report["assistant"]["mrr"] > report["baseline"]["mrr"]
    assert set(report) == {"assistant", "baseline", "index_build_s", "baseline_build_s", "index_build_cpu_s"}


def test_a_whole_run_leaves_the_frozen_sets_out_unless_a_round_is_reported():
    from jiayuan.legal.evaluation import EVAL_FILES, FROZEN_SETS, measured_sets

    assert FROZEN_SETS and not set(measured_sets()) & set(FROZEN_SETS)
    assert set(measured_sets()) | set(FROZEN_SETS) == set(EVAL_FILES)
    assert measured_sets(frozen=True) == tuple(EVAL_FILES)
