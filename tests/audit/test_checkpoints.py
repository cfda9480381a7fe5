"""Signed checkpoints kept outside the database: a deleted tail or a rewritten history is reported by `audit_verify`,
the on-demand check and the standalone verifier without anyone typing a head; keys rotate."""

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from audit import checkpoints, verify_export
from audit.models import Event
from audit.services import record
from audit.tasks import audit_checkpoint_task
from audit.verification import verify_full, verify_increment
from audit.verify_export import event_hash
from tests.audit.conftest import drop_triggers_as_attacker


def _append(count, **fields):
    with transaction.atomic():
        return [record(action="nomination.approve", comment=f"sự kiện {n}", **fields) for n in range(count)]


def _key(tmp_path, name):
    private = tmp_path / f"{name}.key"
    key = checkpoints.write_key_pair(str(private), f"{private}.pub")
    return str(private), f"{private}.pub", key


@pytest.fixture
def key_a(settings, tmp_path):
    """The signing key A in use: (private file, public file, key id)."""
    private, public, key = _key(tmp_path, "a")
    settings.AUDIT_CHECKPOINT_KEY = private
    return private, public, key


def _files(settings):
    return sorted(os.listdir(settings.AUDIT_CHECKPOINT_DIR))


def test_a_checkpoint_is_the_signed_head_written_outside_the_database(db, key_a, settings):
    # given a log of five events
    events = _append(5)

    # when a checkpoint is taken
    checkpoint = checkpoints.take(force=True)

    # then one file in the checkpoint directory holds the head, signed with key A, and reads back as the newest
    (name,) = _files(settings)
    fields = json.loads((settings.AUDIT_CHECKPOINT_DIR / name).read_text())
    assert (fields["seq"], fields["head_hash"], fields["key_id"]) == (5, events[-1].hash, key_a[2])
    assert name == f"checkpoint-000000000005-{fields['at'].replace('-', '').replace(':', '').replace('.', '')}.json"
    assert checkpoints.latest() == checkpoint and checkpoint.name == name
    # and a changed field breaks its signature
    (settings.AUDIT_CHECKPOINT_DIR / name).write_text(json.dumps({**fields, "seq": 4}))
    with pytest.raises(checkpoints.CheckpointError, match="signature does not match"):
        checkpoints.latest()


def test_a_checkpoint_is_due_after_the_interval_and_only_if_the_log_grew(db, key_a, settings, time_machine):
    # given a checkpoint of three events, and an interval of 60 minutes
    settings.AUDIT_CHECKPOINT_INTERVAL = 60
    time_machine.move_to("2026-12-05 08:00:00+00:00", tick=False)
    _append(3)
    assert checkpoints.take().seq == 3  # the first one is always due

    # when the log grows, a checkpoint is not due before the hour is over
    _append(2)
    time_machine.move_to("2026-12-05 08:59:00+00:00", tick=False)
    assert checkpoints.take() is None
    # then after the hour it is, and covers the new events
    time_machine.move_to("2026-12-05 09:00:00+00:00", tick=False)
    assert checkpoints.take().seq == 5
    # and a log that has not grown since gets none, however long it waits (unless forced)
    time_machine.move_to("2026-12-06 09:00:00+00:00", tick=False)
    assert checkpoints.take() is None
    assert checkpoints.take(force=True).seq == 5
    assert len(_files(settings)) == 3


def test_the_command_and_the_task_sign_and_no_key_is_an_error(db, settings, key_a):
    _append(2)
    out = io.StringIO()
    call_command("audit_checkpoint", stdout=out)
    assert "Signed checkpoint seq 2" in out.getvalue()
    _append(1)
    assert audit_checkpoint_task.call(force=True)["seq"] == 3

    settings.AUDIT_CHECKPOINT_KEY = ""
    with pytest.raises(CommandError, match="AUDIT_CHECKPOINT_KEY is not set"):
        call_command("audit_checkpoint", "--force")


