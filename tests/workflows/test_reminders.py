import datetime as dt
import threading

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection

from audit.models import Event
from deadlines.models import StageAlert
from notifications.models import Kind, Notification
from workflows import actions, reminders
from workflows.selectors import open_stage


def submit_on(draft_factory, users, when):
    n = draft_factory(name="Phan Văn Hạn")
    with time_machine.travel(when, tick=False):
        actions.submit_nomination(actor=users["unit_head"], nomination=n)
    return n


@pytest.mark.django_db
def test_reminder_before_due_then_escalation_after_each_once(draft_factory, users, django_capture_on_commit_callbacks):
    for u in users.values():
        u.email = f"{u.username}@example.vn"
        u.save(update_fields=["email"])
    n = submit_on(draft_factory, users, dt.datetime(2026, 2, 10, 9, 0, tzinfo=dt.UTC))  # due 17 Mar 2026
    assert reminders.run(dt.date(2026, 3, 9)) == {"reminder": 0, "escalation": 0}
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.run(dt.date(2026, 3, 12)) == {"reminder": 1, "escalation": 0}
        assert reminders.run(dt.date(2026, 3, 12)) == {"reminder": 0, "escalation": 0}
        assert reminders.run(dt.date(2026, 3, 18)) == {"reminder": 0, "escalation": 1}
        assert reminders.run(dt.date(2026, 3, 19)) == {"reminder": 0, "escalation": 0}
    events = Event.objects.filter(action__in=["nomination.reminder", "nomination.escalation"])
    assert sorted(events.values_list("action", flat=True)) == ["nomination.escalation", "nomination.reminder"]
    reminder = Notification.objects.filter(kind=Kind.REMINDER)
    assert reminder.exists() and all("Nhắc hạn" in x.title for x in reminder)
    assert any("quá hạn" in m.body for m in mail.outbox)
    assert Notification.objects.filter(kind=Kind.ESCALATION).exists()
    assert open_stage(n) is not None


@pytest.mark.django_db
def test_management_command_runs(draft_factory, users, capsys):
    submit_on(draft_factory, users, dt.datetime(2026, 2, 10, 9, 0, tzinfo=dt.UTC))
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC), tick=False):
        call_command("send_reminders")
    assert "escalation=1" in capsys.readouterr().out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_once(draft_factory, users):
    submit_on(draft_factory, users, dt.datetime(2026, 2, 10, 9, 0, tzinfo=dt.UTC))
    barrier = threading.Barrier(2)
    results, errors = [], []

    def job():
        try:
            barrier.wait()
            results.append(reminders.run(dt.date(2026, 3, 18)))
        except Exception as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=job) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(r["escalation"] for r in results) == 1
    assert StageAlert.objects.filter(kind=StageAlert.ESCALATION).count() == 1
    assert Event.objects.filter(action="nomination.escalation").count() == 1


@pytest.mark.django_db
def test_the_task_runs_the_job_through_the_immediate_backend(draft_factory, users):
    from workflows.tasks import send_reminders_task

    submit_on(draft_factory, users, dt.datetime(2026, 2, 10, 9, 0, tzinfo=dt.UTC))
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC), tick=False):
        result = send_reminders_task.enqueue()
    assert result.return_value == {"reminder": 0, "escalation": 1}
