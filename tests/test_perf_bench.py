"""Smoke test of the benchmark (issue 7): `python -m perf --scale 200` finishes and reports every figure."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_at_scale_200_reports_every_figure(tmp_path):
    output = tmp_path / "bench.json"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}"}
    started = time.perf_counter()
    finished = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "perf", "--scale", "200", "--workers", "2", "--output", str(output)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False,
    )
    seconds = time.perf_counter() - started
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert seconds < 90, f"the smoke benchmark took {seconds:.0f} s"
    report = json.loads(output.read_text(encoding="utf-8"))
    assert report["scale"] == 200
    assert report["machine"]["vendor"] == "sqlite" and report["machine"]["cpus"] >= 1
    assert report["machine"]["sqlite_synchronous"] == 2  # FULL: durability is not traded for speed
    assert report["dataset"]["counts"]["nominations"] == 200
    assert report["dataset"]["counts"]["audit_events"] >= 1500
    assert report["approvals"]["single"]["per_second"] > 0
    assert report["floor"]["per_second"] > 0 and report["floor"]["ratio_real_to_floor"] > 0
    assert set(report["statements"]) == {"submit", "approve", "return", "resubmit", "reject", "withdraw"}
    assert all(type(n) is int and n > 0 for n in report["statements"].values())
    # The target is 12; the engine does 14 today (docs/benchmarks-perf.md lists them): a ceiling, so
    # that one more statement fails here.
    assert report["statements"]["approve"] <= 14
    for reader in ("commune_reviewer", "province_reviewer", "national_inspector"):
        figures = report["latency"][reader]
        for part in ("inbox_selector", "inbox_page", "inbox_api", "list_selector", "list_page", "list_api"):
            assert figures[part]["p95_ms"] >= figures[part]["p50_ms"] > 0
            assert type(figures[part]["statements"]) is int
        assert figures["peak_memory_kib"] > 0
    assert report["audit"]["verify"]["per_second"] > 0 and report["audit"]["export"]["per_second"] > 0
    assert report["audit"]["verify"]["peak_memory_kib"] > 0
    assert "== Benchmark: sqlite, scale 200" in finished.stdout
