"""rows: one statement built once per model, with the values converted as the ORM converts them both ways."""

import datetime

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import rows
from audit.models import Event
from nominations.models import Nomination
from notifications.models import Kind, Notification
from roles.models import OrgUnit
from workflows.actions.review import lock_for_review
from workflows.models import Stage
from workflows.selectors import open_stage, stages_of

pytestmark = pytest.mark.django_db


def _fields(instance):
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_select_reads_what_the_orm_reads(in_review):
    # a nomination with a route (JSON), dates and times (aware), foreign keys; its stage with its unit
    stored = Nomination.objects.get(pk=in_review.pk)
    [(nomination, award)] = rows.select(
        (Nomination, type(stored.award)),
        " FROM nominations_nomination JOIN nominations_awardtype ON nominations_awardtype.id = "
        "nominations_nomination.award_id WHERE nominations_nomination.id = %s", [in_review.pk])
    assert _fields(nomination) == _fields(stored) and nomination.route and nomination.submitted_at.tzinfo
    assert _fields(award) == _fields(stored.award)
    assert not nomination._state.adding and nomination._state.db == "default"
    stages = stages_of(stored)
    assert [s.pk for s in stages] == list(Stage.objects.filter(nomination=stored).values_list("pk", flat=True))
    assert len(stages) == 2 and stages[0].closed_at.tzinfo and stages[1].closed_at is None
    for stage in stages:
        assert _fields(stage) == _fields(Stage.objects.get(pk=stage.pk))
        assert _fields(stage.org_unit) == _fields(OrgUnit.objects.get(pk=stage.org_unit_id))


def test_select_returns_the_extra_columns_as_they_are(in_review):
    found = rows.select((Nomination,), ", 40 + 2 FROM nominations_nomination WHERE id = %s", [in_review.pk], extra=1)
    assert [(n.pk, extra) for n, extra in found] == [(in_review.pk, 42)]
    assert rows.select((Nomination,), " FROM nominations_nomination WHERE id = %s", [0]) == []


def test_insert_numbers_the_row_and_sets_what_save_would(in_review, users):
    # an automatic key is read back; auto_now_add is filled in, as save() fills it in
    note = rows.insert(Notification(user=users["unit_head"], kind=Kind.RETURNED, nomination=in_review, title="T"))
    stored = Notification.objects.get(pk=note.pk)
    assert note.pk and not note._state.adding and note.created_at is not None
    assert _fields(stored) == _fields(note)


def test_insert_keeps_a_key_given_by_the_caller(users):
    # the audit event numbers its rows itself (seq)
    at = timezone.now().replace(microsecond=0)
    with transaction.atomic():
        event = rows.insert(Event(seq=10_001, at=at, action="test.rows", data={"n": [1, "hai"]}, prev_hash="0" * 64,
                                  hash="1" * 64))
    assert event.seq == 10_001
    stored = Event.objects.get(seq=10_001)
    assert stored.at == at and stored.data == {"n": [1, "hai"]} and stored.action == "test.rows"


def test_update_writes_the_named_fields_and_no_other(in_review):
    stage = open_stage(in_review)
    closed = timezone.now()
    stage.closed_at, stage.outcome, stage.comment = closed, "approved", "Đã xem."
    stage.due_at = closed + datetime.timedelta(days=99)  # changed in memory, not named: not written
    rows.update(stage, "closed_at", "outcome", "comment")
    stored = Stage.objects.get(pk=stage.pk)
    assert (stored.closed_at, stored.outcome, stored.comment) == (closed, "approved", "Đã xem.")
    assert stored.due_at != stage.due_at


def test_the_review_lock_reads_the_award_the_nominee_and_the_hold(in_review, users):
    from nominations.models import Hold, HoldReason

    with transaction.atomic():
        nomination = lock_for_review(in_review.pk, users["commune_chair"])
    assert nomination.award.code == in_review.award.code and nomination.nominee.name == in_review.nominee.name
    assert nomination.held is False
    Hold.objects.create(nominee=in_review.nominee, reason=HoldReason.DISCIPLINE, placed_by=users["admin"],
                        file="holds/x.pdf", original_name="x.pdf", sha256="0" * 64)
    with transaction.atomic():
        assert lock_for_review(in_review, users["commune_chair"]).held is True
    with pytest.raises(Nomination.DoesNotExist), transaction.atomic():
        lock_for_review(0, users["commune_chair"])


