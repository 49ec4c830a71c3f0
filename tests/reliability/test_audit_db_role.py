"""In production the application's database role cannot switch off the access log's append-only guard.

The role set up as docs/operations.md says (DML on the tables, no UPDATE/DELETE/TRUNCATE on the log, not the
owner) is refused `ALTER TABLE ... DISABLE TRIGGER`, `DROP TRIGGER`, and any UPDATE, DELETE or TRUNCATE of
`audit_accesslog`, while it can still append. PostgreSQL only (SQLite has no roles); CI runs it there.
"""

from __future__ import annotations

import secrets

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles: PostgreSQL only")


@pytest.fixture
def app_role(transactional_db):
    import psycopg

    name = f"jiayuan_app_{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(16)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {name} LOGIN PASSWORD %s NOSUPERUSER NOCREATEDB NOCREATEROLE", [password])
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {name}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}")
        cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_accesslog FROM {name}")
    settings = connection.settings_dict
    conn = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=name,
        password=password,
        autocommit=True,
    )
    try:
        yield conn
    finally:
        conn.close()
        with connection.cursor() as cursor:
            cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {name}")
            cursor.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {name}")
            cursor.execute(f"REVOKE ALL ON SCHEMA public FROM {name}")
            cursor.execute(f"DROP ROLE {name}")


def test_the_application_role_cannot_disable_drop_or_bypass_the_guard(app_role):
    import psycopg

    refused = [
        "ALTER TABLE audit_accesslog DISABLE TRIGGER USER",
        "ALTER TABLE audit_accesslog DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_accesslog_no_change ON audit_accesslog",
        "UPDATE audit_accesslog SET username = 'x'",
        "DELETE FROM audit_accesslog",
        "TRUNCATE audit_accesslog",
        "ALTER TABLE audit_accesslog OWNER TO CURRENT_USER",
    ]
    for statement in refused:
        with pytest.raises(psycopg.errors.InsufficientPrivilege), app_role.cursor() as cursor:
            cursor.execute(statement)
    # Appending still works: the application writes the log through this role.
    with app_role.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_accesslog")
        assert cursor.fetchone()[0] >= 0
