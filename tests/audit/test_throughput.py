"""Verification throughput (opt-in: AUDIT_BENCH=200000 .venv/bin/pytest tests/audit/test_throughput.py -s).

Commits that many chained events with one bulk statement (bypassing record(), with correct hashes), then
times verify_chain(). The target is 100,000 events/s.
"""

import os
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction

from audit.chain import COLUMNS, iter_events, verify_chain
from audit.verify_export import GENESIS_HASH, event_hash, format_timestamp

EVENTS = int(os.environ.get("AUDIT_BENCH", "0"))
TARGET_PER_SECOND = 100_000


def _chained_rows(count):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    prev = GENESIS_HASH
    for seq in range(1, count + 1):
        at = start + timedelta(seconds=seq, microseconds=seq % 1_000_000)
        event = {
            "seq": seq,
            "at": format_timestamp(at),
            "actor_id": None,
            "actor_name": f"can.bo.{seq % 50}",
            "on_behalf_of_id": None,
            "on_behalf_of_name": "",
            "action": "nomination.approve",
            "object_type": "nominations.nomination",
            "object_id": str(seq // 6),
            "org_unit": "LC-SAPA",
            "org_path": "/CP/LAOCAI/LC-SAPA/",
            "from_status": "in_review",
            "to_status": "in_review",
            "comment": "Đồng ý đề nghị Bằng khen Thủ tướng",
            "data": {"stage": seq % 7, "level": "district"},
            "prev_hash": prev,
        }
        prev = event["hash"] = event_hash(event)
        yield [
            *(event[column] for column in COLUMNS if column not in ("at", "data")),
            connection.ops.adapt_datetimefield_value(at),
            connection.ops.adapt_json_value(event["data"], None),
        ]


@pytest.mark.skipif(not EVENTS, reason="benchmark: set AUDIT_BENCH to a number of events")
@pytest.mark.django_db(transaction=True)
def test_verification_throughput():
    # given a committed log of EVENTS chained events
    columns = [column for column in COLUMNS if column not in ("at", "data")] + ["at", "data"]
    placeholders = ", ".join(["%s"] * len(columns))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO audit_event ({', '.join(columns)}) VALUES ({placeholders})",
            _chained_rows(EVENTS),
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE audit_event")  # as autovacuum would: fresh statistics for the planner

    # when the whole chain is verified by one process and by one worker per CPU (PostgreSQL only: the
    # SQLite test database lives in memory, where worker processes cannot reach it)
    rates = {}
    for workers in (1, os.cpu_count()):
        started = time.perf_counter()
        result = verify_chain(workers=workers)
        rates[workers] = EVENTS / (time.perf_counter() - started)
        assert result.ok and result.events_checked == EVENTS

    # then it holds, and costs at most 2.5 times the bare hashing of the same events in memory (this machine's
    # speed varies: the bare rate says how fast it is today; the target is TARGET_PER_SECOND)
    events = list(iter_events(last=min(EVENTS, 50_000)))
    started = time.perf_counter()
    for event in events:
        event_hash(event)
    bare = len(events) / (time.perf_counter() - started)
    print(f"\n{connection.vendor}, {EVENTS} events: canonical JSON + SHA-256 alone {bare:,.0f} events/s")
    for workers, rate in rates.items():
        print(f"verify_chain(workers={workers}): {rate:,.0f} events/s (target {TARGET_PER_SECOND:,})")
    assert max(rates.values()) >= bare / 2.5
