"""On-demand verification starts at the last verified point (audit.models.VerifiedHead) and reads only the events
after it; the full check from the genesis (the background task, `manage.py audit_verify`) looks at the whole log,
records the point with full=True, and records a break it finds for every later on-demand check to report."""

import contextlib
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from audit import chain, verification
from audit.models import Event, VerifiedHead
from audit.services import record
from audit.tasks import verify_audit_log_task
from audit.verification import verify_full, verify_increment
from audit.verify_export import GENESIS_HASH
from tests.audit.conftest import drop_triggers_as_attacker


def _sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _append(clerk, sapa, count):
    with transaction.atomic():
        return [record(action="nomination.approve", actor=clerk, org_unit=sapa, comment=f"thêm {n}")
                for n in range(count)]


@pytest.fixture
def rows_read(monkeypatch):
    """The seqs of every row the chain reader hands out, in order."""
    seqs = []
    real = chain._rows

    def counting(*args, **kwargs):
        with contextlib.closing(real(*args, **kwargs)) as rows:
            for row in rows:
                seqs.append(row[0])
                yield row

    monkeypatch.setattr(chain, "_rows", counting)
    return seqs


def _point():
    point = VerifiedHead.objects.get()
    return point.seq, point.hash, point.full


def test_the_first_on_demand_check_starts_at_the_genesis_and_records_the_point(six_events):
    # given six events and no check yet
    # when an on-demand check runs
    checked = verify_increment()

    # then it checked all six and recorded seq 6 as verified (not by a full check)
    assert checked.ok and checked.result.events_checked == 6 and checked.checked_from == 0
    assert (checked.head_seq, checked.head_hash, checked.complete) == (6, six_events[-1].hash, True)
    assert _point() == (6, six_events[-1].hash, False)


def test_an_on_demand_check_reads_only_the_events_after_the_verified_point(six_events, clerk, sapa, rows_read):
    # given six events verified, then three more
    verify_increment()
    added = _append(clerk, sapa, 3)
    rows_read.clear()

    # when an on-demand check runs
    with CaptureQueriesContext(connection) as queries:
        checked = verify_increment()

    # then it read the three new rows and nothing else, in two statements on the log (the point's event, one page)
    assert rows_read == [7, 8, 9]
    on_the_log = [query["sql"] for query in queries if "audit_event" in query["sql"]]
    assert len(on_the_log) == 2, on_the_log
    assert checked.ok and checked.checked_from == 6 and checked.result.events_checked == 3
    assert _point() == (9, added[-1].hash, False)

    # and a check with nothing new reads no row at all
    rows_read.clear()
    assert verify_increment().result.events_checked == 0 and rows_read == []


def test_an_on_demand_check_reads_at_most_its_limit_and_goes_on_next_time(six_events, monkeypatch):
    # given six events and a limit of four events a check
    monkeypatch.setattr(verification, "INCREMENT_LIMIT", 4)

    # when two on-demand checks run
    first, second = verify_increment(), verify_increment()

    # then the first verified up to seq 4 and says it did not reach the end; the second went on to 6
    assert (first.ok, first.head_seq, first.complete) == (True, 4, False)
    assert (second.ok, second.checked_from, second.head_seq, second.complete) == (True, 4, 6, True)


@pytest.mark.db_owner
def test_a_tampered_event_after_the_verified_point_is_reported_and_the_point_stays(six_events, clerk, sapa):
    # given six events verified, three more, and the eighth changed behind the application's back
    verify_increment()
    _append(clerk, sapa, 3)
    drop_triggers_as_attacker(connection)
    _sql("UPDATE audit_event SET comment = %s WHERE seq = 8", ["sửa lén"])

    # when on-demand checks run, then each reports the break at seq 8 and the point stays at 6
    for _ in range(2):
        checked = verify_increment()
        assert (checked.ok, checked.first_bad_seq, checked.problem) == (False, 8, "changed")
        assert _point() == (6, six_events[-1].hash, False)


@pytest.mark.db_owner
def test_a_change_inside_the_verified_prefix_is_the_full_checks_to_find(six_events):
    # given six events verified on demand, then the third changed behind the application's back
    verify_increment()
    drop_triggers_as_attacker(connection)
    _sql("UPDATE audit_event SET comment = %s WHERE seq = 3", ["sửa lén"])

    # when an on-demand check runs, then it does not look at the verified prefix
    assert verify_increment().ok

    # but the full check (the background task) finds the change
    found = verify_audit_log_task.enqueue().return_value
    assert (found["ok"], found["first_bad_seq"], found["problem"]) == (False, 3, "changed")

    # and from then on every on-demand check reports it, though its own events are intact
    checked = verify_increment()
    assert (checked.ok, checked.first_bad_seq, checked.problem, checked.recorded_break) == (False, 3, "changed", True)
    assert _point() == (6, six_events[-1].hash, False)  # never moved past the break


