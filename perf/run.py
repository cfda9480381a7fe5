"""Build the data set, run every measurement, print the table and write the JSON report."""

import json
import os
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from . import dataset, measure

TARGETS = {
    "approvals_per_second": 200,
    "parallel_speedup": 1.5,
    "approve_statements": 12,
    "floor_ratio": 4,
    "selector_p95_ms": 50,
    "http_p95_ms": 100,
    "verify_per_second": 100_000,
}


def run(*, scale: int, workers: int, say=print) -> dict:
    report = {"machine": measure.machine(), "scale": scale, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    say(f"Building the data set: {scale} nominations on {report['machine']['vendor']} ({os.cpu_count()} CPUs)")
    world = dataset.build(scale, say)
    report["dataset"] = {"counts": world.counts, "seconds": world.seconds}
    media = Path(settings.BASE_DIR) / "var" / "bench" / "media"

    count = max(20, min(500, scale // 20))
    say(f"Approvals: {count} through approve_nomination" + (f", then {workers} processes" if workers > 1 else ""))
    report["approvals"] = measure.approvals(count, workers)
    say("Floor: the same row changes in plain SQL")
    report["floor"] = measure.floor(count)
    report["floor"]["ratio_real_to_floor"] = round(
        report["floor"]["per_second"] / report["approvals"]["single"]["per_second"], 2
    )
    say("Statements per action")
    report["statements"], report["statement_sql"] = measure.statements_per_action(str(media))
    say("Inbox and list latency")
    report["latency"] = measure.latency()
    say("Audit log: verify and export")
    report["audit"] = measure.audit(workers)
    report["machine"]["load_average_1m_at_end"] = os.getloadavg()[0]
    report["targets"] = check(report)
    return report


def check(report) -> dict:
    """Each target of issue 7 against its figure: (figure, target, met)."""
    t = TARGETS
    single = report["approvals"]["single"]["per_second"]
    met = {
        "approvals_per_second": (single, f">= {t['approvals_per_second']}", single >= t["approvals_per_second"]),
        "approve_statements": (report["statements"]["approve"], f"<= {t['approve_statements']}",
                               report["statements"]["approve"] <= t["approve_statements"]),
        "verify_per_second": (report["audit"]["verify"]["per_second"], f">= {t['verify_per_second']}",
                              report["audit"]["verify"]["per_second"] >= t["verify_per_second"]),
    }
    if "parallel" in report["approvals"]:
        speedup = report["approvals"]["parallel"]["speedup"]
        met["parallel_speedup"] = (speedup, f">= {t['parallel_speedup']}", speedup >= t["parallel_speedup"])
    if connection.vendor == "postgresql":
        ratio = report["floor"]["ratio_real_to_floor"]
        met["floor_ratio"] = (ratio, f"<= {t['floor_ratio']}", ratio <= t["floor_ratio"])
    worst_selector = max(f[k]["p95_ms"] for f in report["latency"].values() for k in ("inbox_selector", "list_selector"))
    worst_http = max(f[k]["p95_ms"] for f in report["latency"].values()
                     for k in ("inbox_page", "list_page", "inbox_api", "list_api"))
    met["selector_p95_ms"] = (worst_selector, f"<= {t['selector_p95_ms']}", worst_selector <= t["selector_p95_ms"])
    met["http_p95_ms"] = (worst_http, f"<= {t['http_p95_ms']}", worst_http <= t["http_p95_ms"])
    return {name: {"figure": figure, "target": target, "met": ok} for name, (figure, target, ok) in met.items()}


def table(report) -> str:
    m = report["machine"]
    head = (f"{m['vendor']}, scale {report['scale']}, {m['cpus']} CPUs, load average {m['load_average_1m']:.1f}"
            f" at the start, {m['load_average_1m_at_end']:.1f} at the end")
    lines = [f"== Benchmark: {head} ==", ""]
    d = report["dataset"]
    lines.append(f"data set: {d['counts']} built in {d['seconds']['build']} s")
    a = report["approvals"]
    lines.append(f"approvals/s single process: {a['single']['per_second']} ({a['single']['approvals']} approvals,"
                 f" peak {a['single']['peak_memory_kib']} KiB for 50)")
    if "parallel" in a:
        p = a["parallel"]
        lines.append(f"approvals/s {p['workers']} processes: {p['per_second']} (x{p['speedup']} the single process)")
    f = report["floor"]
    lines.append(f"floor (4 plain statements, 1 transaction): {f['per_second']}/s;"
                 f" real is {f['ratio_real_to_floor']}x slower")
    lines.append("statements per action: " + ", ".join(f"{k} {v}" for k, v in report["statements"].items()))
    lines.append("")
    lines.append(f"{'reader':20} {'part':16} {'p50 ms':>8} {'p95 ms':>8} {'stmts':>6}")
    for reader, figures in report["latency"].items():
        for part in ("inbox_selector", "inbox_page", "inbox_api", "list_selector", "list_page", "list_api"):
            x = figures[part]
            lines.append(f"{reader:20} {part:16} {x['p50_ms']:8} {x['p95_ms']:8} {x['statements']:6}")
        lines.append(f"{reader:20} inbox {figures['inbox_size']} rows, list {figures['list_size']} rows,"
                     f" peak {figures['peak_memory_kib']} KiB (page + API)")
    au = report["audit"]
    lines.append("")
    lines.append(f"audit: {au['events']} events; verify {au['verify']['per_second']:,}/s (1 process, peak "
                 f"{au['verify']['peak_memory_kib']} KiB)" + (
                     f", {au['verify_parallel']['per_second']:,}/s ({au['verify_parallel']['workers']} processes)"
                     if "verify_parallel" in au else "") + f"; export {au['export']['per_second']:,}/s")
    lines.append("")
    lines.append("targets:")
    for name, x in report["targets"].items():
        lines.append(f"  {name:22} {x['figure']!s:>10} {x['target']:>10}  {'met' if x['met'] else 'MISSED'}")
    lines.append(f"({head}; peak memory: tracemalloc peak of Python allocations during the part)")
    return "\n".join(lines)


def write(report, path: str) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