@pytest.mark.db_owner
def test_the_issues_attack_a_deleted_tail_is_reported_against_the_checkpoint(db, key_a, capsys):
    # given 85 events and the checkpoint signed after them
    events = _append(85)
    checkpoints.take()
    call_command("audit_verify")
    assert "The checkpoint seq 85 of" in capsys.readouterr().out

    # when the table's owner disables the triggers, deletes the last 8 events and moves the verified point back to
    # the new head, so that nothing inside the database remembers seq 85
    drop_triggers_as_attacker(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event WHERE seq > 77")
        cursor.execute("UPDATE audit_verified_head SET seq = 77, hash = %s", [events[76].hash])
    assert Event.objects.count() == 77

    # then the on-demand check (the verify page and the API), which reads nothing before its point, reports the loss
    checked = verify_increment()
    assert (checked.ok, checked.problem, checked.first_bad_seq) == (False, "truncated", 78)
    assert checked.checkpoint.head_hash == events[-1].hash
    # and so does audit_verify, with no head typed (before the checkpoints it answered "OK: 77 events")
    with pytest.raises(CommandError, match=r"TAMPERED at seq 78 \(truncated\): the log ends at seq 77 but seq 85 was "
                                           r"signed in the checkpoint of .*: events 78 to 85 were removed") as failure:
        call_command("audit_verify")
    assert failure.value.returncode == 1


@pytest.mark.db_owner
def test_a_rewritten_history_is_reported_against_the_checkpoint(db, key_a):
    # given ten events under a checkpoint
    _append(10)
    checkpoints.take()

    # when the owner rewrites event 6 and recomputes every hash after it (the chain is consistent again)
    drop_triggers_as_attacker(connection)
    prev = Event.objects.get(seq=5).hash
    for event in Event.objects.filter(seq__gte=6).order_by("seq"):
        fields = event.chain_fields() | {"prev_hash": prev, "comment": "đã sửa" if event.seq == 6 else event.comment}
        prev = event_hash(fields)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_event SET comment = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                           [fields["comment"], fields["prev_hash"], prev, event.seq])

    # then the full check finds the chain itself whole, but not holding the checkpoint's head
    result = verify_full()
    assert (result.ok, result.problem, result.first_bad_seq) == (False, "changed", 10)
    assert "event 10 no longer has the hash signed in the checkpoint of" in result.message


