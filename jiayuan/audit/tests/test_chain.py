"""The access log is append-only and hash-chained: a changed, removed or inserted row is detected."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from jiayuan.access.actor import Actor
from jiayuan.access.roles import Role
from jiayuan.audit.models import AccessLog, Action, AppendOnlyError, ChainHead
from jiayuan.audit.services import GENESIS, access_log_verify, access_log_write
from tests.factories import XIANGMIHU, make_user


def _unguard():
    """Lift the database's append-only guard inside this test's transaction (rolled back afterwards)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_accesslog_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_accesslog_no_delete")
        elif connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_accesslog DISABLE TRIGGER USER")
        else:  # pragma: no cover
            pytest.skip(f"no tamper recipe for {connection.vendor}")


def _raw(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def rows(db):
    user = make_user(Role.STREET_STAFF, XIANGMIHU)
    actor = Actor.for_user(user)
    made = [
        access_log_write(
            actor=actor,
            action=Action.VIEW,
            object_type="people.person",
            object_id=str(i),
            field_classes=["personal"],
            detail={"n": i},
        )
        for i in range(5)
    ]
    return made


def verify_command() -> str:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def test_clean_chain_passes(rows):
    ok, message = access_log_verify()
    assert ok, message
    assert "校验通过" in message
    assert "校验通过" in verify_command()
    assert rows[0].prev_hash == GENESIS or AccessLog.objects.filter(pk__lt=rows[0].pk).exists()
    for before, after in zip(rows, rows[1:]):
        assert after.prev_hash == before.row_hash
    assert ChainHead.objects.get(pk=1).last_hash == rows[-1].row_hash


def test_small_batches_walk_the_same_chain(rows):
    assert access_log_verify(batch=2)[0]


@pytest.mark.parametrize(
    "column,value", [("detail", '{"n": 99}'), ("username", "someone"), ("object_id", "77"), ("action", "export")]
)
def test_tampered_row_is_detected(rows, column, value):
    _unguard()
    _raw(f"UPDATE audit_accesslog SET {column} = %s WHERE id = %s", [value, rows[2].pk])
    ok, message = access_log_verify()
    assert not ok
    assert f"第 {rows[2].pk} 条" in message and "篡改" in message
    with pytest.raises(CommandError):
        verify_command()


def test_rehashed_row_breaks_the_next_link(rows):
    """A forger who recomputes the changed row's hash still breaks the link to the following row."""
    from jiayuan.audit.services import row_digest

    _unguard()
    row = AccessLog.objects.get(pk=rows[2].pk)
    row.username = "forged"
    _raw(
        "UPDATE audit_accesslog SET username = %s, row_hash = %s WHERE id = %s",
        ["forged", row_digest(row, row.prev_hash), row.pk],
    )
    ok, message = access_log_verify()
    assert not ok and f"第 {rows[3].pk} 条" in message


def test_deleted_middle_row_is_detected(rows):
    _unguard()
    _raw("DELETE FROM audit_accesslog WHERE id = %s", [rows[2].pk])
    ok, message = access_log_verify()
    assert not ok
    assert f"第 {rows[3].pk} 条" in message and "前序哈希" in message
    with pytest.raises(CommandError):
        verify_command()


def test_deleted_last_row_is_detected(rows):
    _unguard()
    _raw("DELETE FROM audit_accesslog WHERE id = %s", [rows[-1].pk])
    ok, message = access_log_verify()
    assert not ok and "末尾" in message


def test_inserted_row_is_detected(rows):
    _unguard()
    row = AccessLog.objects.get(pk=rows[4].pk)
    _raw("UPDATE audit_accesslog SET prev_hash = %s WHERE id = %s", ["f" * 64, row.pk])
    assert not access_log_verify()[0]


def test_application_cannot_change_or_delete_a_row(rows):
    row = AccessLog.objects.get(pk=rows[0].pk)
    row.username = "changed"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=row.pk).update(username="changed")
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=row.pk).delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get(pk=row.pk).username != "changed"
    assert access_log_verify()[0]


def test_database_refuses_a_raw_update(rows):
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("UPDATE audit_accesslog SET username = 'x' WHERE id = %s", [rows[0].pk])
    assert AccessLog.objects.get(pk=rows[0].pk).username != "x"
    assert access_log_verify()[0]


