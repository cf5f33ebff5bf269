"""On PostgreSQL, refuse UPDATE and DELETE on audit events in the database itself."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION tongban_audit_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audits_auditevent_append_only
  BEFORE UPDATE OR DELETE ON audits_auditevent
  FOR EACH ROW EXECUTE FUNCTION tongban_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS audits_auditevent_append_only ON audits_auditevent;
DROP FUNCTION IF EXISTS tongban_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
