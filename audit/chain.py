"""Read the log back in seq order and check its hash chain (the rules live in audit.verify_export).

A large log is checked in stretches of SEGMENT_SIZE events by one process per CPU: a stretch links to the
stored hash of the event before it, whose own hash the previous stretch checks, so together they check
every hash and every link exactly as one pass would.
"""

import contextlib
import hashlib
import json
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import orjson
from django.db import connections, router
from django.utils import timezone

from audit import verify_export
from audit.models import Event
from audit.verify_export import (
    GENESIS_HASH,
    HASHED_FIELDS,
    SCHEMA_VERSION,
    VerifyResult,
    check_chain,
    format_timestamp,
)

__all__ = ["VerifyResult", "head_problem", "head_seq", "iter_events", "stored_hash", "verify_after", "verify_chain"]

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
    with contextlib.closing(_rows(where, params, first - 1)) as rows:  # closed when this generator is
        for row in rows:
            event = dict(zip(COLUMNS, row, strict=True))
            event["at"] = format_timestamp(datetime.fromisoformat(event["at"]))
            if isinstance(event["data"], str):
                event["data"] = json.loads(event["data"])
            yield event


def _rows(where: str, params: list, seen: int) -> Iterator[tuple]:
    """Raw rows (COLUMNS) with seq > seen, ascending, PAGE_SIZE a query (keyset: memory stays flat).

    The next page is asked for before this one is handed out. On PostgreSQL the query goes out at once (psycopg's
    pipeline mode), so the server reads that page while the caller checks this one."""
    # Only constants and placeholders are formatted in; every value goes through params.
    sql = f"SELECT {SELECT_LIST} FROM audit_event WHERE seq > %s{where} ORDER BY seq LIMIT {PAGE_SIZE}"  # noqa: S608
    connection = _connection()
    connection.ensure_connection()
    ahead = connection.connection.pipeline() if connection.vendor == "postgresql" else contextlib.nullcontext()
    with connection.cursor() as cursor, ahead:
        cursor.execute(sql, [seen, *params])
        rows = cursor.fetchall()
        while len(rows) == PAGE_SIZE:
            cursor.execute(sql, [rows[-1][0], *params])
            yield from rows
            rows = cursor.fetchall()
        yield from rows


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
        return _check(1, None, (0, GENESIS_HASH), expect_head, progress)
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


def verify_after(after: tuple[int, str], last: int | None = None) -> VerifyResult:
    """Check only the events after `after` (seq, hash), up to `last`: each one's hash and its link to the one before.

    The first event after must be chained to `after`'s hash as given (one verified earlier), so a change at or
    before its seq is not looked at here: that is verify_chain's to find. One process, the rows after `after` only.
    """
    return _check(after[0] + 1, last, after, None, None)


def stored_hash(seq: int) -> str | None:
    """The hash stored for seq (None when there is no such event); one index lookup."""
    with _connection().cursor() as cursor:
        cursor.execute("SELECT hash FROM audit_event WHERE seq = %s", [seq])
        row = cursor.fetchone()
    return row[0] if row else None


def head_problem(seq: int, digest: str, base: VerifyResult, was: str, held: str) -> VerifyResult | None:
    """None when event seq still has the hash digest, kept outside the log (a verified point, a signed checkpoint);
    else the break, built on base. was / held say where the head came from, for the message: "verified on …" /
    "it was verified with on …". Two index lookups at most."""
    stored = stored_hash(seq)
    if stored == digest:
        return None
    if stored is not None:
        return replace(base, ok=False, first_bad_seq=seq, problem="changed", message=(
            f"event {seq} no longer has the hash {held}: the log was rewritten at or before seq {seq}"))
    end = head_seq()
    if end < seq:
        return replace(base, ok=False, first_bad_seq=end + 1, problem="truncated", message=(
            f"the log ends at seq {end} but seq {seq} was {was}: events {end + 1} to {seq} were removed"))
    return replace(base, ok=False, first_bad_seq=seq, problem="missing", message=f"event {seq}, {was}, is missing")


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
    result = _check(first, last, _link_before(first), expect_head, None)
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
    return first - 1, stored_hash(first - 1) or ""


