"""One bench run: a database of its own, the data set, every measurement, the targets, the report."""

import os
import platform
import resource
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

from . import data, lists, measure

# Approvals and floor's, half each, before the single-process rounds: a new connection's statements are prepared at
# their sixth run and PostgreSQL plans them generically only after five more.
WARM_UP = 60
TARGETS = {"approvals_per_second": 200, "parallel_speedup": 1.5, "approve_statements": 12, "floor_ratio": 4,
           "selector_p95_ms": 50, "page_p95_ms": 100, "verify_per_second": 100_000,
           "import_seconds": 10, "bulk_seconds": 5}


class Refused(Exception):
    """The bench would flush a database that is not obviously its own."""


def prepare_database(*, sqlite_path: Path | None, in_place: bool, yes: bool, say) -> str:
    """Point the default connection at the bench's own database, emptied and migrated; returns its name.

    SQLite: a file under var/bench/ (never the dev database). PostgreSQL: DATABASE_URL's database, whose
    schema is dropped: refused unless its name contains "bench" or `yes`. in_place: use the database as it is
    (already migrated; the smoke test's)."""
    if in_place:
        return connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        path = Path(sqlite_path or Path(settings.BASE_DIR) / "var" / "bench" / "bench.sqlite3")
        path.parent.mkdir(parents=True, exist_ok=True)
        connections.close_all()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        connection.settings_dict["NAME"] = str(path)
        settings.DATABASES["default"]["NAME"] = str(path)
    else:
        name = connection.settings_dict["NAME"]
        if "bench" not in name and not yes:
            raise Refused(f"the bench empties the database {name!r}: use a database named *bench* or pass --yes")
        say(f"Emptying PostgreSQL database {name!r} (DROP SCHEMA public CASCADE).")
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    say(f"Migrated {connection.settings_dict['NAME']} in {time.perf_counter() - started:.1f} s.")
    return connection.settings_dict["NAME"]


def _maxrss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


