"""Signed checkpoints of the audit chain, kept outside the database (docs/audit.md, "Checkpoints").

A checkpoint is the chain's head (seq and hash) at a moment, signed with an Ed25519 key that the database never
holds, and written where the database's owner cannot reach: a directory (AUDIT_CHECKPOINT_DIR) or a storage of
settings.STORAGES (AUDIT_CHECKPOINT_STORAGE), and mailed to AUDIT_CHECKPOINT_MAIL_TO. Every full and on-demand
check then requires the log to hold the newest checkpoint's head, so a deleted tail or a rewritten history is
reported without anyone typing a head. The format is audit.verify_export's (the standalone verifier reads it).
"""

import base64
import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import chain
from audit.verify_export import (
    CHECKPOINT_VERSION,
    Unverifiable,
    checkpoint_bytes,
    format_timestamp,
    key_id,
    load_public_key,
    parse_checkpoint,
)

# Inside a shared storage (AUDIT_CHECKPOINT_STORAGE), the checkpoints' folder.
STORAGE_FOLDER = "audit-checkpoints"


class CheckpointError(Exception):
    """No checkpoint can be signed or checked: no key, a file that fails its signature, a log that does not hold."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    head_hash: str
    at: str  # RFC 3339 UTC, as signed
    key_id: str
    name: str  # where it is kept, inside its storage

    def describe(self) -> str:
        return f"checkpoint seq {self.seq} of {self.at} (key {self.key_id[:16]}, {self.name})"


def _store() -> tuple:
    """(storage, folder): the configured storage's STORAGE_FOLDER, or the directory AUDIT_CHECKPOINT_DIR."""
    if settings.AUDIT_CHECKPOINT_STORAGE:
        return storages[settings.AUDIT_CHECKPOINT_STORAGE], STORAGE_FOLDER
    return FileSystemStorage(location=settings.AUDIT_CHECKPOINT_DIR), ""


def _file_name(seq: int, at: str) -> str:
    """checkpoint-<seq, 12 digits>-<time>.json: names sort as the checkpoints do, by seq and then time."""
    return f"checkpoint-{seq:012d}-{at.replace('-', '').replace(':', '').replace('.', '')}.json"


