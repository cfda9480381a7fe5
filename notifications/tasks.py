"""Background tasks (django-tasks; the backend is settings.TASKS, docs/deploy.md) and the two rules every task of
ours follows: it is enqueued so that it exists exactly when the change that caused it commits, and a run that
raises is enqueued again later, up to TASK_MAX_ATTEMPTS, while its failure stays recorded. Task bodies are
idempotent, so a second run of the same work changes and sends nothing."""

import functools
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend

from .models import Notification


def enqueue_on_commit(a_task, *args, **kwargs) -> None:
    """The database backend writes the task's row in the caller's transaction: it commits or rolls back with the
    change, so a committed change never loses its task (an outbox). Other backends enqueue after the commit (the
    immediate one would otherwise run the task before the change is visible, or for a change rolled back)."""
    if isinstance(a_task.get_backend(), DatabaseBackend):
        a_task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: a_task.enqueue(*args, **kwargs))


def retried(function):
    """A task whose run, when it raises, is enqueued again after 1, 2, 4, … minutes (TASK_RETRY_SECONDS doubling)
    until TASK_MAX_ATTEMPTS runs; the raising run is still recorded as failed. Backends that cannot defer (the
    immediate one) record the failure only. Keyword `attempt` counts the runs."""

    def run(context, *args, attempt: int = 1, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception:
            this = context.task_result.task
            if attempt < settings.TASK_MAX_ATTEMPTS and this.get_backend().supports_defer:
                delay = timedelta(seconds=settings.TASK_RETRY_SECONDS * 2 ** (attempt - 1))
                this.using(run_after=timezone.now() + delay).enqueue(*args, attempt=attempt + 1, **kwargs)
            raise

    functools.update_wrapper(run, function)  # its name and module: the worker imports the task by them
    del run.__wrapped__  # django-tasks reads the signature, which must start with `context`
    return task(takes_context=True)(run)


@retried
def send_notice_emails(notification_ids: list[int]) -> int:
    """E-mail each listed notification that has not been e-mailed yet; returns how many went out. Each is sent
    under its row's lock and marked in the same transaction, so concurrent or repeated runs send it once; a send
    that raises leaves it (and those after it) for the retry. The one window left: the mail server accepted the
    message and the mark did not commit; then the retry sends it again, with the same Message-ID."""
    sent = 0
    for pk in notification_ids:
        with transaction.atomic():
            notice = (Notification.objects.select_for_update(of=("self",)).select_related("user")
                      .filter(pk=pk, emailed_at__isnull=True).first())
            if notice is None or not notice.user.email or not notice.user.is_active:
                continue
            EmailMessage(notice.title, notice.body, settings.DEFAULT_FROM_EMAIL, [notice.user.email],
                         headers={"Message-ID": f"<notice-{pk}@{_mail_domain()}>"}).send()
            Notification.objects.filter(pk=pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def _mail_domain() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
