"""Database triggers that refuse UPDATE, DELETE (and on PostgreSQL TRUNCATE) of audit events.

They stop the application and casual SQL; someone who owns the database file or table can still drop them.
The hash chain is what shows that happened (docs/audit.md).
"""

from django.db import migrations

MESSAGE = "audit_event is append-only"

CREATE = {
    "sqlite": [
        f"""CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
        f"""CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    ],
    "postgresql": [
        f"""CREATE FUNCTION audit_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION USING MESSAGE = '{MESSAGE}: ' || TG_OP || ' refused',
                                      ERRCODE = 'restrict_violation';
            END $$""",
        """CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_event
            FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change()""",
        """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
            FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change()""",
    ],
}

DROP = {
    "sqlite": ["DROP TRIGGER audit_event_no_update", "DROP TRIGGER audit_event_no_delete"],
    "postgresql": [
        "DROP TRIGGER audit_event_no_truncate ON audit_event",
        "DROP TRIGGER audit_event_no_update_delete ON audit_event",
        "DROP FUNCTION audit_event_refuse_change()",
    ],
}


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements_by_vendor:
            raise NotImplementedError(f"No append-only triggers for the {vendor} database.")
        for statement in statements_by_vendor[vendor]:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
