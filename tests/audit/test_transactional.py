"""Real commits (transaction=True): record() needs the caller's transaction, and the end-of-test flush works
with the append-only triggers (see audit_triggers_suspended_for_flush in conftest.py)."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction

from audit import chain
from audit.models import Event
from audit.services import NotInTransaction, event, record, record_many
from tests.conftest import append_only_triggers_lifted


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused():
    # given autocommit mode (no atomic block)
    assert not connection.in_atomic_block

    # when an event is recorded, then it is refused and nothing is written
    with pytest.raises(NotInTransaction):
        record(action="nomination.submit")
    with pytest.raises(NotInTransaction):
        record_many([event(action="nomination.create"), event(action="nomination.create")])
    assert not Event.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_and_its_event_are_both_there_a_failed_one_neither():
    # given one transaction that commits and one that fails after its writes
    with transaction.atomic():
        kept = Group.objects.create(name="Hội đồng cấp tỉnh")
        record(action="group.create", obj=kept)
    with pytest.raises(RuntimeError), transaction.atomic():
        lost = Group.objects.create(name="Hội đồng cấp xã")
        record(action="group.create", obj=lost)
        raise RuntimeError

    # then the committed pair is there (for the flush to remove) and the failed pair is not
    assert list(Group.objects.values_list("name", flat=True)) == ["Hội đồng cấp tỉnh"]
    assert list(Event.objects.values_list("seq", "object_id")) == [(1, str(kept.pk))]


@pytest.mark.django_db(transaction=True)
@pytest.mark.db_owner  # the triggers are the owner's protection (the application's role is refused before them)
def test_after_a_flush_the_log_is_empty_and_the_triggers_are_back():
    # given the previous transactional tests committed events and were flushed
    # when an event is recorded and then changed through SQL
    with transaction.atomic():
        record(action="nomination.submit")
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_event SET comment = 'đã sửa'")

    # then the flush had emptied the log (seq starts at 1) and the trigger still refuses the change
    assert list(Event.objects.values_list("seq", "comment")) == [(1, "")]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("tampering", "expected", "stretches_done"),
    [
        ("", (True, None, None, 10), [3, 6, 9, 10]),
        ("UPDATE audit_event SET comment = 'đã sửa' WHERE seq IN (5, 8)", (False, 5, "changed", 4), [3]),
        ("DELETE FROM audit_event WHERE seq = 6", (False, 6, "missing", 5), [3]),
        ("DELETE FROM audit_event WHERE seq = 7", (False, 7, "missing", 6), [3, 6]),
        ("DELETE FROM audit_event WHERE seq > 8", (False, 9, "truncated", 8), [3, 6]),
    ],
)
def test_worker_processes_find_what_one_pass_finds(monkeypatch, tampering, expected, stretches_done):
    # given ten committed events, checked by worker processes in stretches of three (1-3, 4-6, 7-9, 10-)
    monkeypatch.setattr(chain, "SEGMENT_SIZE", 3)
    with transaction.atomic():
        events = [record(action="nomination.submit", comment=f"bước {n}") for n in range(1, 11)]
    head = (10, events[-1].hash)

    # when the log is tampered with, as someone who lifted the triggers would
    if tampering:
        with append_only_triggers_lifted(connection), connection.cursor() as cursor:
            cursor.execute(tampering)

    # then two workers (reporting progress after each stretch) and one pass report the same first break
    def outcome(result):
        return result.ok, result.first_bad_seq, result.problem, result.events_checked

    progress = []
    parallel = chain.verify_chain(head, workers=2, progress=progress.append)
    assert outcome(parallel) == outcome(chain.verify_chain(head, workers=1)) == expected
    assert progress == stretches_done


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_gapless_chain():
    # given four threads, each with its own connection, appending at the same moment
    threads, per_thread = 4, 15
    start = threading.Barrier(threads)
    errors = []

    def append():
        try:
            start.wait()
            for n in range(per_thread):
                with transaction.atomic():
                    record(action="nomination.approve", comment=f"luồng {threading.get_ident()} #{n}")
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    # when they all append
    workers = [threading.Thread(target=append) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    # then none failed, seq runs 1..60 without a gap, and the chain verifies
    assert errors == []
    assert list(Event.objects.values_list("seq", flat=True)) == list(range(1, threads * per_thread + 1))
    assert chain.verify_chain().ok
