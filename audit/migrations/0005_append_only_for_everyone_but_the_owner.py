"""PostgreSQL: no role but the table's owner may UPDATE, DELETE or TRUNCATE audit_event (docs/database.md).

Default privileges (manage.py db_roles_sql) give the application role every DML right on the tables migrations create,
this one included when the roles came before it; this takes the rewriting ones back from every role that holds them,
PUBLIC included. The triggers of 0002 still refuse them to the owner.
"""

from django.db import migrations

REVOKE = """DO $$
DECLARE target text;
BEGIN
    FOR target IN
        SELECT DISTINCT CASE WHEN acl.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(role.rolname) END
        FROM pg_class AS class
        CROSS JOIN LATERAL aclexplode(class.relacl) AS acl
        LEFT JOIN pg_roles AS role ON role.oid = acl.grantee
        WHERE class.oid = 'audit_event'::regclass AND acl.grantee <> class.relowner
          AND acl.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
    LOOP
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM ' || target;
    END LOOP;
END $$"""


def revoke(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REVOKE, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_verified_head")]

    operations = [migrations.RunPython(revoke, migrations.RunPython.noop)]
