"""Due dates of stages, in working days (defaults from DOMAIN.md §8). Override with settings.DEADLINE_WORKING_DAYS,
a dict whose keys are, most specific first, (level, step, award code), (level, step) or step. Kept free of
workflows imports: callers pass level, step and award code."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from roles.models import Level

from .calendar import WorkingCalendar

DEFAULT_DAYS = 20  # appraisal → decision or forward, at every level (§8)

RETURN_INELIGIBLE = "return_ineligible"
# Clocks a stage carries besides its own due date, each with its own reminder and escalation: (level, step) → {clock
# name: working days from the stage's opening}. Override with settings.DEADLINE_EXTRA_CLOCKS (same shape).
DEFAULT_EXTRA_CLOCKS = {
    (Level.CENTRAL_BOARD, "appraise"): {RETURN_INELIGIBLE: 5},  # §8: return an ineligible dossier within 5 days
}


def working_days_for(level: int, step: str, award: str = "") -> int:
    table = getattr(settings, "DEADLINE_WORKING_DAYS", {})
    for key in ((level, step, award), (level, step), step):
        if key in table:
            return table[key]
    return DEFAULT_DAYS


def due_at(opened_at: dt.datetime, level: int, step: str, award: str = "",
           calendar: WorkingCalendar | None = None) -> dt.datetime:
    """End of the last working day (local time) of a stage opened at `opened_at`."""
    return due_after(opened_at, working_days_for(level, step, award), calendar)


def due_after(opened_at: dt.datetime, days: int, calendar: WorkingCalendar | None = None) -> dt.datetime:
    """End of the `days`-th working day (local time) after `opened_at`."""
    calendar = calendar or WorkingCalendar()
    day = calendar.add_working_days(timezone.localdate(opened_at), days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def extra_clocks(level: int, step: str) -> dict[str, int]:
    """The stage's other clocks ({name: working days}), each ending when the stage closes."""
    return getattr(settings, "DEADLINE_EXTRA_CLOCKS", DEFAULT_EXTRA_CLOCKS).get((level, step), {})


def days_left(due: dt.datetime | None, today: dt.date, calendar: WorkingCalendar) -> int | None:
    """Working days left until `due` (0 on the due day, negative = overdue by that many working days)."""
    if due is None:
        return None
    return calendar.working_days_between(today, timezone.localdate(due))


def with_days_left(stages, today: dt.date | None = None):
    """Set `.days_left` (int or None) on each stage of an evaluated list/queryset using one calendar (one query in
    all, not one per row). For pages/API: `stages = with_days_left(selectors.inbox(user))`."""
    stages = list(stages)
    today = today or timezone.localdate()
    calendar = WorkingCalendar()
    for stage in stages:
        stage.days_left = days_left(stage.due_at, today, calendar)
    return stages
