"""Database triggers that refuse UPDATE and DELETE on the access log, below the application."""
from django.db import migrations

SQLITE_UP = [
    "CREATE TRIGGER audit_accesslog_no_update BEFORE UPDATE ON audit_accesslog "
    "BEGIN SELECT RAISE(ABORT, 'audit_accesslog is append-only'); END;",
    "CREATE TRIGGER audit_accesslog_no_delete BEFORE DELETE ON audit_accesslog "
    "BEGIN SELECT RAISE(ABORT, 'audit_accesslog is append-only'); END;",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_accesslog_no_update;", "DROP TRIGGER IF EXISTS audit_accesslog_no_delete;"]
POSTGRES_UP = [
    "CREATE OR REPLACE FUNCTION audit_accesslog_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_accesslog is append-only'; END; $$ LANGUAGE plpgsql;",
    "CREATE TRIGGER audit_accesslog_no_change BEFORE UPDATE OR DELETE ON audit_accesslog "
    "FOR EACH ROW EXECUTE FUNCTION audit_accesslog_append_only();",
    "CREATE TRIGGER audit_accesslog_no_truncate BEFORE TRUNCATE ON audit_accesslog "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_accesslog_append_only();",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_accesslog_no_change ON audit_accesslog;",
    "DROP TRIGGER IF EXISTS audit_accesslog_no_truncate ON audit_accesslog;",
    "DROP FUNCTION IF EXISTS audit_accesslog_append_only();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        from django.conf import settings

        # The test suite empties tables between browser tests (DELETE on SQLite, TRUNCATE on PostgreSQL),
        # so there only the UPDATE guard is installed; the application refuses deletes on its own.
        flushable = getattr(settings, "AUDIT_LOG_FLUSHABLE_FOR_TESTS", False)
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            if flushable and ("DELETE" in statement or "TRUNCATE" in statement) and "UPDATE" not in statement:
                continue
            if flushable and "UPDATE OR DELETE" in statement:
                statement = statement.replace("UPDATE OR DELETE", "UPDATE")
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