def test_detail_is_scrubbed_of_identifiers(db):
    row = access_log_write(action=Action.SEARCH, detail={"q": "44030419900307123X 13812345678 0755-12345678"})
    text = str(AccessLog.objects.get(pk=row.pk).detail)
    assert "44030419900307123X" not in text and "13812345678" not in text and "12345678" not in text
    assert access_log_verify()[0]


def test_auditor_reads_and_filters_the_log_and_runs_the_check(client, rows):
    auditor = make_user(Role.AUDITOR, "440300")
    client.force_login(auditor)
    page = client.get("/audit/", {"action": "view", "object_id": "3"})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 1
    assert AccessLog.objects.filter(action=Action.AUDIT_VIEW, user=auditor).exists()
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    assert client.get("/audit/", {"since": str(today + dt.timedelta(days=1))}).context["page"].paginator.count == 0
    page = client.get("/audit/", {"since": str(today), "until": str(today), "username": rows[0].username})
    assert page.context["page"].paginator.count == 5
    assert client.get("/audit/", {"until": str(today - dt.timedelta(days=1))}).context["page"].paginator.count == 0
    page = client.get("/audit/verify/")
    assert page.status_code == 200 and "校验通过" in page.content.decode()
    staff = make_user(Role.STREET_STAFF, XIANGMIHU)
    client.force_login(staff)
    assert client.get("/audit/").status_code == 404
    sysadmin = make_user(Role.SYSADMIN, "440300")
    client.force_login(sysadmin)
    assert client.get("/audit/").status_code == 404
    assert client.get("/audit/verify/").status_code == 200


# --- the keyed chain and the checkpoints outside the database ----------------------------------------------


def _rechain(from_row: int, digest) -> None:
    """What a forger with database access does: rewrite row `from_row`, then recompute every link after it."""
    _unguard()
    rows = list(AccessLog.objects.filter(pk__gte=from_row).order_by("id"))
    prev = AccessLog.objects.filter(pk__lt=from_row).order_by("-id").values_list("row_hash", flat=True).first()
    prev = prev or GENESIS
    for row in rows:
        if row.pk == from_row:
            row.username = "forged"
        new = digest(row, prev)
        _raw(
            "UPDATE audit_accesslog SET username = %s, prev_hash = %s, row_hash = %s WHERE id = %s",
            [row.username, prev, new, row.pk],
        )
        prev = new
    ChainHead.objects.filter(pk=1).update(last_hash=prev, last_id=rows[-1].pk)


def test_rewriting_and_rechaining_without_the_key_is_detected(rows):
    """The issue's attack: change a row, re-hash the rows after it with the old unkeyed function."""
    from jiayuan.audit.services import legacy_digest

    _rechain(rows[2].pk, legacy_digest)
    ok, message = access_log_verify()
    assert not ok and f"第 {rows[2].pk} 条" in message


def test_rechaining_with_another_key_is_detected(rows, settings):
    from jiayuan.audit.services import row_digest

    real = settings.AUDIT_CHAIN_KEY
    settings.AUDIT_CHAIN_KEY = "a-guessed-key"
    _rechain(rows[1].pk, row_digest)
    settings.AUDIT_CHAIN_KEY = real
    assert not access_log_verify()[0]


def test_a_chain_of_only_unkeyed_rows_is_refused(rows):
    from jiayuan.audit.services import legacy_digest

    first = AccessLog.objects.order_by("id").first()
    _rechain(first.pk, legacy_digest)
    ok, message = access_log_verify()
    assert not ok and "密钥" in message


def test_unkeyed_rows_before_the_first_keyed_row_are_accepted(db):
    """Rows written before the chain was keyed: accepted only as a prefix closed by keyed rows."""
    from jiayuan.audit.services import legacy_digest

    made = [access_log_write(action=Action.VIEW, object_id=str(i)) for i in range(4)]
    _rechain(made[0].pk, legacy_digest)  # every row unkeyed (and the first one renamed)
    access_log_write(action=Action.ADMIN, detail={"event": "chain_keyed"})
    ok, message = access_log_verify()
    assert ok, message