@pytest.mark.db_owner
def test_no_checkpoint_is_signed_over_a_broken_log(db, key_a, settings):
    _append(4)
    checkpoints.take()
    _append(3)
    drop_triggers_as_attacker(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET comment = 'sửa lén' WHERE seq = 6")
    with pytest.raises(checkpoints.CheckpointError, match=r"no checkpoint signed: TAMPERED at seq 6 \(changed\)"):
        checkpoints.take(force=True)
    assert len(_files(settings)) == 1


def test_a_forged_checkpoint_file_is_an_alarm_not_a_pass(db, key_a, settings, tmp_path):
    # given a checkpoint, and a newer file signed with a key nobody configured (someone who can write the store)
    _append(3)
    checkpoints.take()
    stranger, _public, _key_id = _key(tmp_path, "stranger")
    settings.AUDIT_CHECKPOINT_KEY, settings.AUDIT_CHECKPOINT_PUBLIC_KEYS = stranger, [key_a[1]]
    _append(1)
    checkpoints.take(force=True)
    settings.AUDIT_CHECKPOINT_KEY, settings.AUDIT_CHECKPOINT_PUBLIC_KEYS = key_a[0], []

    # then audit_verify cannot check (exit 2), and the on-demand check reports the problem "checkpoint"
    with pytest.raises(CommandError, match="which is not among the public keys given") as failure:
        call_command("audit_verify")
    assert failure.value.returncode == 2
    checked = verify_increment()
    assert (checked.ok, checked.problem) == (False, "checkpoint")
    assert "checkpoint-000000000004-" in checked.message


def test_key_rotation_old_checkpoints_verify_with_the_old_public_key(db, key_a, settings, tmp_path, capsys):
    # given a checkpoint signed with key A
    _append(3)
    first = checkpoints.take()

    # when the key is rotated: key B signs from now on, A's public key is kept, and a checkpoint is taken at once
    private_b, public_b, key_b = _key(tmp_path, "b")
    settings.AUDIT_CHECKPOINT_KEY = private_b
    settings.AUDIT_CHECKPOINT_PUBLIC_KEYS = [key_a[1]]
    _append(2)
    second = checkpoints.take(force=True)

    # then the newest is B's and the log holds it
    assert (first.key_id, second.key_id) == (key_a[2], key_b)
    assert verify_full().ok and verify_increment().ok

    # and the standalone verifier checks A's checkpoint with A's public key, B's with B's; not A's with B's alone
    export = tmp_path / "audit.jsonl"
    call_command("audit_export", output=str(export), stderr=io.StringIO())
    capsys.readouterr()
    directory = settings.AUDIT_CHECKPOINT_DIR
    assert verify_export.main([str(export), "--checkpoint", str(directory / first.name), "--public-key", key_a[1]]) == 0
    assert "(seq 3, key" in capsys.readouterr().out
    assert verify_export.main([str(export), "--checkpoint", str(directory / second.name), "--public-key", key_a[1],
                               "--public-key", public_b]) == 0
    capsys.readouterr()
    assert verify_export.main([str(export), "--checkpoint", str(directory / first.name), "--public-key", public_b]) == 2
    assert "not among the public keys given" in capsys.readouterr().err

    # and without A's public key configured, the newest (B's) still holds: A is needed for A's checkpoints only
    settings.AUDIT_CHECKPOINT_PUBLIC_KEYS = []
    assert checkpoints.latest() == second


@pytest.mark.db_owner
def test_the_standalone_verifier_reports_a_truncated_export_against_the_checkpoint(db, key_a, settings, tmp_path,
                                                                                  capsys):
    _append(6)
    checkpoint = checkpoints.take()
    drop_triggers_as_attacker(connection)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_event WHERE seq > 4")
    export = tmp_path / "audit.jsonl"
    call_command("audit_export", output=str(export), stderr=io.StringIO())
    capsys.readouterr()

    status = verify_export.main([str(export), "--checkpoint", str(settings.AUDIT_CHECKPOINT_DIR / checkpoint.name),
                                 "--public-key", key_a[1]])

    assert status == 1
    assert "TAMPERED at seq 5 (truncated)" in capsys.readouterr().out


def test_checkpoints_in_the_default_storage_and_mailed_to_the_inspectors(db, key_a, settings):
    # given the checkpoints kept in the default storage (the media files) and mailed to two inspectors
    settings.AUDIT_CHECKPOINT_STORAGE = "default"
    settings.AUDIT_CHECKPOINT_MAIL_TO = ["thanh.tra@example.vn", "thanh.tra.2@example.vn"]
    _append(2)

    checkpoint = checkpoints.take()

    # then the file is in the storage's audit-checkpoints folder, and the mail carries it
    path = settings.MEDIA_ROOT / checkpoint.name
    assert checkpoint.name.startswith("audit-checkpoints/checkpoint-000000000002-") and path.exists()
    (message,) = mail.outbox
    assert message.to == ["thanh.tra@example.vn", "thanh.tra.2@example.vn"]
    assert "#2" in message.subject and checkpoint.head_hash in message.body
    ((filename, content, mimetype),) = message.attachments
    assert (filename, mimetype) == (os.path.basename(checkpoint.name), "application/json")
    assert content == path.read_bytes()
    assert checkpoints.latest() == checkpoint


def test_the_key_command_writes_a_private_key_only_its_owner_reads_and_never_overwrites(tmp_path):
    private = tmp_path / "checkpoint.key"
    out = io.StringIO()
    call_command("audit_checkpoint_key", str(private), stdout=out)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert (tmp_path / "checkpoint.key.pub").read_text().startswith("-----BEGIN PUBLIC KEY-----")
    with pytest.raises(CommandError, match="exists"):
        call_command("audit_checkpoint_key", str(private))


def test_the_standalone_verifier_needs_cryptography_only_for_a_checkpoint(db, key_a, settings, tmp_path):
    # given an export and its checkpoint
    _append(4)
    checkpoint = checkpoints.take()
    export = tmp_path / "audit.jsonl"
    call_command("audit_export", output=str(export), stderr=io.StringIO())
    args = ["-m", "audit.verify_export", str(export), "--checkpoint",
            str(settings.AUDIT_CHECKPOINT_DIR / checkpoint.name), "--public-key", key_a[1]]
    root = Path(__file__).resolve().parents[2]

    # when it runs in its own process, with the packages installed and without any (-S)
    installed = subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True)  # noqa: S603
    bare = subprocess.run([sys.executable, "-S", *args], cwd=root, capture_output=True, text=True)  # noqa: S603
    bare_export = subprocess.run([sys.executable, "-S", *args[:3]], cwd=root, capture_output=True, text=True)  # noqa: S603

    # then the checkpoint holds; without `cryptography` it cannot be checked (2), the export alone still can
    assert installed.returncode == 0, installed.stderr
    assert f"(seq 4, key {key_a[2][:16]}) holds." in installed.stdout
    assert bare.returncode == 2 and "needs the `cryptography` package" in bare.stderr
    assert bare_export.returncode == 0 and bare_export.stdout.startswith("OK: 4 events")
