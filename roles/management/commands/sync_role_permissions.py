from django.core.management.base import BaseCommand

from roles.permissions import sync_all_permissions


class Command(BaseCommand):
    help = "Mirror the role assignments valid today into object permissions (run daily; idempotent)."

    def handle(self, *args, **options):
        added, removed = sync_all_permissions()
        self.stdout.write(self.style.SUCCESS(f"Permissions in sync: {added} granted, {removed} withdrawn."))
