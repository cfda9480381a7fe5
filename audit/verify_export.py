"""Check an exported audit log without the application: one file, Python standard library only (a signed
checkpoint's signature also needs the `cryptography` package, imported only for it).

This module is also the one definition of how an event is hashed and a checkpoint signed (docs/audit.md).
The application imports `event_hash` from here, so the log, its export and this verifier cannot drift apart.

    python -m audit.verify_export FILE [--expect-head SEQ:HASH] [--allow-gaps]
    python -m audit.verify_export FILE --checkpoint CHECKPOINT.json --public-key KEY.pem [--public-key OLD.pem]
    python verify_export.py FILE ...          (the file copied alone works as well)

Exit status: 0 the chain holds, 1 it was tampered with, 2 the input cannot be read or checked.
"""

import argparse
import base64
import binascii
import hashlib
import json
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

SCHEMA_VERSION = 1
GENESIS_HASH = "0" * 64
# Every field of an event except its own hash, in the order of the spec; "v" is added to the body.
HASHED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "on_behalf_of_id",
    "on_behalf_of_name",
    "action",
    "object_type",
    "object_id",
    "org_unit",
    "org_path",
    "from_status",
    "to_status",
    "comment",
    "data",
    "prev_hash",
)
LINE_KEYS = frozenset((*HASHED_FIELDS, "v", "hash"))
PROGRESS_EVERY = 100_000

EXIT_OK, EXIT_TAMPERED, EXIT_UNREADABLE = 0, 1, 2


def format_timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with microseconds, e.g. "2026-11-28T08:00:00.123456Z"; a naive value is UTC."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds") + "Z"


# Exactly json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False), built once.
_CANONICAL_JSON = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, check_circular=False
)


def canonical_bytes(event: Mapping) -> bytes:
    """The bytes that are hashed: sorted-key, compact UTF-8 JSON of the hashed fields and the version "v"."""
    body = {name: event[name] for name in HASHED_FIELDS}
    body["v"] = SCHEMA_VERSION
    return _CANONICAL_JSON.encode(body).encode("utf-8")


def event_hash(event: Mapping) -> str:
    """Hex SHA-256 of the canonical bytes; `event["prev_hash"]` links it to the event before."""
    return hashlib.sha256(canonical_bytes(event)).hexdigest()


# The characters str.splitlines() splits on that JSON leaves as they are (it escapes the others, all below U+0020).
_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def export_line(event: Mapping) -> str:
    """One JSON Lines record: the hashed fields, "v" and "hash" (no trailing newline).

    U+0085, U+2028 and U+2029 are written as \\u0085, \\u2028, \\u2029, so the record is one line for every line
    splitter (str.splitlines() splits on them). They can only occur inside strings, where the escape reads back as
    the same character: what is hashed (canonical_bytes of the parsed fields) does not change.
    """
    record = {name: event[name] for name in HASHED_FIELDS}
    record["v"] = SCHEMA_VERSION
    record["hash"] = event["hash"]
    line = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for char, escape in _LINE_BREAKS.items():
        if char in line:
            line = line.replace(char, escape)
    return line


def parse_head(text: str) -> tuple[int, str]:
    """Parse "SEQ:HASH" (as a verifier prints the head) into (seq, hash); ValueError when malformed."""
    seq, _, digest = text.strip().partition(":")
    digest = digest.lower()
    if (
        not seq.isdigit()
        or int(seq) < 1
        or len(digest) != 64
        or any(c not in "0123456789abcdef" for c in digest)
    ):
        raise ValueError(f"expected SEQ:HASH (a positive number, a colon, 64 hex digits), got {text!r}")
    return int(seq), digest