def environment(scale: int) -> dict:
    cores = os.cpu_count() or 1
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
            cursor.execute("SHOW synchronous_commit")
            durability = f"synchronous_commit={cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
            cursor.execute("PRAGMA synchronous")
            durability = "synchronous=" + {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[cursor.fetchone()[0]]
    return {"database": connection.vendor, "version": version, "durability": durability, "scale": scale,
            "cores": cores, "machine": f"{platform.machine()} {platform.processor() or ''} {cores} cores".strip(),
            "python": platform.python_version(), "at": measure.stamp()}


def run(*, scale: int, approvals: int, rounds: int, repeat: int, processes: int, say, import_rows: int = 2000,
        bulk: int = 500) -> dict:
    env = environment(scale)
    say(f"Building {scale:,} nominations on {env['version']} ({env['durability']}), {env['cores']} cores.")
    memory = {}
    world = data.build(scale, say=say)
    memory["build: process maxrss"] = _maxrss_mib()
    rows_per_second = round(world.rows / world.seconds) if world.seconds else 0
    say(f"Built {world.rows:,} rows in {world.seconds:.1f} s ({rows_per_second:,} rows/s).")
    result = {"environment": env, "data": {
        "nominations": scale, "events": world.events, "units": world.units, "users": world.users,
        "rows": world.rows, "seconds": round(world.seconds, 1), "rows_per_second": rows_per_second}}

    say("Audit: verification and export ...")
    result["audit"] = measure.audit(env["cores"])
    for name, peak in measure.audit_memory().items():
        memory[f"audit {name}: tracemalloc peak"] = peak

    say("Statements per action ...")
    result["statements"], memory["actions (one of each): tracemalloc peak"] = measure.traced(
        measure.statements_per_action, world)

    count = max(1, min(approvals, len(world.forward) // 3))
    pool = world.forward
    say(f"Approvals: {count} single-process and {count} of the floor, in {rounds} rounds of each in turn ...")
    warm = pool[3 * count:3 * count + WARM_UP]
    single, floor, ratio = measure.interleaved(pool[:count], pool[count:2 * count], rounds, warm)
    result["approvals"] = {"single process": single, "floor (bare SQL)": floor,
                           "warm-up (not counted)": f"{len(warm[::2])} approvals, {len(warm[1::2])} of the floor"}
    memory["approvals: process maxrss"] = _maxrss_mib()
    result["approvals"]["ratio to floor"] = f"{ratio}× the floor's time per approval (median of the rounds)"
    result["floor_ratio"] = ratio
    if connection.vendor == "postgresql" and processes > 1:
        say(f"Approvals: {count} with {processes} processes ...")
        result["approvals"][f"{processes} processes"] = measure.approvals_parallel(pool[2 * count:3 * count],
                                                                                   processes)
    else:
        result["approvals"][f"{processes} processes"] = "PostgreSQL only (SQLite has one writer)"

    say("Inbox and list latency ...")
    readers = {"commune reviewer": world.commune_reviewer, "province reviewer": world.province_reviewer,
               "province inspector": world.province_inspector, "national inspector": world.national_inspector}
    result["latency"] = measure.latency(readers, repeat)
    _, memory["inbox and lists (one round): tracemalloc peak"] = measure.traced(measure.latency, readers, 1)
    rows = min(import_rows, scale)  # the smoke test's scale imports as many rows as it has nominations
    say(f"Tờ trình: import of {rows:,} rows, bulk approval of {bulk} items ...")
    result["lists"] = {"import": lists.imports(world, rows), "bulk approve": lists.bulk_approve(
        world, pool[3 * count + WARM_UP:], bulk, result["statements"]["approve (forward)"]["statements"])}
    result["memory"] = memory
    result["targets"] = targets(result)
    return result


def targets(result: dict) -> dict:
    t, out = TARGETS, {}
    single = result["approvals"]["single process"]["per_second"]
    out["approvals/s single process"] = (single >= t["approvals_per_second"], f"{single} ≥ {t['approvals_per_second']}")
    parallel = next((v for k, v in result["approvals"].items() if k.endswith("processes") and isinstance(v, dict)),
                    None)
    if parallel:
        speedup = round(parallel["per_second"] / single, 2)
        out["parallel speedup"] = (speedup >= t["parallel_speedup"], f"{speedup}× ≥ {t['parallel_speedup']}×")
    approve = [v for k, v in result["statements"].items() if k.startswith("approve")]
    worst = max(v["statements"] for v in approve)
    after = max(v["after_commit"] for v in approve)
    out["statements per approve"] = (worst <= t["approve_statements"],
                                     f"{worst} ≤ {t['approve_statements']} in the transaction (+{after} after commit)")
    if result["environment"]["database"] == "postgresql":
        out["ratio to floor"] = (result["floor_ratio"] <= t["floor_ratio"], f"{result['floor_ratio']} ≤ 4")
    for name, row in result["latency"].items():
        if isinstance(row, dict):
            limit = t["selector_p95_ms"] if "selector" in name else t["page_p95_ms"]
            out[f"p95 {name}"] = (row["p95_ms"] <= limit, f"{row['p95_ms']} ms ≤ {limit} ms")
    imported, bulked = result["lists"]["import"], result["lists"]["bulk approve"]
    out[f"import {imported['rows']} rows"] = (imported["seconds"] <= t["import_seconds"],
                                             f"{imported['seconds']} s ≤ {t['import_seconds']} s")
    if "items" in bulked:
        out[f"bulk approve {bulked['items']} items"] = (bulked["seconds"] <= t["bulk_seconds"],
                                                        f"{bulked['seconds']} s ≤ {t['bulk_seconds']} s")
        out["statements per bulk item"] = (bulked["statements_per_item"] <= bulked["single approve statements"],
                                           f"{bulked['statements_per_item']} ≤ {bulked['single approve statements']}")
    verify = result["audit"]["verify (1 process)"]["per_second"]
    out["audit verify (1 process)"] = (verify >= t["verify_per_second"], f"{verify:,} ≥ {t['verify_per_second']:,}")
    return out


def default_output(vendor: str, scale: int) -> Path:
    return Path(settings.BASE_DIR) / "var" / "bench" / f"bench-{vendor}-{scale}.json"