def _locate_hash(digest: str) -> int | None:
    with _connection().cursor() as cursor:
        cursor.execute("SELECT seq FROM audit_event WHERE hash = %s ORDER BY seq LIMIT 1", [digest])
        row = cursor.fetchone()
    return row[0] if row else None


# --- the fast path ------------------------------------------------------------------------------------
# Each row's canonical bytes (audit.verify_export.canonical_bytes) are built by orjson from the raw columns:
# sorted keys, compact separators, UTF-8 and the same string escaping as the json module. An event is accepted
# only when its seq follows, its prev_hash is the previous stored hash and SHA-256 of those bytes is its stored
# hash; the bytes are JSON text, which parses back to one set of fields only, so a changed field can pass only
# by a SHA-256 collision. Where orjson writes a value differently (an integer beyond 64 bits) or cannot (a lone
# surrogate), the row does not pass: from the first row that does not pass (or has a form the fast path does
# not know), the rest is handed to check_chain, which finds and explains the break exactly as it always did.

_sha256 = hashlib.sha256
_loads, _dumps, _SORTED = orjson.loads, orjson.dumps, orjson.OPT_SORT_KEYS


def _fast_at(text: str) -> str | None:
    """CAST(at AS TEXT) as canonical RFC 3339 UTC, for the forms the databases print in UTC; else None.

    SQLite: "2026-01-01 08:00:00.123456" (no fraction when it is 0); PostgreSQL in UTC: the same with "+00"
    and the fraction's trailing zeros dropped. Any other form takes the full path."""
    if text.endswith("+00"):
        text = text[:-3]
    if len(text) == 26 and text[10] == " " and text[19] == ".":
        return f"{text[:10]}T{text[11:]}Z"
    if len(text) == 19 and text[10] == " ":
        return f"{text[:10]}T{text[11:]}.000000Z"
    if 20 < len(text) < 26 and text[10] == " " and text[19] == "." and text[20:].isdigit():
        return f"{text[:10]}T{text[11:19]}.{text[20:]:0<6}Z"
    return None


def _check(first: int, last: int | None, after: tuple[int, str], expect_head, progress) -> VerifyResult:
    """check_chain over seqs first..last, by the fast path as long as every event passes it."""
    expect_seq, expect_hash = expect_head or (None, None)
    prev_seq, prev_hash = after
    checked, every = 0, verify_export.PROGRESS_EVERY
    rows = _rows(" AND seq <= %s" if last is not None else "", [last] if last is not None else [], first - 1)
    passed = False
    for (seq, at, actor_id, actor_name, behalf_id, behalf_name, action, object_type, object_id, org_unit,
         org_path, from_status, to_status, comment, data, link, stored) in rows:
        moment = _fast_at(at)
        if (
            seq != prev_seq + 1 or link != prev_hash or moment is None or (seq == expect_seq and stored != expect_hash)
        ):
            break
        try:
            body = _dumps({
                "action": action, "actor_id": actor_id, "actor_name": actor_name, "at": moment, "comment": comment,
                "data": _loads(data) if isinstance(data, str) else data, "from_status": from_status,
                "object_id": object_id, "object_type": object_type, "on_behalf_of_id": behalf_id,
                "on_behalf_of_name": behalf_name, "org_path": org_path, "org_unit": org_unit, "prev_hash": link,
                "seq": seq, "to_status": to_status, "v": SCHEMA_VERSION,
            }, option=_SORTED)
        except (TypeError, ValueError):  # orjson cannot write it: the full check can
            break
        if _sha256(body).hexdigest() != stored:
            break
        prev_seq, prev_hash = seq, stored
        checked += 1
        if progress is not None and checked % every == 0:
            progress(checked)
    else:
        passed = True  # every event passed
    rows.close()
    # What is left goes through the full check (from the row that did not pass), which also builds the result. Its
    # reader is closed however early the check stops (on PostgreSQL it may have a page asked for).
    remaining = expect_head if expect_seq is not None and expect_seq > prev_seq else None
    rest = contextlib.nullcontext(()) if passed else contextlib.closing(iter_events(first=prev_seq + 1, last=last))
    with rest as events:
        result = check_chain(events, expect_head=remaining, after=(prev_seq, prev_hash), locate_hash=_locate_hash,
                             progress=None if progress is None else lambda n: progress(checked + n))
    return replace(result, events_checked=checked + result.events_checked)