class Unverifiable(Exception):
    """The input cannot be read, or cannot answer the question asked of it."""


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of a chain check.

    head_seq / head_hash: the last event found intact (0 and the genesis hash when none was).
    problem: one of "changed", "missing", "reordered", "inserted", "truncated" when ok is False.
    gaps: breaks in the seq numbering that were allowed (a filtered export).
    """

    ok: bool
    events_checked: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None = None
    problem: str | None = None
    message: str = ""
    gaps: int = 0

    def summary(self) -> str:
        if not self.ok:
            return f"TAMPERED at seq {self.first_bad_seq} ({self.problem}): {self.message}"
        text = f"OK: {self.events_checked} events, head seq {self.head_seq} hash {self.head_hash}"
        if self.gaps:
            text += f" ({self.gaps} gaps in the seq numbering left by the export filter)"
        return text


def check_chain(
    events: Iterable[Mapping],
    *,
    expect_head: tuple[int, str] | None = None,
    allow_gaps: bool = False,
    after: tuple[int, str] = (0, GENESIS_HASH),
    locate_hash: Callable[[str], int | None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> VerifyResult:
    """Recompute the chain over `events` (ascending seq) and stop at the first break.

    expect_head: (seq, hash) recorded earlier outside the system; the chain must still hold it.
    allow_gaps: the events are a filtered selection; links are checked only between consecutive seqs.
    after: (seq, stored hash) of the event just before `events`, when checking a later stretch of the log.
    locate_hash: finds the seq of the event whose hash is given; only used to explain a break.
    """
    expect_seq, expect_hash = expect_head or (None, None)
    expect_seen = False
    prev_seq, prev_hash = after
    checked = gaps = 0

    def broken(seq: int, problem: str, message: str) -> VerifyResult:
        return VerifyResult(False, checked, prev_seq, prev_hash, seq, problem, message, gaps)

    for event in events:
        seq, stored = event["seq"], event["hash"]
        if event_hash(event) != stored:
            return broken(*_explain_bad_hash(event, locate_hash))
        if seq <= prev_seq:
            return broken(seq, "reordered", f"seq {seq} comes after seq {prev_seq}")
        if seq != prev_seq + 1:
            if not allow_gaps:
                missing = f"{prev_seq + 1}" if seq == prev_seq + 2 else f"{prev_seq + 1} to {seq - 1}"
                return broken(prev_seq + 1, "missing", f"event(s) {missing} are missing")
            gaps += 1
        elif event["prev_hash"] != prev_hash:
            bad = max(seq - 1, 1)
            return broken(
                bad,
                "changed",
                f"event {seq} is chained to a hash that event {seq - 1} no longer has: "
                f"event {bad} was altered and its hash recomputed",
            )
        if seq == expect_seq:
            expect_seen = True
            if stored != expect_hash:
                return broken(
                    seq,
                    "changed",
                    f"event {seq} no longer has the expected head hash {expect_hash}: "
                    f"the log was rewritten at or before seq {seq}",
                )
        prev_seq, prev_hash = seq, stored
        checked += 1
        if progress is not None and checked % PROGRESS_EVERY == 0:
            progress(checked)

    if expect_seq is not None and not expect_seen:
        if allow_gaps:
            raise Unverifiable(f"seq {expect_seq} of the expected head is not in this filtered export")
        return broken(
            prev_seq + 1,
            "truncated",
            f"the log ends at seq {prev_seq} but the expected head is seq {expect_seq}: "
            f"events {prev_seq + 1} to {expect_seq} were removed",
        )
    return VerifyResult(True, checked, prev_seq, prev_hash, gaps=gaps)


def _explain_bad_hash(event: Mapping, locate_hash) -> tuple[int, str, str]:
    """An event that does not match its hash: edited, or an intact event moved to another seq."""
    seq = event["seq"]
    predecessor = (
        0 if event["prev_hash"] == GENESIS_HASH else (locate_hash and locate_hash(event["prev_hash"]))
    )
    candidates = {seq - 1, seq + 1} | ({predecessor + 1} if predecessor is not None else set())
    origin = next(
        (c for c in sorted(candidates - {seq}) if c > 0 and event_hash({**event, "seq": c}) == event["hash"]),
        None,
    )
    if origin is None:
        return seq, "changed", f"event {seq} does not match its hash: a field was changed"
    if origin < seq:
        return (
            origin,
            "inserted",
            f"the event now at seq {seq} was written as seq {origin}: "
            f"{seq - origin} forged event(s) were inserted from seq {origin}",
        )
    if predecessor is None:
        return (
            seq,
            "missing",
            f"the event now at seq {seq} was written as seq {origin}: events were deleted and renumbered",
        )
    return (
        seq,
        "reordered",
        f"the event now at seq {seq} was written as seq {origin}: events were swapped or moved",
    )


# --- signed checkpoints --------------------------------------------------------------------------------------
# A checkpoint is a JSON object: the signed fields below, plus "signature", the base64 Ed25519 signature of their
# canonical bytes (the same JSON form as an event's body). key_id names the key: the hex SHA-256 of its raw 32-byte
# public key. Checking a signature needs the `cryptography` package, imported only then: an export alone still checks
# with the standard library.

CHECKPOINT_VERSION = 1
CHECKPOINT_SIGNED = ("v", "seq", "head_hash", "at", "key_id")
CHECKPOINT_KEYS = frozenset((*CHECKPOINT_SIGNED, "signature"))


def checkpoint_bytes(checkpoint: Mapping) -> bytes:
    """The bytes a checkpoint's signature covers: sorted-key, compact UTF-8 JSON of its signed fields."""
    return _CANONICAL_JSON.encode({name: checkpoint[name] for name in CHECKPOINT_SIGNED}).encode("utf-8")