@pytest.mark.db_owner
def test_a_recorded_break_is_cleared_only_by_a_full_check_that_passes(six_events):
    # given a break the full check found at seq 3
    verify_increment()
    drop_triggers_as_attacker(connection)
    _sql("UPDATE audit_event SET comment = %s WHERE seq = 3", ["sửa lén"])
    assert not verify_full().ok

    # when the event is put back and the full check runs again
    _sql("UPDATE audit_event SET comment = %s WHERE seq = 3", ["bước 3"])
    assert not verify_increment().ok  # still the recorded break
    assert verify_full().ok

    # then on-demand checks pass again
    assert verify_increment().ok


def test_the_full_check_records_the_point_as_full(six_events, capsys):
    # given six events
    head = f"6:{six_events[-1].hash}"

    # when audit_verify runs with a head kept earlier (its options work as before)
    call_command("audit_verify", "--expect-head", head, "--workers", "1")

    # then it prints OK and records seq 6 as verified by a full check
    assert f"OK: 6 events, head seq 6 hash {six_events[-1].hash}" in capsys.readouterr().out
    assert _point() == (6, six_events[-1].hash, True)
    assert VerifiedHead.objects.get().full_checked_at is not None


def test_a_wrong_expected_head_fails_the_command_but_is_not_recorded_as_a_break(six_events):
    # given a mistyped head
    with pytest.raises(CommandError, match=r"TAMPERED at seq 6 \(changed\)"):
        call_command("audit_verify", "--expect-head", f"6:{'0' * 64}")

    # then the log itself is not marked broken for everyone
    assert verify_increment().ok


@pytest.mark.db_owner
def test_a_log_rewritten_up_to_the_verified_point_is_caught_by_both_checks(six_events, clerk):
    # given six events verified, then events 5 and 6 replaced by others with every hash recomputed
    verify_increment()
    drop_triggers_as_attacker(connection)
    _sql("DELETE FROM audit_event WHERE seq >= 5")
    with transaction.atomic():
        record(action="nomination.reject", actor=clerk)
        record(action="nomination.reject", actor=clerk)

    # when both checks run, then each reports that seq 6 no longer has the hash it was verified with
    checked = verify_increment()
    assert (checked.ok, checked.first_bad_seq, checked.problem) == (False, 6, "changed")
    full = verify_full()
    assert (full.ok, full.first_bad_seq, full.problem) == (False, 6, "changed")


@pytest.mark.db_owner
def test_a_log_cut_below_the_verified_point_is_reported_as_truncated(six_events):
    # given six events verified, then the last two deleted
    verify_increment()
    drop_triggers_as_attacker(connection)
    _sql("DELETE FROM audit_event WHERE seq >= 5")

    # when both checks run, then each reports the truncation at seq 5
    checked = verify_increment()
    assert (checked.ok, checked.first_bad_seq, checked.problem) == (False, 5, "truncated")
    full = verify_full()
    assert (full.ok, full.first_bad_seq, full.problem) == (False, 5, "truncated")


def test_an_empty_log_verifies_on_demand(db):
    checked = verify_increment()
    assert (checked.ok, checked.head_seq, checked.head_hash) == (True, 0, GENESIS_HASH)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_checks_do_the_work_once(clerk, sapa, rows_read, monkeypatch):
    # given a verified point (the empty log's), five committed events after it, and a first check held inside its
    # work until the second one is waiting
    verify_increment()
    _append(clerk, sapa, 5)
    inside, release = threading.Event(), threading.Event()
    real = chain.verify_after

    def held(*args, **kwargs):
        inside.set()
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(chain, "verify_after", held)
    results = []

    def check():
        try:
            results.append(verify_increment())
        finally:
            connection.close()

    first = threading.Thread(target=check)
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=check)
    second.start()

    # when the second waits on the point's row lock, and the first is let go
    deadline = time.monotonic() + 10
    while not _waiting_on_a_lock() and time.monotonic() < deadline:
        release.wait(0.01)
    assert _waiting_on_a_lock()
    release.set()
    first.join(10)
    second.join(10)

    # then the five events were read once: the second check started where the first one ended
    assert rows_read == [1, 2, 3, 4, 5]
    assert sorted((r.ok, r.checked_from, r.head_seq) for r in results) == [(True, 0, 5), (True, 5, 5)]
    assert Event.objects.count() == 5 and VerifiedHead.objects.get().seq == 5


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0] > 0

