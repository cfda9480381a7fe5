"""Least privilege in the database (docs/database.md): the application's role may read and append audit events, and is
refused every statement that would rewrite them or lift their protection.

On CI's PostgreSQL leg the whole suite runs as the restricted role (DATABASE_OWNER_URL set): this test checks the role
the suite runs as. Run as a superuser, it builds the roles from `manage.py db_roles_sql`'s statements inside the test's
transaction (rolled back with it) and checks the application role it made, through SET ROLE."""

import importlib
import io
import os

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from audit.db_roles import cluster_sql, database_sql
from audit.models import Event, VerifiedHead
from audit.services import record
from audit.verification import verify_increment
from tests.conftest import _APP_CREDENTIALS

FORBIDDEN = [
    "UPDATE audit_event SET comment = 'sửa lén'",
    "DELETE FROM audit_event",
    "TRUNCATE audit_event",
    "ALTER TABLE audit_event DISABLE TRIGGER USER",
    "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_delete",
    "DROP TRIGGER audit_event_no_update_delete ON audit_event",
    "SET session_replication_role = replica",
    "ALTER TABLE audit_event ADD COLUMN forged text",
    "ALTER TABLE audit_event OWNER TO CURRENT_USER",
    "CREATE TABLE forged_log (seq bigint)",
]


def _one(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() if cursor.description else None


@pytest.fixture
def app_role(db):
    """The name of the restricted role the statements run as."""
    if settings.DATABASE_OWNER is not None:  # the suite itself runs as it
        return _one("SELECT current_user")[0]
    assert _one("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")[0], (
        "without DATABASE_OWNER_URL the PostgreSQL tests need a superuser, to build the roles here")
    suffix = os.getpid()
    owner, app = f"thidua_test_owner_{suffix}", f"thidua_test_app_{suffix}"
    with connection.cursor() as cursor:
        for statement in (*cluster_sql(owner, app, connection.settings_dict["NAME"]),
                          *database_sql(owner, app, connection.settings_dict["NAME"])):
            cursor.execute(statement)
        cursor.execute(f'SET ROLE "{app}"')
    return app


@pytest.mark.postgres
def test_the_application_role_appends_and_reads_but_may_not_rewrite_the_audit_log(app_role):
    # given the application's role: no superuser, owner of nothing
    assert _one("SELECT current_user")[0] == app_role
    assert _one("SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = current_user") \
        == (False, False, False, False)
    assert _one("SELECT tableowner <> current_user FROM pg_tables WHERE tablename = 'audit_event'")[0]

    # when it appends and checks, as the application does, then that works
    with transaction.atomic():
        event = record(action="nomination.submit", comment="được phép")
    assert Event.objects.get(seq=event.seq).hash == event.hash
    assert verify_increment().ok and VerifiedHead.objects.get().seq == event.seq

    # and every statement that would rewrite the log or lift its protection is refused for lack of privilege
    refused = {}
    for statement in FORBIDDEN:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)
        except DatabaseError as error:
            refused[statement] = error.__cause__.sqlstate
    assert refused == dict.fromkeys(FORBIDDEN, "42501")  # insufficient_privilege, each one
    assert Event.objects.get(seq=event.seq).comment == "được phép"
    assert _one("SELECT current_setting('session_replication_role')")[0] == "origin"


@pytest.mark.postgres
@pytest.mark.db_owner
def test_migration_0005_takes_the_rewriting_privileges_back_from_everyone_but_the_owner(db):
    # given a role and PUBLIC granted every privilege on audit_event (as default privileges would give the application's
    # role, when the roles came before the migrations)
    if settings.DATABASE_OWNER is not None:  # the owner grants here; the application's role is the named one
        role = _APP_CREDENTIALS["USER"]
    else:
        role = f"thidua_test_granted_{os.getpid()}"
        _one(f'CREATE ROLE "{role}"')
    _one(f'GRANT ALL ON audit_event TO "{role}", PUBLIC')

    # when the migration's statement runs
    migration = importlib.import_module("audit.migrations.0005_append_only_for_everyone_but_the_owner")
    _one(migration.REVOKE)

    # then they may still read and append, but not update, delete or truncate
    for grantee in (role, "public"):
        privileges = {kind: _one("SELECT has_table_privilege(%s, 'audit_event', %s)", [grantee, kind])[0]
                      for kind in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")}
        assert privileges == {"SELECT": True, "INSERT": True, "UPDATE": False, "DELETE": False, "TRUNCATE": False}


def test_the_command_prints_the_roles_and_refuses_a_name_it_would_have_to_quote():
    out = io.StringIO()
    call_command("db_roles_sql", "--database", "thidua", stdout=out)
    sql = out.getvalue()
    assert 'ALTER DATABASE "thidua" OWNER TO "thidua_owner";' in sql
    assert "REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON public.audit_event FROM \"thidua_app\"" in sql
    assert sql.index("\\connect thidua") < sql.index("GRANT USAGE ON SCHEMA public")
    with pytest.raises(Exception, match="lower-case letters"):
        call_command("db_roles_sql", "--app", 'x"; DROP ROLE postgres; --', stdout=io.StringIO())
