"""audit_export / export_lines: every field of every selected event, one JSON object per line."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import transaction

from audit import verify_export
from audit.export import export_lines
from audit.services import record
from audit.verify_export import LINE_KEYS, event_hash


def test_each_line_holds_every_field_and_its_hashes(six_events):
    # given six events
    # when the log is exported
    lines = [json.loads(line) for line in export_lines()]

    # then each line has every field, the chain links and the hash of its own fields
    assert [line["seq"] for line in lines] == [1, 2, 3, 4, 5, 6]
    assert all(line.keys() == LINE_KEYS for line in lines)
    assert lines[2]["comment"] == "bước 3"
    assert lines[2]["data"] == {"n": 3, "award": "Bằng khen Thủ tướng"}
    assert lines[2]["at"] == six_events[2].at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert lines[3]["prev_hash"] == lines[2]["hash"] == event_hash(lines[2]) == six_events[2].hash


def test_the_org_path_filter_keeps_one_subtree(clerk, sapa):
    # given events in Sa Pa, in Lào Cai province itself, and in another province
    class Unit:
        def __init__(self, code, path):
            self.code, self.path = code, path

    with transaction.atomic():
        record(action="nomination.submit", actor=clerk, org_unit=sapa)
        record(action="nomination.submit", actor=clerk, org_unit=Unit("LAOCAI", "/CP/LAOCAI/"))
        record(action="nomination.submit", actor=clerk, org_unit=Unit("LAOCAI_X", "/CP/LAOCAI_X/"))
        record(action="nomination.submit", actor=clerk, org_unit=Unit("YENBAI", "/CP/YENBAI/"))

    # when the Lào Cai subtree is exported
    seqs = [json.loads(line)["seq"] for line in export_lines(org_path="/CP/LAOCAI/")]

    # then only its events are there ("_" is not a wildcard)
    assert seqs == [1, 2]


def test_the_date_filter_is_inclusive_in_local_time(clerk, time_machine):
    # given events on three days (Asia/Ho_Chi_Minh is UTC+7: 2026-11-28 00:30 there is 11-27 17:30 UTC)
    for moment in ["2026-11-27T23:59:00+07:00", "2026-11-28T00:30:00+07:00", "2026-11-29T08:00:00+07:00"]:
        time_machine.move_to(moment)
        with transaction.atomic():
            record(action="nomination.submit", actor=clerk)

    # when 28 November is exported, by date and by datetime bounds
    by_day = [
        json.loads(line)["seq"]
        for line in export_lines(since=datetime.date(2026, 11, 28), until=datetime.date(2026, 11, 28))
    ]
    by_moment = [
        json.loads(line)["seq"]
        for line in export_lines(since=datetime.datetime.fromisoformat("2026-11-28T00:30:00+07:00"))
    ]

    # then only that local day's event is there, and a datetime bound is inclusive
    assert by_day == [2]
    assert by_moment == [2, 3]


def test_audit_export_writes_a_file(six_events, tmp_path, capsys):
    # given six events
    path = tmp_path / "audit.jsonl"

    # when audit_export writes to a file
    call_command("audit_export", "--output", str(path), "--since", "2000-01-01")

    # then the file has one line per event and the command tells how to verify a filtered export
    assert len(path.read_text(encoding="utf-8").splitlines()) == 6
    assert "6 events written" in capsys.readouterr().err


def test_audit_export_refuses_bad_dates(db):
    # given a date that is not one
    # when it is passed, then the command refuses it
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("audit_export", "--since", "28/11/2026")


def test_line_separators_inside_a_field_are_escaped_so_each_event_is_one_line(clerk, sapa, tmp_path):
    # given an event whose comment and data hold every character str.splitlines() splits on, and one more event
    breaks = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
    comment = f"Tờ trình{breaks}số 12\u2028dòng hai\x85hết"
    with transaction.atomic():
        record(action="nomination.submit", actor=clerk, org_unit=sapa, comment=comment, data={"lý do": "a\u2029b"})
        record(action="nomination.approve", actor=clerk, org_unit=sapa)

    # when the log is exported by the command
    path = tmp_path / "audit.jsonl"
    call_command("audit_export", "--output", str(path), stderr=io.StringIO())
    raw = path.read_bytes()

    # then each event is exactly one line for str.splitlines() and for bytes.split(b"\n"), the separators are
    # written as \\uXXXX escapes, and the fields read back unchanged
    text = raw.decode("utf-8")
    assert len(text.splitlines()) == 2 and raw.split(b"\n") == [*raw.split(b"\n")[:2], b""]
    assert not any(char in text for char in "\x85\u2028\u2029")
    assert "\\u2028" in text and "\\u0085" in text and "\\u2029" in text
    first = json.loads(text.splitlines()[0])
    assert first["comment"] == comment and first["data"] == {"lý do": "a\u2029b"}

    # and the standalone verifier passes it: what is hashed is the fields, not the line
    assert verify_export.main([str(path)]) == verify_export.EXIT_OK