def signing_key() -> Ed25519PrivateKey:
    """The private key of AUDIT_CHECKPOINT_KEY (a PEM file readable by the application only)."""
    path = settings.AUDIT_CHECKPOINT_KEY
    if not path:
        raise CheckpointError("AUDIT_CHECKPOINT_KEY is not set: make a key with `manage.py audit_checkpoint_key FILE`.")
    try:
        with open(path, "rb") as file:
            key = serialization.load_pem_private_key(file.read(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise CheckpointError(f"AUDIT_CHECKPOINT_KEY {path}: {error}") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"AUDIT_CHECKPOINT_KEY {path}: not an Ed25519 private key")
    return key


def public_keys() -> dict:
    """key_id -> public key: those of AUDIT_CHECKPOINT_PUBLIC_KEYS (earlier keys, kept after a rotation), and the
    signing key's own when one is set."""
    keys = {}
    for path in settings.AUDIT_CHECKPOINT_PUBLIC_KEYS:
        try:
            with open(path, "rb") as file:
                key = load_public_key(file.read(), path)
        except (OSError, Unverifiable) as error:
            raise CheckpointError(f"AUDIT_CHECKPOINT_PUBLIC_KEYS: {error}") from error
        keys[key_id(key)] = key
    if settings.AUDIT_CHECKPOINT_KEY:
        key = signing_key().public_key()
        keys[key_id(key)] = key
    return keys


def latest() -> Checkpoint | None:
    """The newest checkpoint (highest seq, then latest time), its signature checked; None when there is none.

    CheckpointError when the newest file fails its check: someone wrote to the store, or its key is not among the
    public keys. The older files are not looked at: the newest one is the strongest claim, and it must hold."""
    storage, folder = _store()
    try:
        _folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return None
    names = sorted(name for name in files if name.startswith("checkpoint-") and name.endswith(".json"))
    if not names:
        return None
    name = f"{folder}/{names[-1]}" if folder else names[-1]
    with storage.open(name, "rb") as file:
        data = file.read()
    keys = public_keys()
    if not keys:
        raise CheckpointError(f"{name}: no public key to check it with (AUDIT_CHECKPOINT_PUBLIC_KEYS)")
    try:
        fields = parse_checkpoint(data, keys, name)
    except Unverifiable as error:
        raise CheckpointError(str(error)) from error
    return Checkpoint(fields["seq"], fields["head_hash"], fields["at"], fields["key_id"], name)


def take(*, force: bool = False) -> Checkpoint | None:
    """Sign and keep a checkpoint of the head when one is due: the newest is older than AUDIT_CHECKPOINT_INTERVAL
    and the log has grown since (force: now, whenever the log is not empty). None when none was due.

    The events since the previous checkpoint are checked first (all of them for the first one), and the head
    signed is the last event found intact: a checkpoint never vouches for a broken log (CheckpointError)."""
    key = signing_key()
    previous = latest()
    now = timezone.now()
    if previous and not force:
        signed_at = datetime.fromisoformat(previous.at)
        if now - signed_at < timedelta(minutes=settings.AUDIT_CHECKPOINT_INTERVAL) or chain.head_seq() == previous.seq:
            return None
    if previous:
        signed = f"signed in the checkpoint of {previous.at}"
        base = chain.VerifyResult(True, 0, previous.seq, previous.head_hash)
        result = chain.head_problem(previous.seq, previous.head_hash, base, signed, signed) or chain.verify_after(
            (previous.seq, previous.head_hash))
    else:
        result = chain.verify_chain()
    if not result.ok:
        raise CheckpointError(f"no checkpoint signed: {result.summary()}")
    if result.head_seq == 0:
        return None
    public = key.public_key()
    fields = {"v": CHECKPOINT_VERSION, "seq": result.head_seq, "head_hash": result.head_hash,
              "at": format_timestamp(now), "key_id": key_id(public)}
    fields["signature"] = base64.b64encode(key.sign(checkpoint_bytes(fields))).decode("ascii")
    data = (json.dumps(fields, indent=2, sort_keys=True) + "\n").encode("utf-8")  # a person may read it
    storage, folder = _store()
    name = _file_name(fields["seq"], fields["at"])
    name = storage.save(f"{folder}/{name}" if folder else name, ContentFile(data))
    checkpoint = Checkpoint(fields["seq"], fields["head_hash"], fields["at"], fields["key_id"], name)
    if settings.AUDIT_CHECKPOINT_MAIL_TO:
        _mail(checkpoint, data)
    return checkpoint


def _mail(checkpoint: Checkpoint, data: bytes) -> None:
    subject = _("Điểm kiểm tra nhật ký kiểm toán #%(seq)s") % {"seq": checkpoint.seq}
    body = _(
        "Điểm kiểm tra đã ký số của nhật ký kiểm toán: số thứ tự %(seq)s, mã băm %(hash)s, lúc %(at)s, khóa %(key)s.\n"
        "Hãy lưu tệp đính kèm ở nơi người quản trị hệ thống không sửa được; kiểm tra nó bằng khóa công khai."
    ) % {"seq": checkpoint.seq, "hash": checkpoint.head_hash, "at": checkpoint.at, "key": checkpoint.key_id}
    message = EmailMessage(subject, body, to=settings.AUDIT_CHECKPOINT_MAIL_TO)
    message.attach(os.path.basename(checkpoint.name), data, "application/json")
    message.send()


def write_key_pair(private_path: str, public_path: str) -> str:
    """A new Ed25519 key: the private one to private_path (mode 0600, never overwritten), the public one to
    public_path. Returns its key_id."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(private)
    with open(public_path, "xb") as file:
        file.write(public)
    return key_id(key.public_key())