def _crypto():
    """The `cryptography` names a signature check needs, imported only when one is asked for."""
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError as error:
        raise Unverifiable("checking a checkpoint needs the `cryptography` package (pip install cryptography)") from error
    return InvalidSignature, serialization, Ed25519PublicKey


def key_id(public_key) -> str:
    """The id of an Ed25519 public key (cryptography's Ed25519PublicKey): hex SHA-256 of its 32 raw bytes."""
    _, serialization, _ = _crypto()
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def load_public_key(pem: bytes, name: str = "public key"):
    """An Ed25519 public key from PEM bytes; Unverifiable when they are not one."""
    _, serialization, Ed25519PublicKey = _crypto()
    try:
        key = serialization.load_pem_public_key(pem)
    except ValueError as error:
        raise Unverifiable(f"{name}: not a PEM public key ({error})") from error
    if not isinstance(key, Ed25519PublicKey):
        raise Unverifiable(f"{name}: not an Ed25519 public key")
    return key


def parse_checkpoint(data: bytes, public_keys: Mapping, name: str = "checkpoint") -> dict:
    """A checkpoint's fields, once its signature is checked with the key it names among public_keys (key_id ->
    Ed25519PublicKey); Unverifiable when it is malformed, names a key not given, or its signature does not hold."""
    try:
        checkpoint = json.loads(data)
    except ValueError as error:  # UnicodeDecodeError is one
        raise Unverifiable(f"{name}: not JSON ({error})") from error
    if not isinstance(checkpoint, dict) or checkpoint.keys() != CHECKPOINT_KEYS:
        raise Unverifiable(f"{name}: not a checkpoint (expected exactly the keys {sorted(CHECKPOINT_KEYS)})")
    if checkpoint["v"] != CHECKPOINT_VERSION:
        raise Unverifiable(f"{name}: checkpoint version {checkpoint['v']!r}, this verifier knows {CHECKPOINT_VERSION}")
    if type(checkpoint["seq"]) is not int or not all(isinstance(checkpoint[k], str) for k in CHECKPOINT_KEYS - {"seq", "v"}):
        raise Unverifiable(f"{name}: seq must be an integer, the other fields strings")
    try:
        parse_head(f"{checkpoint['seq']}:{checkpoint['head_hash']}")
        signature = base64.b64decode(checkpoint["signature"], validate=True)
    except (ValueError, binascii.Error) as error:
        raise Unverifiable(f"{name}: {error}") from error
    key = public_keys.get(checkpoint["key_id"])
    if key is None:
        raise Unverifiable(f"{name}: signed by key {checkpoint['key_id']}, which is not among the public keys given")
    InvalidSignature, _, _ = _crypto()
    try:
        key.verify(signature, checkpoint_bytes(checkpoint))
    except InvalidSignature as error:
        raise Unverifiable(f"{name}: the signature does not match: the checkpoint was altered or forged") from error
    return checkpoint


# --- the command line ------------------------------------------------------------------------------


