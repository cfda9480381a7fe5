"""manage.py audit_verify [--expect-head SEQ:HASH] [--workers N]: recompute the audit log's hash chain.

The full check from the genesis (audit.verification.verify_full): it also records the verified point the on-demand
checks start from, and a break it finds, for them to report. The log must hold the newest signed checkpoint's head."""

import os

from django.core.management.base import BaseCommand, CommandError

from audit import checkpoints
from audit.chain import head_seq
from audit.verification import verify_full
from audit.verify_export import parse_head


class Command(BaseCommand):
    help = (
        "Recompute every hash and link of the audit log, and require it to hold the newest signed checkpoint's head "
        "(a rewritten or truncated log). Prints the head (seq and hash); --expect-head checks one kept by hand too."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--expect-head",
            metavar="SEQ:HASH",
            type=parse_head,
            help="a head printed earlier by this command",
        )
        parser.add_argument(
            "--workers", type=int, default=os.cpu_count() or 1, help="processes to use (default: one per CPU)"
        )

    def handle(self, *args, expect_head, workers, **options):
        total = head_seq()

        def progress(checked: int) -> None:
            self.stderr.write(f"... {checked} of about {total} events checked ({100 * checked // total}%)")

        try:
            checkpoint = checkpoints.latest()
        except checkpoints.CheckpointError as error:
            raise CommandError(f"cannot check against the checkpoints: {error}", returncode=2) from error
        result = verify_full(expect_head, progress=progress, workers=workers, checkpoint=checkpoint)
        if not result.ok:
            raise CommandError(result.summary(), returncode=1)
        self.stdout.write(result.summary())
        if checkpoint is None:
            self.stdout.write("No signed checkpoint yet: a deleted tail would not be seen (manage.py audit_checkpoint).")
        else:
            self.stdout.write(f"The {checkpoint.describe()} holds.")
        if expect_head:
            self.stdout.write(f"The expected head seq {expect_head[0]} is intact.")
