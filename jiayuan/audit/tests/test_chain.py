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
