"""manage.py db_roles_sql: the SQL that creates the owner and the application roles and their grants (docs/database.md).

    manage.py db_roles_sql | psql -U postgres -v ON_ERROR_STOP=1      # as a superuser: roles, database, grants
    manage.py db_roles_sql --database-only | psql "$DATABASE_OWNER_URL" -v ON_ERROR_STOP=1   # grants, after migrate
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audit.db_roles import cluster_sql, database_sql


class Command(BaseCommand):
    help = (
        "Print the SQL that creates the database's owner role (migrations, backups) and the application's role, which "
        "may insert and read audit events but not update, delete or truncate them, nor alter tables."
    )

    def add_arguments(self, parser):
        parser.add_argument("--owner", default="thidua_owner", help="the owner role (default: thidua_owner)")
        parser.add_argument("--app", default="thidua_app", help="the application's role (default: thidua_app)")
        parser.add_argument("--database", help="the database (default: the NAME of DATABASE_URL)")
        parser.add_argument(
            "--database-only", action="store_true",
            help="only the statements inside the database (the grants), for its owner to run after a migrate",
        )

    def handle(self, *args, owner, app, database, database_only, **options):
        database = database or str(settings.DATABASES["default"]["NAME"])
        try:
            inside = database_sql(owner, app, database)
            cluster = [] if database_only else cluster_sql(owner, app, database)
        except ValueError as error:
            raise CommandError(str(error)) from error
        lines = [f"-- Roles of docs/database.md for the database {database}: {owner} owns and migrates, {app} is the "
                 "application's."]
        if cluster:
            lines += ["-- As a superuser. Set the passwords afterwards: \\password <role> in psql.", *cluster,
                      f"\\connect {database}"]
        lines += [f"-- In {database}, as a superuser or {owner}; again after every migrate (it changes nothing twice).",
                  *inside]
        self.stdout.write("\n".join(lines))
