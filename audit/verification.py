"""What has been verified, and checking on from there.

The on-demand check (`verify_increment`: the API's and the pages' "verify") starts at the last verified point
(`VerifiedHead`: a seq and its hash) and reads only the events after it, at most INCREMENT_LIMIT of them, so its
cost does not grow with the log. It also looks up the stored hash of the point's own event (one index lookup): a
log cut below the point, or rewritten up to it, is caught at once. A change strictly before the point is the full
check's to find: `verify_full` (the task `audit.tasks.verify_audit_log_task`, `manage.py audit_verify`) recomputes
the whole chain from the genesis and records the point with full=True. A break it finds is recorded, and every
on-demand check reports it until a full check passes again. No check moves the point past a break. Both checks
also require the log to hold the head of the newest signed checkpoint kept outside the database (audit.checkpoints).

The point's row is locked while a check runs (PostgreSQL: SELECT … FOR UPDATE; SQLite: the IMMEDIATE transaction
holds the write lock), so two on-demand checks at once do the work once: the second waits, then finds nothing new.
The full check itself runs without the lock (it may take minutes); it takes the lock only to record its outcome.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import router, transaction
from django.utils import timezone

from audit import chain, checkpoints
from audit.checkpoints import Checkpoint
from audit.models import VerifiedHead
from audit.verify_export import GENESIS_HASH, VerifyResult

__all__ = ["INCREMENT_LIMIT", "Verification", "verify_full", "verify_increment"]

# The most events one on-demand check reads (0.1–0.3 s on the project machine): a longer backlog is read over the next
# checks, or by the full check. The answer says whether the check reached the newest event (`complete`).
INCREMENT_LIMIT = 20_000

logger = logging.getLogger("security")


@dataclass(frozen=True)
class Verification:
    """The outcome of an on-demand check.

    result: what the check found (events_checked: the events it read; on a break, where and what).
    checked_from: the seq of the verified point it started from (0: the genesis).
    head_seq / head_hash: the verified point after the check (it moved only if the check passed).
    complete: the check reached the newest event (False: it stopped at INCREMENT_LIMIT events).
    recorded_break: the verdict is a break the full check found earlier (the check read nothing).
    checkpoint: the newest signed checkpoint, whose head the log was required to hold (None: there is none).
    """

    result: VerifyResult
    checked_from: int
    head_seq: int
    head_hash: str
    complete: bool
    full_checked_at: datetime | None
    recorded_break: bool = False
    checkpoint: Checkpoint | None = None

    @property
    def ok(self) -> bool:
        return self.result.ok

    @property
    def first_bad_seq(self) -> int | None:
        return self.result.first_bad_seq

    @property
    def problem(self) -> str | None:
        return self.result.problem

    @property
    def message(self) -> str:
        return self.result.message


def verify_increment() -> Verification:
    """Check the events after the last verified point (at most INCREMENT_LIMIT), and move the point to the last.

    The log must also hold the newest signed checkpoint's head (two index lookups); a checkpoint that fails its
    own check (signature, key) is reported as the problem "checkpoint"."""
    using = router.db_for_write(VerifiedHead)
    with transaction.atomic(using=using):
        point = _locked_point(using)
        start = point.seq
        if point.broken_seq is not None:
            found = VerifyResult(False, 0, 0, GENESIS_HASH, point.broken_seq, point.problem, point.message)
            return Verification(found, start, point.seq, point.hash, True, point.full_checked_at, recorded_break=True)
        try:
            checkpoint = checkpoints.latest()
        except checkpoints.CheckpointError as error:
            found = VerifyResult(False, 0, point.seq, point.hash, None, "checkpoint", str(error))
            return Verification(found, start, point.seq, point.hash, True, point.full_checked_at)
        last = start + INCREMENT_LIMIT
        result = _point_problem(point, VerifyResult(True, 0, 0, GENESIS_HASH)) or chain.verify_after(
            (point.seq, point.hash), last
        )
        if result.ok:
            result = _checkpoint_problem(checkpoint, result) or result
        if result.ok and result.head_seq > point.seq:
            point.seq, point.hash, point.verified_at, point.full = result.head_seq, result.head_hash, timezone.now(), False
            point.save(update_fields=["seq", "hash", "verified_at", "full"])
        complete = not result.ok or result.head_seq < last or chain.head_seq() == result.head_seq
        return Verification(result, start, point.seq, point.hash, complete, point.full_checked_at, checkpoint=checkpoint)


LATEST = object()  # verify_full's default checkpoint: the newest one, read before the check starts


def verify_full(
    expect_head: tuple[int, str] | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
    checkpoint: Checkpoint | None | object = LATEST,
) -> VerifyResult:
    """Recompute the whole chain from the genesis (audit.chain.verify_chain), then record the outcome.

    The log must also hold the head of `checkpoint` (by default the newest signed one, read first: a checkpoint that
    fails its own check raises checkpoints.CheckpointError); a log that does not is broken like any other.

    Passed: the point moves to the head found (full=True) and a recorded break is cleared, unless the point's
    event no longer has the hash it was verified with (then that is the break). Failed: the break is recorded for
    the on-demand checks to report, except a failure against a given expect_head, which may be a mistyped head
    and is only reported (the next full check without one records what is wrong with the log itself).
    """
    if checkpoint is LATEST:
        checkpoint = checkpoints.latest()
    result = chain.verify_chain(expect_head, progress=progress, workers=workers)
    using = router.db_for_write(VerifiedHead)
    with transaction.atomic(using=using):
        point = _locked_point(using)
        if result.ok:
            result = _point_problem(point, result) or _checkpoint_problem(checkpoint, result) or result
        elif expect_head is not None:
            return result
        now = timezone.now()
        if not result.ok:
            point.broken_seq, point.problem, point.message = result.first_bad_seq, result.problem, result.message
            logger.error("audit log broken: %s", result.summary())
        else:
            point.broken_seq, point.problem, point.message, point.full_checked_at = None, "", "", now
            if result.head_seq >= point.seq:
                point.seq, point.hash, point.verified_at, point.full = result.head_seq, result.head_hash, now, True
        point.save()
    return result


def _locked_point(using: str) -> VerifiedHead:
    point, _created = VerifiedHead.objects.using(using).select_for_update().get_or_create(id=1)
    return point


def _point_problem(point: VerifiedHead, base: VerifyResult) -> VerifyResult | None:
    """None when the point's event still has the hash it was verified with; else the break, built on `base`."""
    if point.seq == 0:
        return None
    when = f"{timezone.localtime(point.verified_at):%Y-%m-%d %H:%M}" if point.verified_at else "?"
    return chain.head_problem(point.seq, point.hash, base, f"verified on {when}", f"it was verified with on {when}")


def _checkpoint_problem(checkpoint: Checkpoint | None, base: VerifyResult) -> VerifyResult | None:
    """None when there is no checkpoint or the log still holds its head; else the break, built on `base`."""
    if checkpoint is None:
        return None
    signed = f"signed in the checkpoint of {checkpoint.at}"
    return chain.head_problem(checkpoint.seq, checkpoint.head_hash, base, signed, signed)
