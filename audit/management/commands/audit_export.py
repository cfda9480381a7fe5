"""manage.py audit_export: the audit log as JSON Lines (check it with `python -m audit.verify_export`)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from audit.export import export_lines


def _date(text: str):
    day = parse_date(text)
    if day is None:
        raise ValueError(f"expected a date YYYY-MM-DD, got {text!r}")
    return day


class Command(BaseCommand):
    help = "Write the audit log as JSON Lines, one event per line with its prev_hash and hash, in seq order."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")
        parser.add_argument(
            "--org-path", metavar="PREFIX", help='only events of this subtree, e.g. "/CP/LAOCAI/"'
        )
        parser.add_argument("--since", metavar="DATE", type=_date, help="only events on or after this day")
        parser.add_argument("--until", metavar="DATE", type=_date, help="only events on or before this day")

    def handle(self, *args, output, org_path, since, until, **options):
        if since and until and since > until:
            raise CommandError("--since is after --until.")
        lines = export_lines(org_path=org_path, since=since, until=until)
        if output is None:
            for line in lines:
                self.stdout.write(line)
            return
        count = 0
        with open(output, "w", encoding="utf-8", newline="\n") as file:
            for line in lines:
                file.write(line + "\n")
                count += 1
        self.stderr.write(f"{count} events written to {output}")
        if org_path or since or until:
            self.stderr.write("Filtered export: verify it with --allow-gaps.")
