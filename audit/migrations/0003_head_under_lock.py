"""PostgreSQL: take the append lock and read the chain's head in one call (one round trip instead of two).

The head must be read after the lock is held, by a statement that sees what the lock's previous holder
committed. One plain statement cannot do both (its snapshot is taken before it waits for the lock); a VOLATILE
PL/pgSQL function can, since each statement in it gets a fresh snapshot. SQLite needs no lock of its own (the
IMMEDIATE transaction holds the write lock) and gets nothing here.
"""

from django.db import migrations

CREATE = """CREATE FUNCTION audit_head_locked(lock_key bigint, OUT head_seq bigint, OUT head_hash text)
    RETURNS SETOF record LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
        PERFORM pg_advisory_xact_lock(lock_key);
        RETURN QUERY SELECT event.seq, event.hash::text FROM audit_event AS event ORDER BY event.seq DESC LIMIT 1;
    END $$"""

DROP = "DROP FUNCTION audit_head_locked(bigint)"


def _run(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
