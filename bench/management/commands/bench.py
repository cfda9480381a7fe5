"""`manage.py bench`: build a national data set in the bench's own database, measure, report (see bench/)."""

import warnings
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from bench import report
from bench.run import Refused, default_output, prepare_database, run


class Command(BaseCommand):
    help = ("Benchmark the engine on a national data set: approvals/s, SQL statements per action, the floor, "
            "inbox and list latency, audit verification and export. SQLite: var/bench/bench.sqlite3; "
            "PostgreSQL: DATABASE_URL's database, which is emptied (its name must contain 'bench', or --yes).")

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=100_000, help="nominations (about 10 audit events each)")
        parser.add_argument("--approvals", type=int, default=500, help="approvals per approval measurement")
        parser.add_argument("--rounds", type=int, default=5,
                            help="rounds the single-process approvals and the floor take turns in (median reported)")
        parser.add_argument("--repeat", type=int, default=30, help="requests per latency measurement")
        parser.add_argument("--processes", type=int, default=4, help="worker processes (PostgreSQL)")
        parser.add_argument("--import-rows", type=int, default=2000,
                            help="rows of the tờ trình's Excel import (at most --scale)")
        parser.add_argument("--bulk", type=int, default=500, help="items of the tờ trình's bulk approval")
        parser.add_argument("--output", type=Path, help="JSON file (default var/bench/bench-<db>-<scale>.json)")
        parser.add_argument("--sqlite-path", type=Path, help="the SQLite file (default var/bench/bench.sqlite3)")
        parser.add_argument("--yes", action="store_true", help="empty a PostgreSQL database not named *bench*")
        parser.add_argument("--in-place", action="store_true",
                            help="use the current, migrated database as it is (the smoke test's)")

    def handle(self, *args, **options):
        if options["scale"] < 50:
            raise CommandError("--scale must be at least 50.")
        if options["rounds"] < 1:
            raise CommandError("--rounds must be at least 1.")
        say = self.stdout.write
        try:
            prepare_database(sqlite_path=options["sqlite_path"], in_place=options["in_place"], yes=options["yes"],
                             say=say)
        except Refused as error:
            raise CommandError(str(error)) from error
        with override_settings(DEBUG=False), warnings.catch_warnings():  # as production runs: no query log
            # WhiteNoise warns that a checkout has no collected static root; the bench requests no static file.
            warnings.filterwarnings("ignore", "No directory at", UserWarning)
            result = run(scale=options["scale"], approvals=options["approvals"], rounds=options["rounds"],
                         repeat=options["repeat"], processes=options["processes"], say=say,
                         import_rows=options["import_rows"], bulk=options["bulk"])
        output = options["output"] or default_output(connection.vendor, options["scale"])
        report.write(result, output)
        say(report.table(result))
        say(f"\nJSON: {output}")
