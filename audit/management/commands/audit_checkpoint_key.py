"""manage.py audit_checkpoint_key PRIVATE_FILE [--public FILE]: a new Ed25519 key for signing checkpoints."""

from django.core.management.base import BaseCommand, CommandError

from audit.checkpoints import write_key_pair


class Command(BaseCommand):
    help = (
        "Make a new Ed25519 key pair for the audit checkpoints: the private key (mode 0600, for AUDIT_CHECKPOINT_KEY) "
        "and its public key (for the inspectors and the standalone verifier). Existing files are never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("private", help="the private key's PEM file to write")
        parser.add_argument("--public", help="the public key's PEM file (default: the private file's name + .pub)")

    def handle(self, *args, private, public, **options):
        public = public or f"{private}.pub"
        try:
            key = write_key_pair(private, public)
        except OSError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Key {key}: private key in {private}, public key in {public}")
