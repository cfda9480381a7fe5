from django.core.management.base import BaseCommand

from workflows.catalog import load_reference_data


class Command(BaseCommand):
    help = "Load the award catalog, the 1315 movement with its criteria and rounds, and the routing profiles."

    def handle(self, *args, **options):
        load_reference_data()
        self.stdout.write(self.style.SUCCESS("Reference data loaded."))
