"""The date of an award's decision lies between the nomination's first submission and today: it is what the
decider types, so the action checks it (issue 22: 1900-01-01 and 0001-01-01 were taken)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from nominations.models import Nomination, Status
from workflows import actions, demo
from workflows.selectors import open_stage

D = datetime.date


@pytest.fixture
def at_the_deciding_step(draft_factory, users):
    """A GK_XA at the commune's DECIDE step (the commune decides it), first submitted three days ago."""
    n = draft_factory(award="GK_XA", name="Lương Thị Ngày")
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    Nomination.objects.filter(pk=n.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=3))
    demo.approve_in_turn(users, n, "commune_staff")
    return n


def award(users, n, day):
    return actions.approve_nomination(actor=users["commune_chair"], nomination=n, stage=open_stage(n),
                                      decision_date=day)


@pytest.mark.parametrize("day", [
    D(1900, 1, 1), D(1, 1, 1), "tomorrow", "before the first submission", D(9999, 12, 31),
])
def test_a_decision_date_outside_the_review_is_refused(at_the_deciding_step, users, day):
    today = timezone.localdate()
    day = {"tomorrow": today + datetime.timedelta(days=1),
           "before the first submission": today - datetime.timedelta(days=4)}.get(day, day)
    with pytest.raises(ValidationError) as refused:
        award(users, at_the_deciding_step, day)
    [message] = refused.value.message_dict["decision_date"]
    assert "ngày trình hồ sơ lần đầu" in message and f"{today:%d/%m/%Y}" in message
    at_the_deciding_step.refresh_from_db()
    assert at_the_deciding_step.status == Status.IN_REVIEW and at_the_deciding_step.decision_date is None


@pytest.mark.parametrize("days_ago", [3, 0])
def test_a_decision_dated_from_the_first_submission_to_today_awards(at_the_deciding_step, users, days_ago):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    n = award(users, at_the_deciding_step, day)
    assert n.status == Status.AWARDED and Nomination.objects.get(pk=n.pk).decision_date == day


def test_without_a_date_the_decision_is_dated_today(at_the_deciding_step, users):
    n = award(users, at_the_deciding_step, None)
    assert Nomination.objects.get(pk=n.pk).decision_date == timezone.localdate()
