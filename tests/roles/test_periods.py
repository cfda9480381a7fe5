"""roles/periods.py: validity periods read as valid_on_q reads them (both ends inclusive, an empty end open)."""

import datetime

from roles.periods import FIRST, LAST, Period, gaps, in_force, overlaps, runs

D = datetime.date


def test_touching_periods_neither_overlap_nor_leave_a_gap():
    periods = [Period(None, D(2025, 6, 30), "a"), Period(D(2025, 7, 1), None, "b")]

    assert overlaps(periods) == [] and gaps(periods) == []


def test_a_shared_day_is_an_overlap_and_a_missing_day_a_gap():
    shared = [Period(None, D(2025, 7, 1), "a"), Period(D(2025, 7, 1), None, "b")]
    missing = [Period(None, D(2025, 6, 29), "a"), Period(D(2025, 7, 1), None, "b")]

    assert [(a.item, b.item, first, last) for a, b, first, last in overlaps(shared)] == [
        ("a", "b", D(2025, 7, 1), D(2025, 7, 1))]
    assert [(first, last) for first, last, *_ in gaps(missing)] == [(D(2025, 6, 30), D(2025, 6, 30))]


def test_a_period_ending_before_it_starts_counts_for_nothing():
    inverted = Period(D(2026, 1, 1), D(2025, 1, 1), "x")

    assert inverted.empty and overlaps([inverted, Period(None, None)]) == [] and in_force([inverted], D(2025, 6, 1)) is None


def test_in_force_picks_the_latest_start_like_profile_for():
    periods = [Period(None, None, "open"), Period(D(2025, 7, 1), None, "later")]

    assert in_force(periods, D(2025, 6, 30)).item == "open"
    assert in_force(periods, D(2025, 7, 1)).item == "later"


def test_runs_split_the_calendar_where_something_changes():
    assert runs([Period(None, D(2025, 6, 30)), Period(D(2025, 7, 1), D(2025, 12, 31))]) == [
        (FIRST, D(2025, 6, 30)), (D(2025, 7, 1), D(2025, 12, 31)), (D(2026, 1, 1), LAST)]
