"""Background tasks (django-tasks). The demo and tests use the immediate backend; in production point TASKS at a
database backend on PostgreSQL and run its worker, enqueueing send_reminders_task every few minutes (or run the
`send_reminders` management command from cron)."""

from django_tasks import task

from . import reminders


@task()
def send_reminders_task() -> dict:
    return reminders.run()
