"""The audit trail is append-only in the database itself, not only in the ORM: triggers refuse
UPDATE and DELETE (and TRUNCATE on PostgreSQL) on the audit table. The one exception is
``manage.py audit_archive`` (and ``flush`` outside production), which raises a permit that only
its own transaction can see: on PostgreSQL the transaction-local setting
``community365.audit_archive``, on SQLite a row in ``audit_archive_permit`` (SQLite runs one
writer at a time, so nobody else's statement meets the row)."""

from django.conf import settings
from django.db import migrations, models

PG_INSTALL = [
    """
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('community365.audit_archive', true) = 'on' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'TRUNCATE' AND current_setting('community365.audit_archive', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql""",
    "CREATE TRIGGER audit_auditevent_no_rewrite BEFORE UPDATE OR DELETE ON audit_auditevent "
    "FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only()",
    "CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON audit_auditevent "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_append_only()",
]
PG_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_rewrite ON audit_auditevent",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_auditevent_append_only()",
]
SQLITE_INSTALL = [
    "CREATE TABLE IF NOT EXISTS audit_archive_permit (granted INTEGER NOT NULL)",
    "CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END",
    "CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent "
    "WHEN NOT EXISTS (SELECT 1 FROM audit_archive_permit) "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
    "DROP TABLE IF EXISTS audit_archive_permit",
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = PG_INSTALL if vendor == "postgresql" else SQLITE_INSTALL if vendor == "sqlite" else []
    for statement in statements:
        schema_editor.execute(statement, params=None)


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = PG_REMOVE if vendor == "postgresql" else SQLITE_REMOVE if vendor == "sqlite" else []
    for statement in statements:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_field_labels"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # A deleted account leaves its id in the trail (the label keeps its name); the ORM must
        # not try to UPDATE audit rows to NULL, which the triggers refuse.
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=models.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="操作人",
            ),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["ip", "occurred_at"], name="audit_ip_time"),
        ),
        migrations.RunPython(install, remove),
    ]
