"""Each way of tampering with the stored log is reported at the right seq by audit_verify and by the
standalone verifier on an export; an untouched log passes both."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from audit import verify_export
from audit.models import Event
from audit.services import record
from audit.verify_export import event_hash
from tests.audit.conftest import drop_triggers_as_attacker

FAR = 1_000_000


def _sql(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _renumber(from_seq, by):
    """Move events from_seq.. by `by` (through a far range, so the primary key never collides)."""
    _sql("UPDATE audit_event SET seq = seq + %s WHERE seq >= %s", [FAR, from_seq])
    _sql("UPDATE audit_event SET seq = seq - %s WHERE seq >= %s", [FAR - by, FAR])


def change_a_field(events):
    _sql("UPDATE audit_event SET comment = 'đã sửa' WHERE seq = 3")
    return 3, "changed"


def change_a_field_and_its_hash(events):
    fields = Event.objects.get(seq=3).chain_fields() | {"to_status": "awarded"}
    _sql("UPDATE audit_event SET to_status = 'awarded', hash = %s WHERE seq = 3", [event_hash(fields)])
    return 3, "changed"


def delete_a_row(events):
    _sql("DELETE FROM audit_event WHERE seq = 3")
    return 3, "missing"


def delete_a_row_and_renumber(events):
    _sql("DELETE FROM audit_event WHERE seq = 3")
    _renumber(4, -1)
    return 3, "missing"


def swap_two_rows(events):
    _sql("UPDATE audit_event SET seq = %s WHERE seq = 2", [FAR])
    _sql("UPDATE audit_event SET seq = 2 WHERE seq = 5")
    _sql("UPDATE audit_event SET seq = 5 WHERE seq = %s", [FAR])
    return 2, "reordered"


def insert_a_forged_row(events):
    _renumber(3, +1)
    forged = Event(
        seq=3,
        at=timezone.now(),
        actor_name="ke.gia.mao",
        action="nomination.approve",
        object_type="auth.group",
        object_id="1",
        prev_hash=events[1].hash,
    )
    forged.hash = event_hash(forged.chain_fields())
    forged.save()
    return 3, "inserted"


TAMPERINGS = [
    change_a_field,
    change_a_field_and_its_hash,
    delete_a_row,
    delete_a_row_and_renumber,
    swap_two_rows,
    insert_a_forged_row,
]


def _standalone(tmp_path, capsys, *args):
    """Export the log and run the standalone verifier on it: (exit status, what it printed)."""
    path = tmp_path / "audit.jsonl"
    call_command("audit_export", output=str(path), stderr=io.StringIO())
    capsys.readouterr()  # only what the verifier prints
    status = verify_export.main([str(path), *args])
    return status, capsys.readouterr().out


def test_an_untouched_log_passes_both_verifiers(six_events, tmp_path, capsys):
    # given an untouched log of six events
    head = f"6:{six_events[-1].hash}"

    # when audit_verify runs, then it prints OK with the head
    call_command("audit_verify", "--expect-head", head)
    assert f"OK: 6 events, head seq 6 hash {six_events[-1].hash}" in capsys.readouterr().out

    # and the standalone verifier agrees on the export
    status, out = _standalone(tmp_path, capsys, "--expect-head", head)
    assert status == 0
    assert f"OK: 6 events, head seq 6 hash {six_events[-1].hash}" in out


@pytest.mark.db_owner
@pytest.mark.parametrize("tamper", TAMPERINGS, ids=lambda tamper: tamper.__name__)
def test_tampering_is_reported_at_the_right_seq(six_events, tamper, tmp_path, capsys):
    # given an attacker who dropped the triggers and tampered with the table
    drop_triggers_as_attacker(connection)
    bad_seq, problem = tamper(six_events)
    expected = f"TAMPERED at seq {bad_seq} ({problem})"

    # when audit_verify runs, then it fails at that seq
    with pytest.raises(CommandError, match=expected.replace("(", r"\(").replace(")", r"\)")) as failure:
        call_command("audit_verify")
    assert failure.value.returncode == 1

    # and so does the standalone verifier on an export
    status, out = _standalone(tmp_path, capsys)
    assert status == 1
    assert expected in out


@pytest.mark.db_owner
def test_a_truncated_tail_is_caught_against_the_head_kept_earlier(six_events, tmp_path, capsys):
    # given the head printed earlier, and then the last two events deleted
    head = f"6:{six_events[-1].hash}"
    drop_triggers_as_attacker(connection)
    _sql("DELETE FROM audit_event WHERE seq >= 5")

    # when audit_verify runs without the head, the shorter chain is still consistent
    call_command("audit_verify")
    assert "OK: 4 events" in capsys.readouterr().out

    # but with the head kept earlier, both verifiers report the truncation
    with pytest.raises(CommandError, match=r"TAMPERED at seq 5 \(truncated\)"):
        call_command("audit_verify", expect_head=(6, six_events[-1].hash))
    status, out = _standalone(tmp_path, capsys, "--expect-head", head)
    assert (status, "TAMPERED at seq 5 (truncated)" in out) == (1, True)


@pytest.mark.db_owner
def test_a_rewritten_tail_is_caught_against_the_head_kept_earlier(six_events, clerk, tmp_path, capsys):
    # given the head printed earlier, then the tail deleted and re-recorded with other content
    head = f"6:{six_events[-1].hash}"
    drop_triggers_as_attacker(connection)
    _sql("DELETE FROM audit_event WHERE seq >= 5")
    with transaction.atomic():
        record(action="nomination.reject", actor=clerk)
        record(action="nomination.reject", actor=clerk)

    # when both verifiers check against the head, then seq 6 no longer holds it
    with pytest.raises(CommandError, match=r"TAMPERED at seq 6 \(changed\)"):
        call_command("audit_verify", "--expect-head", head)
    status, out = _standalone(tmp_path, capsys, "--expect-head", head)
    assert (status, "TAMPERED at seq 6 (changed)" in out) == (1, True)


def test_an_empty_log_verifies(db, capsys):
    # given no events
    # when audit_verify runs, then it reports an empty chain
    call_command("audit_verify")
    assert "OK: 0 events, head seq 0" in capsys.readouterr().out


def test_progress_goes_to_stderr_on_a_large_log(six_events, monkeypatch, capsys):
    # given a progress interval of two events (100,000 in real use)
    monkeypatch.setattr(verify_export, "PROGRESS_EVERY", 2)

    # when audit_verify runs, then progress lines go to stderr and the verdict to stdout
    call_command("audit_verify")
    out, err = capsys.readouterr()
    assert "4 of about 6 events checked (66%)" in err
    assert out.startswith("OK: 6 events")
