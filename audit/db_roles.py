"""The PostgreSQL roles of a deployment (docs/database.md): an owner that migrates, an application role that cannot
rewrite history.

The application role reads and writes the tables, but on audit_event it may only SELECT and INSERT: no UPDATE,
DELETE or TRUNCATE. Owning nothing and being no superuser, it cannot ALTER TABLE (so neither disable nor drop the
triggers), create tables in the schema, or SET session_replication_role. Default privileges give it the same rights
on the tables the owner's later migrations create; audit/migrations/0005 takes the rewriting ones back on audit_event
whatever the order the SQL and the migrations ran in.
"""

import re

APP_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
AUDIT_TABLE = "audit_event"
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def _identifier(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(f"{name!r}: a role or database name here is lower-case letters, digits and _ (at most 63)")
    return f'"{name}"'


def cluster_sql(owner: str, app: str, database: str) -> list[str]:
    """As a superuser, once per cluster: the two login roles, with no power beyond their grants, and the database
    owned by the owner. Safe to run again (the roles are created only when missing, their attributes reset)."""
    owner_id, app_id, database_id = _identifier(owner), _identifier(app), _identifier(database)
    statements = []
    for name, role in ((owner, owner_id), (app, app_id)):
        statements += [  # names are checked by _identifier: lower-case letters, digits, _ only
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN "  # nosec B608
            f"CREATE ROLE {role}; END IF; END $$;",
            f"ALTER ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;",
        ]
    statements.append(f"ALTER DATABASE {database_id} OWNER TO {owner_id};")
    return statements


def database_sql(owner: str, app: str, database: str) -> list[str]:
    """In the database, as a superuser or the owner, after every migrate (it is idempotent): what the application role
    may do there."""
    owner_id, app_id, database_id = _identifier(owner), _identifier(app), _identifier(database)
    return [
        f"ALTER SCHEMA public OWNER TO {owner_id};",
        f"REVOKE ALL ON DATABASE {database_id} FROM PUBLIC;",
        f"GRANT CONNECT, TEMPORARY ON DATABASE {database_id} TO {app_id};",
        "REVOKE ALL ON SCHEMA public FROM PUBLIC;",
        f"GRANT USAGE ON SCHEMA public TO {app_id};",
        f"GRANT {APP_TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA public TO {app_id};",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {app_id};",
        f"DO $$ BEGIN IF to_regclass('public.{AUDIT_TABLE}') IS NOT NULL THEN "
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON public.{AUDIT_TABLE} FROM {app_id}; END IF; END $$;",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_id} IN SCHEMA public "
        f"GRANT {APP_TABLE_PRIVILEGES} ON TABLES TO {app_id};",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_id} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {app_id};",
    ]
