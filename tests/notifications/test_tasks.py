"""Notice e-mail as a background task: enqueued in the action's transaction (database backend), run by the real
django-tasks-db worker, retried after a failure, never sent twice (a re-run, a retry, two runs at once)."""

import datetime as dt
import signal
import threading
import time

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notifications.models import Notification
from notifications.tasks import send_notice_emails
from workflows import actions
from workflows.selectors import open_stage

pytestmark = pytest.mark.django_db(transaction=True)  # the worker runs its own transactions, as in production


class FailingFirstBackend(EmailBackend):
    """The locmem backend, refusing the first FAILURES messages as a mail server that is down would."""

    failures = 0

    def send_messages(self, messages):
        if FailingFirstBackend.failures:
            FailingFirstBackend.failures -= 1
            raise ConnectionRefusedError("mail server down")
        return super().send_messages(messages)


class SlowBackend(EmailBackend):
    def send_messages(self, messages):
        time.sleep(0.3)  # long enough for a concurrent run to reach the row's lock
        return super().send_messages(messages)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASK_RETRY_SECONDS = 60


@pytest.fixture
def run_worker():
    """`manage.py db_worker --batch`: runs every task that is due, then returns (the worker's signal handlers are
    put back afterwards)."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}

    def run():
        call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0)

    yield run
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


@pytest.fixture
def returned(draft_factory, users):
    """A nomination the commune returns to its proposer, who has an e-mail address: the return's notice is mailed."""
    users["unit_head"].email = "hieutruong@example.vn"
    users["unit_head"].save(update_fields=["email"])
    n = draft_factory(name="Lê Thị Thông")
    actions.submit_nomination(actor=users["unit_head"], nomination=n)

    def act():
        actions.return_nomination(actor=users["commune_staff"], nomination=n, stage=open_stage(n),
                                  reason="Thiếu bản tóm tắt thành tích.")
        return Notification.objects.get(user=users["unit_head"])

    return act


def test_the_email_task_commits_with_the_action_and_the_worker_sends_it_once(database_tasks, run_worker, returned):
    DBTaskResult.objects.all().delete()  # the submission's notices (reviewers without an address enqueue none)
    notice = returned()
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "notifications.tasks.send_notice_emails" and queued.status == "READY"
    assert queued.args_kwargs == {"args": [[notice.pk]], "kwargs": {}}
    assert mail.outbox == []  # the request only wrote the row: the worker sends

    run_worker()
    queued.refresh_from_db()
    notice.refresh_from_db()
    assert queued.status == "SUCCESSFUL" and queued.return_value == 1 and queued.worker_ids
    assert notice.emailed_at is not None
    assert [m.to for m in mail.outbox] == [["hieutruong@example.vn"]]
    assert "bị trả lại" in mail.outbox[0].subject
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<notice-{notice.pk}@localhost>"

    again = send_notice_emails.enqueue([notice.pk])  # the same work enqueued a second time: a re-run
    run_worker()
    assert DBTaskResult.objects.get(pk=again.id).return_value == 0
    assert len(mail.outbox) == 1


def test_an_action_rolled_back_leaves_no_task(database_tasks, returned):
    DBTaskResult.objects.all().delete()
    with pytest.raises(RuntimeError), transaction.atomic():
        returned()
        assert DBTaskResult.objects.count() == 1
        raise RuntimeError("after the action, in its transaction")
    assert DBTaskResult.objects.count() == 0 and Notification.objects.filter(kind="returned").count() == 0


def test_a_failed_send_is_retried_later_and_sent_once(database_tasks, run_worker, returned, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_tasks.FailingFirstBackend"
    FailingFirstBackend.failures = 1
    DBTaskResult.objects.all().delete()
    notice = returned()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        run_worker()
    failed = DBTaskResult.objects.get(status="FAILED")
    assert failed.exception_class_path == "builtins.ConnectionRefusedError"
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs == {"args": [[notice.pk]], "kwargs": {"attempt": 2}}
    assert retry.run_after == start + dt.timedelta(seconds=60)
    assert mail.outbox == [] and Notification.objects.get(pk=notice.pk).emailed_at is None

    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        run_worker()  # not due yet
    assert DBTaskResult.objects.get(pk=retry.pk).status == "READY"
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        run_worker()
    assert DBTaskResult.objects.get(pk=retry.pk).status == "SUCCESSFUL"
    assert len(mail.outbox) == 1 and Notification.objects.get(pk=notice.pk).emailed_at is not None


def test_retries_stop_after_the_last_attempt_and_leave_the_notice_unsent(database_tasks, run_worker, returned,
                                                                          settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_tasks.FailingFirstBackend"
    settings.TASK_MAX_ATTEMPTS = 3
    FailingFirstBackend.failures = 10
    DBTaskResult.objects.all().delete()
    notice = returned()
    start = timezone.now()
    for minutes in (0, 2, 5, 10):  # retries after 1 and 2 minutes, then none
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            run_worker()
    assert DBTaskResult.objects.filter(status="FAILED").count() == 3
    assert not DBTaskResult.objects.exclude(status="FAILED").exists()
    assert mail.outbox == [] and Notification.objects.get(pk=notice.pk).emailed_at is None


def test_with_the_immediate_backend_a_rerun_sends_nothing_more(returned, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = returned()
    assert len(mail.outbox) == 1
    assert send_notice_emails.enqueue([notice.pk]).return_value == 0
    assert len(mail.outbox) == 1


@pytest.mark.postgres
def test_two_runs_at_once_send_once(returned, settings):
    """Two workers given the same notice (a duplicate enqueue): the row lock makes the second wait and skip it."""
    settings.EMAIL_BACKEND = "tests.notifications.test_tasks.SlowBackend"
    notice = Notification.objects.create(user=returned().user, kind="returned", title="Hồ sơ", body="Nội dung")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def job():
        try:
            barrier.wait()
            results.append(send_notice_emails.enqueue([notice.pk]).return_value)
        except Exception as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == [0, 1]
    assert [m.subject for m in mail.outbox].count("Hồ sơ") == 1
