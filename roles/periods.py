"""Validity periods as the rest of the code reads them (`valid_on_q`): both ends inclusive, an empty end open.

Pure functions over (valid_from, valid_to, item) triples, for the system checks that look for gaps and overlaps
in data versioned by date (routing profiles, award rules, council rules); and the loop those database checks
share (`on_each_database`)."""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from django.db import DatabaseError, connections, transaction

FIRST, LAST = datetime.date.min, datetime.date.max


class Period(NamedTuple):
    start: datetime.date | None
    end: datetime.date | None
    item: Any = None

    @property
    def first(self) -> datetime.date:
        return self.start or FIRST

    @property
    def last(self) -> datetime.date:
        return self.end or LAST

    @property
    def empty(self) -> bool:
        """valid_to before valid_from: never in force."""
        return self.last < self.first

    def contains(self, day: datetime.date) -> bool:
        return self.first <= day <= self.last


def next_day(day: datetime.date) -> datetime.date:
    return day if day == LAST else day + datetime.timedelta(days=1)


def previous_day(day: datetime.date) -> datetime.date:
    return day if day == FIRST else day - datetime.timedelta(days=1)


def sorted_periods(periods: Iterable[Period]) -> list[Period]:
    return sorted((p for p in periods if not p.empty), key=lambda p: (p.first, p.last))


def overlaps(periods: Iterable[Period]) -> list[tuple[Period, Period, datetime.date, datetime.date]]:
    """Each pair of periods in force together on some day, with the first and last such day."""
    found = []
    ordered = sorted_periods(periods)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            first, last = max(a.first, b.first), min(a.last, b.last)
            if first <= last:
                found.append((a, b, first, last))
    return found


def gaps(periods: Iterable[Period]) -> list[tuple[datetime.date, datetime.date, Period, Period]]:
    """The runs of days between the earliest start and the latest end that no period covers, each with the
    period that ends before it and the one that starts after it."""
    found = []
    covered_to: Period | None = None  # the period reaching furthest so far
    for period in sorted_periods(periods):
        if covered_to is not None and covered_to.last < LAST and period.first > next_day(covered_to.last):
            found.append((next_day(covered_to.last), previous_day(period.first), covered_to, period))
        if covered_to is None or period.last > covered_to.last:
            covered_to = period
    return found


def boundaries(periods: Iterable[Period]) -> list[datetime.date]:
    """The days on which something starts or stops being in force (FIRST included), in order: between two
    consecutive boundaries nothing changes, so checking the first day of each run checks every day."""
    days = {FIRST}
    for p in periods:
        if p.empty:
            continue
        days.add(p.first)
        if p.last < LAST:
            days.add(next_day(p.last))
    return sorted(days)


def runs(periods: Sequence[Period]) -> list[tuple[datetime.date, datetime.date]]:
    """The runs [first, last] between consecutive `boundaries`."""
    days = boundaries(periods)
    return [(day, previous_day(days[i + 1]) if i + 1 < len(days) else LAST) for i, day in enumerate(days)]


def in_force(periods: Iterable[Period], day: datetime.date) -> Period | None:
    """The period that `valid_on_q(day).order_by("-valid_from").first()` picks when several are in force: the
    latest start (an empty start counts as the earliest; PostgreSQL would sort it first, hence the overlap checks)."""
    candidates = [p for p in periods if not p.empty and p.contains(day)]
    return max(candidates, key=lambda p: p.first, default=None)


def show(day: datetime.date | None, open_end: str = "không thời hạn") -> str:
    if day is None or day in (FIRST, LAST):
        return open_end
    return f"{day:%d/%m/%Y}"


def show_run(first: datetime.date, last: datetime.date) -> str:
    """"từ 01/07/2025 đến 31/12/2025", "đến 30/06/2025", "từ 01/07/2025" or "mọi ngày"."""
    parts = []
    if first != FIRST:
        parts.append(f"từ {first:%d/%m/%Y}")
    if last != LAST:
        parts.append(f"đến {last:%d/%m/%Y}")
    return " ".join(parts) or "mọi ngày"


def on_each_database(databases, check) -> list:
    """The messages `check(alias)` returns for each database named, read inside a savepoint: an unreachable
    database is an error (not "no issues"), one whose tables are missing or behind (not migrated yet) reports
    nothing."""
    messages = []
    for alias in databases or ():
        if alias not in connections:
            continue
        connections[alias].ensure_connection()
        try:
            with transaction.atomic(using=alias):
                messages += check(alias)
        except DatabaseError:  # OperationalError, ProgrammingError: not migrated yet, or the schema is behind
            continue
    return messages
