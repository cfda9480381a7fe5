"""manage.py audit_checkpoint [--force]: sign and keep a checkpoint of the audit chain's head when one is due.

Run it often (a systemd timer or cron, every few minutes): it signs one when the newest is older than
AUDIT_CHECKPOINT_INTERVAL_MINUTES and the log has grown (audit.checkpoints.take)."""

from django.core.management.base import BaseCommand, CommandError

from audit import checkpoints


class Command(BaseCommand):
    help = "Sign the audit chain's head (Ed25519) and keep it outside the database when a checkpoint is due."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="sign one now, due or not (before a backup, say)")

    def handle(self, *args, force, **options):
        try:
            checkpoint = checkpoints.take(force=force)
        except checkpoints.CheckpointError as error:
            raise CommandError(str(error), returncode=1) from error
        if checkpoint is None:
            self.stdout.write("No checkpoint due (the newest is recent, or the log has not grown).")
        else:
            self.stdout.write(f"Signed {checkpoint.describe()}: hash {checkpoint.head_hash}")