def read_export(path: str) -> Iterable[dict]:
    """The events of a JSON Lines export, streamed; Unverifiable on anything that is not one."""
    try:
        with open(path, encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if line.strip():
                    yield _parse_line(number, line)
    except (OSError, UnicodeDecodeError) as error:
        raise Unverifiable(f"{path}: {error}") from error


def _parse_line(number: int, line: str) -> dict:
    try:
        event = json.loads(line)
    except json.JSONDecodeError as error:
        raise Unverifiable(f"line {number}: not JSON ({error})") from error
    if not isinstance(event, dict) or event.keys() != LINE_KEYS:
        raise Unverifiable(
            f"line {number}: not an audit event (expected exactly the keys {sorted(LINE_KEYS)})"
        )
    if event["v"] != SCHEMA_VERSION:
        raise Unverifiable(
            f"line {number}: schema version {event['v']!r}, this verifier knows {SCHEMA_VERSION}"
        )
    if type(event["seq"]) is not int or not isinstance(event["hash"], str):
        raise Unverifiable(f"line {number}: seq must be an integer and hash a string")
    return event


def locator_for(path: str) -> Callable[[str], int | None]:
    """A second pass over the file to find an event by its hash (only run to explain a break)."""

    def locate(digest: str) -> int | None:
        return next((event["seq"] for event in read_export(path) if event["hash"] == digest), None)

    return locate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="verify_export", description="Check the hash chain of an audit log export (JSON Lines)."
    )
    parser.add_argument("file", help="the export, one event per line")
    parser.add_argument(
        "--expect-head", metavar="SEQ:HASH", help="a head printed earlier, kept outside the system"
    )
    parser.add_argument(
        "--checkpoint", metavar="FILE", help="a signed checkpoint (manage.py audit_checkpoint): the chain must hold its head"
    )
    parser.add_argument(
        "--public-key", metavar="PEM", action="append", default=[],
        help="a public key the checkpoint may be signed with (repeat for the keys of earlier years)",
    )
    parser.add_argument(
        "--allow-gaps",
        action="store_true",
        help="the export was filtered (--org-path, --since, --until): accept breaks in the seq numbering",
    )
    args = parser.parse_args(argv)
    if args.checkpoint and args.expect_head:
        parser.error("give either --expect-head or --checkpoint, not both")
    if args.checkpoint and not args.public_key:
        parser.error("--checkpoint needs --public-key")
    try:
        expect_head = parse_head(args.expect_head) if args.expect_head else None
    except ValueError as error:
        print(f"ERROR: --expect-head: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        checkpoint = read_checkpoint(args.checkpoint, args.public_key) if args.checkpoint else None
        if checkpoint:
            expect_head = checkpoint["seq"], checkpoint["head_hash"]
        result = check_chain(
            read_export(args.file),
            expect_head=expect_head,
            allow_gaps=args.allow_gaps,
            locate_hash=locator_for(args.file),
        )
    except Unverifiable as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(result.summary())
    if result.ok and checkpoint:
        print(f"The checkpoint of {checkpoint['at']} (seq {checkpoint['seq']}, key {checkpoint['key_id'][:16]}) holds.")
    elif result.ok and expect_head:
        print(f"The expected head seq {expect_head[0]} is intact.")
    if not result.ok and result.problem == "missing" and not args.allow_gaps:
        print("If this export was filtered, run again with --allow-gaps.")
    return EXIT_OK if result.ok else EXIT_TAMPERED


def read_checkpoint(path: str, key_paths: list[str]) -> dict:
    """The checkpoint in the file at path, its signature checked with the keys in the PEM files key_paths."""
    keys = {}
    for key_path in key_paths:
        try:
            with open(key_path, "rb") as file:
                key = load_public_key(file.read(), key_path)
        except OSError as error:
            raise Unverifiable(f"{key_path}: {error}") from error
        keys[key_id(key)] = key
    try:
        with open(path, "rb") as file:
            return parse_checkpoint(file.read(), keys, path)
    except OSError as error:
        raise Unverifiable(f"{path}: {error}") from error

if __name__ == "__main__":
    sys.exit(main())
