"""Background tasks of the engine (django-tasks; backends and worker: settings.TASKS, docs/deploy.md).

A timer enqueues send_reminders_task every few minutes (`manage.py enqueue workflows.tasks.send_reminders_task`,
deploy/thidua-reminders.timer), or cron runs `manage.py send_reminders`. A run that raises is run again later
(notifications.tasks.retried); reminders.run is idempotent, so a second run sends nothing sent already."""

from notifications.tasks import retried

from . import reminders


@retried
def send_reminders_task() -> dict:
    return reminders.run()
