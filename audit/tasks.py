"""Background jobs of the audit log (django-tasks; the backends are set in settings.TASKS, see workflows/tasks.py).

Enqueue audit_checkpoint_task often (every few minutes) or run `manage.py audit_checkpoint` from a timer: it signs a
checkpoint when one is due (settings.AUDIT_CHECKPOINT_INTERVAL).

Enqueue verify_audit_log_task regularly (say nightly) from the scheduler that runs the worker, or run
`manage.py audit_verify` from cron: both do the full check from the genesis and record the point the on-demand
checks start from. Never enqueue it from a request: with the immediate backend it would run inside the request.
"""

from django_tasks import task

from audit import checkpoints
from audit.verification import verify_full


@task()
def verify_audit_log_task(workers: int = 1) -> dict:
    """The full check of the chain from the genesis; records its outcome (audit.verification.verify_full)."""
    result = verify_full(workers=workers)
    return {
        "ok": result.ok,
        "events_checked": result.events_checked,
        "head_seq": result.head_seq,
        "head_hash": result.head_hash,
        "first_bad_seq": result.first_bad_seq,
        "problem": result.problem,
        "message": result.message,
    }


@task()
def audit_checkpoint_task(force: bool = False) -> dict | None:
    """Sign and keep a checkpoint of the chain's head when one is due (audit.checkpoints.take); None when none was."""
    checkpoint = checkpoints.take(force=force)
    if checkpoint is None:
        return None
    return {"seq": checkpoint.seq, "head_hash": checkpoint.head_hash, "at": checkpoint.at, "name": checkpoint.name}
