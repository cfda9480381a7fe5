"""Read the log back in seq order and check its hash chain (the rules live in audit.verify_export).

A large log is checked in stretches of SEGMENT_SIZE events by one process per CPU: a stretch links to the
stored hash of the event before it, whose own hash the previous stretch checks, so together they check
every hash and every link exactly as one pass would.
"""

import json
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from django.db import connections, router
from django.utils import timezone

from audit.models import Event
from audit.verify_export import GENESIS_HASH, HASHED_FIELDS, VerifyResult, check_chain, format_timestamp

__all__ = ["VerifyResult", "head_seq", "iter_events", "verify_chain"]

COLUMNS = (*HASHED_FIELDS, "hash")
# `at` is read as text and parsed here: on PostgreSQL that skips psycopg's (slow) Python timestamp loader.
SELECT_LIST = ", ".join("CAST(at AS TEXT)" if column == "at" else column for column in COLUMNS)
PAGE_SIZE = 10_000
SEGMENT_SIZE = 100_000


def _connection():
    return connections[router.db_for_read(Event)]


def iter_events(
    *,
    org_path: str | None = None,
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    first: int = 1,
    last: int | None = None,
) -> Iterator[dict]:
    """Events as plain dicts in canonical form (`at` as RFC 3339 text), ascending seq.

    Keyset pagination (seq > last seen, PAGE_SIZE rows a query) keeps memory flat on every database and
    needs no server-side cursor. org_path: a path prefix (the unit's subtree). since / until: inclusive; a
    date means that whole day in the current time zone. first / last: a stretch of seqs.
    """
    connection = _connection()
    conditions, params = [], []
    if org_path:
        escaped = org_path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append("org_path LIKE %s ESCAPE '\\'")
        params.append(escaped + "%")
    if since is not None:
        conditions.append("at >= %s")
        params.append(connection.ops.adapt_datetimefield_value(_moment(since)))
    if isinstance(until, datetime):
        conditions.append("at <= %s")
        params.append(connection.ops.adapt_datetimefield_value(until))
    elif until is not None:
        conditions.append("at < %s")
        params.append(connection.ops.adapt_datetimefield_value(_moment(until + timedelta(days=1))))
    if last is not None:
        conditions.append("seq <= %s")
        params.append(last)
    where = "".join(f" AND {condition}" for condition in conditions)
    # Only constants and placeholders are formatted in; every value goes through params.
    sql = f"SELECT {SELECT_LIST} FROM audit_event WHERE seq > %s{where} ORDER BY seq LIMIT {PAGE_SIZE}"  # noqa: S608
    seen = first - 1
    with connection.cursor() as cursor:
        while True:
            cursor.execute(sql, [seen, *params])
            rows = cursor.fetchall()
            for row in rows:
                event = dict(zip(COLUMNS, row, strict=True))
                event["at"] = format_timestamp(datetime.fromisoformat(event["at"]))
                if isinstance(event["data"], str):
                    event["data"] = json.loads(event["data"])
                yield event
            if len(rows) < PAGE_SIZE:
                return
            seen = rows[-1][0]


def _moment(day: date | datetime) -> datetime:
    """A datetime as given, or the start of a date in the current time zone."""
    if isinstance(day, datetime):
        return day
    return timezone.make_aware(datetime.combine(day, time.min))


def head_seq() -> int:
    """The highest seq in the log (0 when empty); one index lookup."""
    with _connection().cursor() as cursor:
        cursor.execute("SELECT MAX(seq) FROM audit_event")
        return cursor.fetchone()[0] or 0


def verify_chain(
    expect_head: tuple[int, str] | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> VerifyResult:
    """Recompute every hash and link of the log; with expect_head, also require that (seq, hash) still holds.

    progress: called with the number of events checked so far, every SEGMENT_SIZE events or so.
    workers: processes (forked) that check a log longer than SEGMENT_SIZE in stretches; `audit_verify` uses
    one per CPU. The default, 1, checks it in this process, as a web request should. Workers need the log
    committed, so inside a transaction or on an in-memory database it is always checked here.
    """
    top = head_seq()
    if workers < 2 or top <= SEGMENT_SIZE or not _can_fork():
        return check_chain(
            iter_events(), expect_head=expect_head, locate_hash=_locate_hash, progress=progress
        )
    firsts = range(1, top + 1, SEGMENT_SIZE)
    # The last stretch has no upper bound: it reads whatever the head is by the time it gets there.
    stretches = [(first, first + SEGMENT_SIZE - 1 if first != firsts[-1] else None) for first in firsts]
    tasks = [(first, last, _within(expect_head, first, last)) for first, last in stretches]
    connections.close_all()  # every worker opens its own connection
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(min(len(tasks), workers), mp_context=context) as pool:
        result = _combine(pool.map(_verify_stretch, tasks), progress)
        pool.shutdown(cancel_futures=True)
    return result


def _can_fork() -> bool:
    """Workers need a committed log on a database they can reach: not inside a transaction, not in memory."""
    connection = _connection()
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
    return (
        "fork" in multiprocessing.get_all_start_methods() and not connection.in_atomic_block and not in_memory
    )


def _within(expect_head, first: int, last: int | None):
    if expect_head and first <= expect_head[0] and (last is None or expect_head[0] <= last):
        return expect_head
    return None


def _verify_stretch(task) -> VerifyResult:
    first, last, expect_head = task
    result = check_chain(
        iter_events(first=first, last=last),
        expect_head=expect_head,
        after=_link_before(first),
        locate_hash=_locate_hash,
    )
    if result.ok and last is not None and result.head_seq < last:
        missing = result.head_seq + 1
        return replace(
            result,
            ok=False,
            first_bad_seq=missing,
            problem="missing",
            message=f"events {missing} to {last} are missing",
        )
    return result


def _combine(results: Iterable[VerifyResult], progress) -> VerifyResult:
    """The stretches' results, in seq order, as one: the first break wins."""
    checked = 0
    for result in results:
        checked += result.events_checked
        if not result.ok:
            return replace(result, events_checked=checked)
        if progress is not None:
            progress(checked)
    return replace(result, events_checked=checked)


def _link_before(first: int) -> tuple[int, str]:
    if first == 1:
        return 0, GENESIS_HASH
    with _connection().cursor() as cursor:
        cursor.execute("SELECT hash FROM audit_event WHERE seq = %s", [first - 1])
        row = cursor.fetchone()
    return first - 1, row[0] if row else ""


def _locate_hash(digest: str) -> int | None:
    with _connection().cursor() as cursor:
        cursor.execute("SELECT seq FROM audit_event WHERE hash = %s ORDER BY seq LIMIT 1", [digest])
        row = cursor.fetchone()
    return row[0] if row else None
