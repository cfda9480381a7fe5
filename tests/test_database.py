"""The database connection as the settings configure it."""

import pytest
from django.db import connection

from nominations.models import Nomination


@pytest.mark.postgres
def test_postgresql_plans_a_statement_run_again_once(db):
    # given parameters bound by the server (settings: DB_PREPARED_STATEMENTS, on by default), when one statement
    # runs six times on a connection, then psycopg has prepared it: PostgreSQL no longer plans it on every run
    for _ in range(6):
        Nomination.objects.filter(pk=-1).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                       ["%FROM \"nominations_nomination\"%"])
        assert cursor.fetchone()[0] == 1
