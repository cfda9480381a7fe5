"""`manage.py enqueue workflows.tasks.send_reminders_task`: put one run of a task in the queue (a systemd timer or
cron calls it; the worker runs it). Only tasks defined in an app's tasks.py are accepted."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string
from django_tasks.base import Task


class Command(BaseCommand):
    help = "Enqueue one run of a background task named by its dotted path (APP.tasks.NAME)."

    def add_arguments(self, parser):
        parser.add_argument("task", help="dotted path of a task, e.g. workflows.tasks.send_reminders_task")

    def handle(self, *, task: str, **options):
        if not task.rpartition(".")[0].endswith("tasks"):
            raise CommandError(f"{task}: name a task of an app's tasks module (APP.tasks.NAME).")
        try:
            found = import_string(task)
        except ImportError as error:
            raise CommandError(f"{task}: {error}") from error
        if not isinstance(found, Task):
            raise CommandError(f"{task} is not a task.")
        result = found.enqueue()
        self.stdout.write(f"{task}: {result.status} {result.id}")