def test_no_model_written_through_rows_has_a_save_signal_receiver():
    # rows writes without Model.save(), so it sends no pre_save/post_save: a receiver added later would be skipped
    from django.db.models.signals import post_save, pre_save

    for model in (Stage, Nomination, Event, Notification):
        assert not pre_save.has_listeners(model) and not post_save.has_listeners(model), model


@pytest.mark.django_db(transaction=True)
def test_statements_share_the_connections_kept_cursor_until_the_connection_is_new():
    # given two statements on one connection: one cursor serves both
    assert rows.fetch("SELECT 1", []) == [(1,)]
    kept = connection._rows_cursor[1]
    assert rows.fetch("SELECT %s", [2]) == [(2,)] and connection._rows_cursor[1] is kept
    # when the connection is closed (SQLite's in-memory test database stays open), the next statement runs on a
    # cursor of the connection then open: a new one when the connection is new
    before = connection.connection
    connection.close()
    assert rows.fetch("SELECT %s", [3]) == [(3,)]
    assert connection._rows_cursor[0] is connection.connection
    assert (connection._rows_cursor[1] is kept) == (connection.connection is before)


def test_logged_queries_see_the_statements_of_the_kept_cursor(in_review, users):
    rows.fetch("SELECT 1", [])  # the kept cursor exists, made while nothing was logged
    with CaptureQueriesContext(connection) as captured:
        lock_for_review(in_review.pk, users["commune_chair"])
        rows.fetch("SELECT %s", [7])
    assert len(captured) == 2 and "FROM nominations_nomination" in captured[0]["sql"]


def test_an_error_on_the_kept_cursor_is_djangos_and_the_next_statement_runs(in_review):
    # given a second open stage for a nomination that has one (one_open_stage_per_nomination)
    current = open_stage(in_review)
    twin = Stage(nomination=in_review, position=current.position, level=current.level, org_unit=current.org_unit,
                 step=current.step, opened_at=timezone.now())
    # then the INSERT fails with Django's IntegrityError, and after the rollback the next statement runs
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert(twin)
    assert rows.fetch("SELECT COUNT(*) FROM workflows_stage WHERE nomination_id = %s", [in_review.pk]) == [(2,)]


def test_a_failure_before_the_rows_are_read_rolls_back_to_the_savepoint(users):
    # given a fault raised after an INSERT ran but before its RETURNING row was read
    def fail(execute, sql, params, many, context):
        execute(sql, params, many, context)
        raise RuntimeError("fault")

    with pytest.raises(RuntimeError), transaction.atomic(), connection.execute_wrapper(fail):
        rows.insert(Notification(user=users["unit_head"], kind=Kind.RETURNED, title="t", body="b"))
    # then the savepoint rolled back (SQLite refuses while the cursor's statement is open): nothing is left of it,
    # and the connection takes the next statement
    assert not connection.needs_rollback
    assert rows.fetch("SELECT COUNT(*) FROM notifications_notification", []) == [(0,)]


@pytest.mark.django_db(transaction=True)
def test_a_statement_on_the_kept_cursor_runs_the_connections_health_check_first(monkeypatch):
    # given a kept cursor, and a connection due for its health check (CONN_HEALTH_CHECKS) that it fails
    wrapper = connections["default"]
    rows.fetch("SELECT 1", [])
    monkeypatch.setattr(wrapper, "health_check_enabled", True)
    monkeypatch.setattr(wrapper, "health_check_done", False)
    monkeypatch.setattr(type(wrapper), "is_usable", lambda self: False)
    # then the next statement checks it first, as Django's cursor() does, and runs on the connection then open
    assert rows.fetch("SELECT %s", [5]) == [(5,)]
    assert wrapper.health_check_done and wrapper._rows_cursor[0] is wrapper.connection
