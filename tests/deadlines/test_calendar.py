import datetime as dt

import pytest

from deadlines.calendar import WorkingCalendar, add_working_days, working_days_between
from deadlines.models import CalendarOverride

D = dt.date


@pytest.mark.django_db
def test_tet_2026_is_not_working():
    cal = WorkingCalendar()
    # Tết 2026 per the holidays package: 16–20 February (Mon–Fri).
    for day in range(16, 21):
        assert not cal.is_working_day(D(2026, 2, day))
    assert cal.is_working_day(D(2026, 2, 13))
    assert cal.is_working_day(D(2026, 2, 23))
    assert not cal.is_working_day(D(2026, 2, 14))  # Saturday


@pytest.mark.django_db
def test_deadline_spanning_tet():
    # Friday 13 Feb 2026 + 5 working days skips the weekend and the whole Tết week.
    assert add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 27)
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 27)) == 5
    assert working_days_between(D(2026, 2, 27), D(2026, 2, 13)) == -5


@pytest.mark.django_db
def test_compensatory_working_day_added_by_administrator():
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)
    CalendarOverride.objects.create(date=D(2026, 2, 14), is_working_day=True, reason="Làm bù")
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)


@pytest.mark.django_db
def test_extra_day_off_added_by_administrator():
    assert add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 3)
    CalendarOverride.objects.create(date=D(2026, 3, 3), is_working_day=False, reason="Nghỉ bổ sung")
    assert add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 4)


@pytest.mark.django_db
def test_calendar_loads_overrides_once(django_assert_num_queries):
    with django_assert_num_queries(1):
        cal = WorkingCalendar()
        cal.add_working_days(D(2026, 1, 1), 60)
        cal.working_days_between(D(2026, 1, 1), D(2026, 6, 1))