def test_truncation_passes_the_chain_but_not_the_checkpoint(rows, tmp_path):
    call_command("audit_checkpoint", "--dir", str(tmp_path), stdout=io.StringIO())
    assert len(list(tmp_path.glob("checkpoint-*.json"))) == 1
    assert access_log_verify(checkpoint_dir=tmp_path)[0]
    _unguard()
    _raw("DELETE FROM audit_accesslog WHERE id >= %s", [rows[3].pk])
    ChainHead.objects.filter(pk=1).update(last_hash=rows[2].row_hash, last_id=rows[2].pk)
    assert access_log_verify()[0], "the chain alone cannot see a cleanly cut tail"
    ok, message = access_log_verify(checkpoint_dir=tmp_path)
    assert not ok and "末尾被删除" in message
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("audit_verify", "--checkpoints", str(tmp_path), stdout=out)


def test_a_rewrite_with_the_key_is_still_caught_by_the_checkpoint(rows, tmp_path):
    from jiayuan.audit.services import access_log_checkpoint, row_digest

    access_log_checkpoint(directory=tmp_path)
    _rechain(rows[1].pk, row_digest)  # even someone holding the key
    assert access_log_verify()[0]
    ok, message = access_log_verify(checkpoint_dir=tmp_path)
    assert not ok and "检查点" in message and "改写" in message


def test_a_forged_checkpoint_file_is_reported(rows, tmp_path):
    import json

    from jiayuan.audit.services import access_log_checkpoint

    path = access_log_checkpoint(directory=tmp_path)
    body = json.loads(path.read_text(encoding="utf-8"))
    body["last_id"] = 1
    path.chmod(0o600)
    path.write_text(json.dumps(body), encoding="utf-8")
    ok, message = access_log_verify(checkpoint_dir=tmp_path)
    assert not ok and "签名无效" in message


def test_checkpoint_files_are_written_only_outside_the_database(rows, tmp_path):
    from jiayuan.audit.services import access_log_checkpoint

    first = access_log_checkpoint(directory=tmp_path)
    access_log_write(action=Action.VIEW, object_id="x")
    second = access_log_checkpoint(directory=tmp_path)
    assert first != second and first.exists() and second.exists()
    assert access_log_verify(checkpoint_dir=tmp_path)[0]


def test_the_scheduled_job_writes_a_checkpoint_where_the_settings_say(rows, tmp_path, settings):
    from jiayuan.audit.tasks import audit_checkpoint_task

    settings.AUDIT_CHECKPOINT_DIR = str(tmp_path)
    result = audit_checkpoint_task.enqueue()
    assert "检查点" in result.return_value
    assert len(list(tmp_path.glob("checkpoint-*.json"))) == 1
    ok, message = access_log_verify()
    assert ok and "1 个检查点" in message


def test_nul_characters_are_taken_out_of_the_logged_detail(db):
    """PostgreSQL's JSON refuses NUL characters: a detail carrying them is logged without them."""
    row = access_log_write(action=Action.SEARCH, detail={"params": {"fil\x00ter": "a\x00b"}})
    assert AccessLog.objects.get(pk=row.pk).detail["params"] == {"filter": "ab"}
    assert access_log_verify()[0]


def test_a_request_carrying_nul_characters_is_refused_in_chinese(client, db):
    """A NUL character in a query parameter's name or value, a posted form field or a JSON body is refused with a
    Chinese 400 before any page runs, on the site and on the API, never a server error."""
    staff = make_user(Role.STREET_STAFF, XIANGMIHU)
    client.force_login(staff)
    for params in ({"fil\x00ter": "a"}, {"q": "a\x00b"}):
        page = client.get("/people/", params)
        assert page.status_code == 400 and "无效的空字符" in page.content.decode()
        api = client.get("/api/people/", params)
        assert api.status_code == 400 and "无效的空字符" in api.json()["detail"]
    assert client.get("/people/", {"q": "王"}).status_code == 200
    # a posted form field and a JSON body the same
    form = client.post("/people/new/", "name=%E7%8E%8B%00%E8%8A%B3", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 400 and "无效的空字符" in form.content.decode()
    body = client.post("/api/people/", data='{"name": "王\\u0000芳"}', content_type="application/json")
    assert body.status_code == 400 and "无效的空字符" in body.json()["detail"]
