"""The bench's output: a table for the terminal and the JSON file."""

import json
from pathlib import Path


def table(result: dict) -> str:
    env = result["environment"]
    head = f"DB={env['database']} scale={env['scale']:,} cores={env['cores']} ({env['machine']})"
    lines = [f"Benchmark — {head}", ""]

    def section(title):
        lines.extend(["", title, "-" * len(title)])

    section("Data set")
    data = result["data"]
    lines.append(f"{data['nominations']:,} nominations, {data['events']:,} audit events, {data['units']:,} units, "
                 f"{data['users']:,} users; {data['rows']:,} rows in {data['seconds']} s "
                 f"({data['rows_per_second']:,} rows/s)")
    section("Approvals (approve_nomination, one transaction each)")
    for name, row in result["approvals"].items():
        if isinstance(row, dict):
            lines.append(f"{name:<34} {row['per_second']:>9,.1f} /s  ({row['count']} in {row['seconds']} s, "
                         f"{row['cpu_seconds']} s CPU in this process)")
            if "rounds" in row:
                lines.append(f"{'':<34} median of {len(row['rounds'])} rounds: "
                             f"{', '.join(f'{rate:,.1f}' for rate in row['rounds'])}; all together "
                             f"{row['total_per_second']:,.1f} /s")
        else:
            lines.append(f"{name:<34} {row}")
    section("SQL statements per action (in its transaction + after commit: e-mail)")
    for name, row in result["statements"].items():
        lines.append(f"{name:<34} {row['statements']:>4}  + {row['after_commit']}")
    if "lists" in result:
        section("Tờ trình: Excel import, bulk approval, reads")
        for part, row in result["lists"].items():
            lines.append(f"{part}: " + ", ".join(f"{k} {v}" for k, v in row.items()))
    section("Inbox and list latency")
    lines.append(f"{'reader: path':<44} {'p50 ms':>8} {'p95 ms':>8} {'stmts':>6}")
    for name, row in result["latency"].items():
        if isinstance(row, dict):
            lines.append(f"{name:<44} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['statements']:>6}")
        else:
            lines.append(f"{name:<44} {row}")
    section("Audit log")
    for name, row in result["audit"].items():
        lines.append(f"{name:<34} {row['per_second']:>10,} events/s  ({row['count']:,} in {row['seconds']} s, "
                     f"{row['cpu_seconds']} s CPU in this process)")
    section("Peak memory (MiB)")
    for name, value in result["memory"].items():
        lines.append(f"{name:<44} {value}")
    section("Targets")
    for name, (ok, detail) in result["targets"].items():
        lines.append(f"{'PASS' if ok else 'MISS'}  {name}: {detail}")
    return "\n".join(lines)


def write(result: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
