"""The standalone verifier: no Django, filtered exports, unreadable input."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

from audit import verify_export
from audit.export import export_lines
from audit.verify_export import EXIT_OK, EXIT_TAMPERED, EXIT_UNREADABLE

ROOT = Path(__file__).resolve().parents[2]


def _write(path, lines):
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return str(path)


def test_the_verifier_runs_without_django(six_events, tmp_path):
    # given an export, and the verifier copied alone, on a Python that cannot import Django (-S: no site)
    export = _write(tmp_path / "audit.jsonl", export_lines())
    alone = shutil.copy(ROOT / "audit" / "verify_export.py", tmp_path / "verify_export.py")

    # when it runs as a module of the project and as a single file
    as_module = subprocess.run(  # noqa: S603
        [sys.executable, "-S", "-m", "audit.verify_export", export], cwd=ROOT, capture_output=True, text=True
    )
    as_file = subprocess.run([sys.executable, "-S", alone, export], capture_output=True, text=True)  # noqa: S603
    no_django = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-S",
            "-c",
            "import importlib.util, sys, audit.verify_export; "
            "print(importlib.util.find_spec('django') is None, "
            "sorted(m for m in sys.modules if 'django' in m))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )

    # then both pass the log, and importing it loads nothing of Django
    assert (as_module.returncode, as_file.returncode) == (EXIT_OK, EXIT_OK), as_module.stderr + as_file.stderr
    assert as_module.stdout.startswith("OK: 6 events, head seq 6")
    assert no_django.stdout.strip() == "True []", no_django.stderr
    source = (ROOT / "audit" / "verify_export.py").read_text(encoding="utf-8").splitlines()
    assert not [line for line in source if line.lstrip().startswith(("import django", "from django"))]


def test_a_filtered_export_is_checked_with_its_gaps_counted(six_events, tmp_path, capsys):
    # given an export without events 3 and 5 (as a filter would leave it)
    lines = [line for line in export_lines() if json.loads(line)["seq"] not in (3, 5)]
    path = _write(tmp_path / "filtered.jsonl", lines)

    # when it is verified as filtered, then every own hash and the 1->2 link pass and the gaps are counted
    assert verify_export.main([path, "--allow-gaps"]) == EXIT_OK
    assert "OK: 4 events, head seq 6" in (out := capsys.readouterr().out)
    assert "(2 gaps" in out

    # and without --allow-gaps the gap is reported as missing events, with a hint
    assert verify_export.main([path]) == EXIT_TAMPERED
    out = capsys.readouterr().out
    assert "TAMPERED at seq 3 (missing)" in out
    assert "--allow-gaps" in out


def test_a_changed_line_in_a_filtered_export_is_still_caught(six_events, tmp_path, capsys):
    # given a filtered export in which one event's comment was edited
    lines = [json.loads(line) for line in export_lines() if json.loads(line)["seq"] != 2]
    lines[2]["comment"] = "đã sửa"
    path = _write(tmp_path / "filtered.jsonl", [json.dumps(line, ensure_ascii=False) for line in lines])

    # when it is verified, then the edited event is reported
    assert verify_export.main([path, "--allow-gaps"]) == EXIT_TAMPERED
    assert "TAMPERED at seq 4 (changed)" in capsys.readouterr().out


def test_an_expected_head_outside_a_filtered_export_cannot_be_checked(six_events, tmp_path, capsys):
    # given a filtered export that leaves out seq 6
    path = _write(tmp_path / "filtered.jsonl", list(export_lines())[:4])

    # when it is checked against head 6, then the verifier says it cannot tell
    status = verify_export.main([path, "--allow-gaps", "--expect-head", f"6:{six_events[-1].hash}"])
    assert status == EXIT_UNREADABLE
    assert "not in this filtered export" in capsys.readouterr().err


def test_unreadable_input_exits_with_2(tmp_path, capsys):
    # given a missing file, a line that is not JSON, a line with an extra key, and a bad --expect-head
    not_json = _write(tmp_path / "a.jsonl", ["{not json"])
    extra_key = _write(
        tmp_path / "b.jsonl", [json.dumps({key: 0 for key in verify_export.LINE_KEYS | {"note"}})]
    )
    cases = [
        [str(tmp_path / "missing.jsonl")],
        [not_json],
        [extra_key],
        [not_json, "--expect-head", "6:abc"],
    ]

    # when each is verified, then the exit status is 2 with a reason on stderr
    for args in cases:
        assert verify_export.main(args) == EXIT_UNREADABLE, args
        assert capsys.readouterr().err.startswith("ERROR: ")


def test_the_published_test_vector_still_holds():
    # given the example event of docs/audit.md, "Canonical serialization"
    event = {
        "seq": 1, "at": "2026-11-28T08:00:00.123456Z", "actor_id": 7, "actor_name": "can.bo.tdkt",
        "on_behalf_of_id": None, "on_behalf_of_name": "", "action": "nomination.submit",
        "object_type": "nominations.nomination", "object_id": "42", "org_unit": "LC-SAPA",
        "org_path": "/CP/LAOCAI/LC-SAPA/", "from_status": "draft", "to_status": "in_review",
        "comment": "Tờ trình số 12", "data": {"year": 2026, "award": "Bằng khen Thủ tướng"},
        "prev_hash": verify_export.GENESIS_HASH,
    }  # fmt: skip

    # when it is serialized and hashed, then the bytes and the hash are the published ones
    documented = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
    assert verify_export.canonical_bytes(event).decode("utf-8") in documented
    assert (
        verify_export.event_hash(event) == "dc7bcc7df39ffdb4de633552671c5504432c317182ddb78f095e1c4d887fd223"
    )
    assert verify_export.event_hash(event) in documented
