import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from deadlines.calendar import WorkingCalendar
from deadlines.models import CalendarOverride
from deadlines.policy import days_left
from workflows import actions
from workflows.models import Stage
from workflows.selectors import open_stage

D = dt.date
pytestmark = pytest.mark.django_db


def local_day(value):
    return timezone.localdate(value)


def test_a_stage_is_due_twenty_working_days_after_it_opens_skipping_tet(draft_factory, users):
    n = draft_factory()
    with time_machine.travel(dt.datetime(2026, 2, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        actions.submit_nomination(actor=users["unit_head"], nomination=n)
    stage = open_stage(n)
    # 10 Feb + 20 working days: 11–13 Feb (3), Tết 16–20 Feb skipped, 23 Feb–13 Mar (15), 16–17 Mar (2).
    assert local_day(stage.due_at) == D(2026, 3, 17)
    cal = WorkingCalendar()
    assert days_left(stage.due_at, D(2026, 3, 16), cal) == 1
    assert days_left(stage.due_at, D(2026, 3, 17), cal) == 0
    assert days_left(stage.due_at, D(2026, 3, 19), cal) == -2


def test_an_administrator_compensatory_day_moves_the_due_date(draft_factory, users):
    CalendarOverride.objects.create(date=D(2026, 2, 14), is_working_day=True, reason="Làm bù")
    n = draft_factory()
    with time_machine.travel(dt.datetime(2026, 2, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        actions.submit_nomination(actor=users["unit_head"], nomination=n)
    assert local_day(open_stage(n).due_at) == D(2026, 3, 16)


def test_the_limit_is_configurable_per_level_step_and_award(draft_factory, users, settings):
    from roles.models import Level
    from workflows.models import Step

    settings.DEADLINE_WORKING_DAYS = {(Level.COMMUNE, Step.APPRAISE, "GK_XA"): 5, (Level.COMMUNE, Step.APPRAISE): 10}
    gk_xa, bk_tinh = draft_factory(award="GK_XA"), draft_factory(award="BK_TINH", name="Nguyễn Văn B")
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):  # a Monday
        for n in (gk_xa, bk_tinh):
            actions.submit_nomination(actor=users["unit_head"], nomination=n)
    assert local_day(open_stage(gk_xa).due_at) == D(2026, 3, 9)  # 5 working days
    assert local_day(open_stage(bk_tinh).due_at) == D(2026, 3, 16)  # 10 working days


def test_return_stops_the_clock_and_resubmission_starts_a_new_one(draft_factory, users):
    n = draft_factory()
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        actions.submit_nomination(actor=users["unit_head"], nomination=n)
    first = open_stage(n)
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=dt.UTC), tick=False):
        actions.return_nomination(actor=users["commune_staff"], nomination=n, stage=first, reason="Bổ sung.")
    first.refresh_from_db()
    assert first.closed_at is not None and open_stage(n) is None  # no open stage: the clock is stopped
    with time_machine.travel(dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        actions.resubmit_nomination(actor=users["unit_head"], nomination=n)
    second = open_stage(n)
    assert second.pk != first.pk
    # 1 Apr + 20 working days, skipping Hùng Kings (27 Apr observed) and 30 Apr / 1 May: due 4 May.
    assert local_day(second.due_at) == D(2026, 5, 4)
    assert local_day(second.due_at) > local_day(first.due_at)
    assert Stage.objects.filter(nomination=n).count() == 2


def test_inbox_rows_get_days_left_with_one_extra_query(draft_factory, users, django_assert_num_queries):
    from deadlines.policy import with_days_left
    from workflows.selectors import inbox

    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        for name in ("Nguyễn Văn Một", "Trần Thị Hai"):
            actions.submit_nomination(actor=users["unit_head"], nomination=draft_factory(name=name))
    rows = list(inbox(users["commune_staff"]))
    with django_assert_num_queries(1):
        rows = with_days_left(rows, D(2026, 3, 27))
    assert [r.days_left for r in rows] == [1, 1]
