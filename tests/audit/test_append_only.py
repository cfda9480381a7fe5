"""Audit events cannot be updated or deleted: not through the ORM, not through SQL."""

import pytest
from django.db import IntegrityError, connection, transaction

from audit.models import AppendOnlyError, Event


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda event: event.save(), id="instance-save"),
        pytest.param(lambda event: event.delete(), id="instance-delete"),
        pytest.param(
            lambda event: Event.objects.filter(seq=event.seq).update(comment="x"), id="queryset-update"
        ),
        pytest.param(lambda event: Event.objects.filter(seq=event.seq).delete(), id="queryset-delete"),
        pytest.param(lambda event: Event.objects.bulk_update([event], ["comment"]), id="bulk-update"),
    ],
)
def test_the_orm_refuses_to_change_an_event(six_events, change):
    # given a stored event
    event = Event.objects.get(seq=3)
    event.comment = "đã sửa"

    # when it is changed through the ORM, then it is refused and nothing changed
    with pytest.raises(AppendOnlyError), transaction.atomic():
        change(event)
    assert Event.objects.get(seq=3).comment == "bước 3"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_event SET comment = 'đã sửa' WHERE seq = 3",
        "DELETE FROM audit_event WHERE seq = 3",
        "DELETE FROM audit_event",
    ],
)
@pytest.mark.db_owner  # the application's role is refused by its privileges first (tests/test_db_roles.py)
def test_the_database_refuses_raw_sql_changes(six_events, sql):
    # given stored events
    # when raw SQL changes them, even as the table's owner, then the trigger refuses it
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert Event.objects.get(seq=3).comment == "bước 3"
    assert Event.objects.count() == 6


@pytest.mark.postgres
@pytest.mark.db_owner
def test_postgresql_refuses_truncate(six_events):
    # given stored events
    # when the table is truncated, then the statement trigger refuses it
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE needs the test's deferred FK checks done
        cursor.execute("TRUNCATE audit_event")
    assert Event.objects.count() == 6
