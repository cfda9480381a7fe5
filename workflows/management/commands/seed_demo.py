"""`manage.py seed_demo`: the demo world (see `workflows.demo`). Idempotent."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from nominations.models import Nomination
from roles.country import load_country
from workflows import demo
from workflows.catalog import load_reference_data


class Command(BaseCommand):
    help = "Create the demo world (units, users, roles, catalog, nominations in every state). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even when DEBUG is off")
        parser.add_argument("--country", action="store_true",
                            help="then load the whole country around the demo's units (roles.country, ~3 s)")

    def handle(self, *args, force=False, country=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo refuses to run with DEBUG off (it creates known passwords); use --force.")
        password = demo.demo_password()
        with transaction.atomic():
            self.stdout.write("Loading the catalog and the routing profiles…")
            load_reference_data()
            units = demo.build_units()
            self.stdout.write(f"  units: {len(units)}")
            if country:
                load_country(say=self.stdout.write)
            users = demo.build_people(password, units)
            self.stdout.write(f"  accounts: {len(users)}")
            if Nomination.objects.filter(created_by__username__in=[p[0] for p in demo.PEOPLE]).exists():
                self.stdout.write("  nominations: already there")
            else:
                demo.build_nominations(users, units)
                for build in demo.EXTRA_BUILDERS:
                    build(users, units)
                self.stdout.write(f"  nominations: {Nomination.objects.count()} in every state")
            demo.build_council_rules()  # after the nominations, which the demo walks past the province without one
        shown = "(from DEMO_PASSWORD)" if os.environ.get("DEMO_PASSWORD") else password
        self.stdout.write(self.style.SUCCESS(f"Demo ready. Accounts: admin, {', '.join(p[0] for p in demo.PEOPLE)}; "
                                             f"password: {shown}"))
