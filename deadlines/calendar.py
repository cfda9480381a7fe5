"""Vietnamese working-day calendar: Mon–Fri minus public holidays (Tết included, from the `holidays` package),
corrected by CalendarOverride rows an administrator adds (compensatory working days, extra days off)."""

import datetime as dt

import holidays
from django.core.cache import cache

from .models import CalendarOverride

# Every stage opened counts working days with the overrides: they are kept in the cache (emptied whenever one is
# saved or deleted: deadlines.models), so opening a stage reads none.
OVERRIDES_KEY = "deadlines:calendar-overrides"

# Vietnam's public holidays, computed once per process (a year is filled in the first time a date in it is asked).
VIETNAM_HOLIDAYS = holidays.Vietnam()


class WorkingCalendar:
    """Loads overrides once (one query) so that counting many days costs no further queries, and answers each
    day once: an inbox page counts the days left of 25 stages over much the same dates."""

    def __init__(self, overrides=None):
        if overrides is None:
            overrides = cache.get_or_set(OVERRIDES_KEY, _overrides)
        self._holidays = VIETNAM_HOLIDAYS
        self._answers: dict[dt.date, bool] = dict(overrides)  # the overrides are answers known in advance

    def is_working_day(self, day: dt.date) -> bool:
        answer = self._answers.get(day)
        if answer is None:
            answer = self._answers[day] = day.weekday() < 5 and day not in self._holidays
        return answer

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The date on which `days` working days after `start` have elapsed (start itself is not counted)."""
        if days < 0:
            raise ValueError("days must be >= 0")
        day = start
        while days:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                days -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative if end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count


def _overrides() -> dict[dt.date, bool]:
    return dict(CalendarOverride.objects.values_list("date", "is_working_day"))


def forget_overrides(**_kwargs) -> None:
    """A receiver of CalendarOverride's save and delete: the next calendar reads them afresh."""
    cache.delete(OVERRIDES_KEY)


def add_working_days(start: dt.date, days: int) -> dt.date:
    return WorkingCalendar().add_working_days(start, days)


def working_days_between(start: dt.date, end: dt.date) -> int:
    return WorkingCalendar().working_days_between(start, end)

