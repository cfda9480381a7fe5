"""The measurements: every one runs the real code (actions, selectors, views, API, verifier) on the bench data."""

import multiprocessing
import statistics
import time
import tracemalloc
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from audit.chain import head_seq, verify_chain
from audit.export import export_lines
from audit.verify_export import event_hash, format_timestamp
from nominations.models import AwardType, Round, Status
from nominations.rules import criteria_for
from roles.models import OrgUnit
from workflows import actions
from workflows.demo import DOSSIER, PDF
from workflows.selectors import IdsFirst, inbox, nomination_list, open_stage

PAGE = 25
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def traced(fn, *args, **kwargs):
    """(result, peak MiB of Python allocations while fn ran), by tracemalloc."""
    tracemalloc.start()
    try:
        result = fn(*args, **kwargs)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, round(peak / 2**20, 2)


def _count(fn):
    """(result, statements inside the action's transaction, statements after its commit) of fn().

    After commit run the on_commit hooks (e-mail). BEGIN/COMMIT/SAVEPOINT are not counted."""
    inside, after = [], []
    current = inside

    def spy(execute, sql, params, many, context):
        if not sql.lstrip().upper().startswith(TRANSACTION_CONTROL):
            current.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        # The action's own atomic block becomes a savepoint of this one, whose commit runs the on_commit hooks:
        # what runs from then on is "after commit", even inside the hooks' own atomic blocks.
        with transaction.atomic():
            result = fn()
            current = after
    return result, len(inside), len(after)


def _users(ids):
    return get_user_model().objects.in_bulk(set(ids))


# --- SQL statements per action ----------------------------------------------------------------------------

def statements_per_action(world) -> dict:
    """Every action once, through the real functions, on nominations of the data set (and one fresh draft)."""
    out = {}
    (n1, s1, a1), (n2, s2, a2), (n3, s3, a3) = world.forward.pop(), world.forward.pop(), world.forward.pop()
    nf, sf, af = world.final.pop()
    users = _users([world.proposer, a1, a2, a3, af])

    def record(name, fn):
        _, inside, after = _count(fn)
        out[name] = {"statements": inside, "after_commit": after}

    record("approve (forward)", lambda: actions.approve_nomination(actor=users[a1], nomination=n1, stage=s1))
    record("approve (final: award)", lambda: actions.approve_nomination(actor=users[af], nomination=nf, stage=sf))
    record("return", lambda: actions.return_nomination(actor=users[a2], nomination=n2, stage=s2,
                                                       reason="Thiếu biên bản."))
    record("reject", lambda: actions.reject_nomination(actor=users[a3], nomination=n3, stage=s3,
                                                       reason="Chưa đủ tiêu chuẩn."))
    proposer, unit = users[world.proposer], OrgUnit.objects.get(pk=world.proposer_unit)
    holder = {}

    def create():
        holder["n"] = actions.create_nomination(
            actor=proposer, round=Round.objects.get(code="1315-2026"), award=AwardType.objects.get(code="GK_XA"),
            submitting_unit=unit, nominee={"kind": "individual", "name": "Người đo thử"},
            achievement="Thành tích để đo.")

    record("create", create)
    nomination = holder["n"]
    answers = [{"code": c.code, "met": True, "note": "Có minh chứng."} for c in criteria_for(nomination)]
    record("update (criteria)", lambda: actions.update_nomination(actor=proposer, nomination=nomination,
                                                                  criteria=answers))
    for kind in DOSSIER:
        record("attach document", lambda k=kind: actions.attach_document(
            actor=proposer, nomination=nomination, kind=k, upload=ContentFile(PDF, name=f"{k}.pdf")))
    record("submit", lambda: actions.submit_nomination(actor=proposer, nomination=nomination))
    stage = open_stage(nomination)
    reviewer = get_user_model().objects.get(pk=world.commune_reviewer)
    actions.return_nomination(actor=reviewer, nomination=nomination, stage=stage, reason="Bổ sung minh chứng.")
    record("resubmit", lambda: actions.resubmit_nomination(actor=proposer, nomination=nomination))
    record("withdraw", lambda: actions.withdraw_nomination(actor=proposer, nomination=nomination, reason="Rút."))
    return out


# --- approvals per second ---------------------------------------------------------------------------------

def approvals(items) -> dict:
    """Approve each (nomination, open stage, actor) through approve_nomination, one transaction each."""
    users = _users(a for _, _, a in items)
    started, cpu = time.perf_counter(), time.process_time()
    for nomination, stage, actor in items:
        actions.approve_nomination(actor=users[actor], nomination=nomination, stage=stage)
    return _rate(len(items), started, cpu)


def interleaved(approve_items, floor_items, rounds: int, warm=()) -> tuple[dict, dict, float]:
    """(the approvals, the floor, the ratio), measured in `rounds` rounds of a slice of each, one after the other:
    the speed of this shared machine drifts within minutes, so the action and its floor meet it in the same state.
    Each rate is the median of its rounds (the total and every round are kept); the ratio is the median of the
    rounds' ratios. First, uncounted, half of `warm` approved and half through the floor: a new connection's
    approvals reach their steady time only after 25-30 of them (its statements are prepared at their sixth run,
    config/settings.py, and planned generically after five more), as a connection that lives (`CONN_MAX_AGE` > 0)
    has long done; the bench's one connection lives throughout."""
    approvals(warm[::2])
    floor(warm[1::2])
    approve_items, floor_items = list(approve_items), list(floor_items)
    rounds = max(1, min(rounds, len(approve_items), len(floor_items)))
    measured = [(approvals(approve_items[i::rounds]), floor(floor_items[i::rounds])) for i in range(rounds)]
    ratios = [f["per_second"] / a["per_second"] for a, f in measured]
    return (_rounds([a for a, _ in measured]), {**_rounds([f for _, f in measured]), "statements": 4},
            round(statistics.median(ratios), 2))


def _rounds(measured: list[dict]) -> dict:
    """Rounds' rates folded into one: the median round's rate, and the total count, time and CPU."""
    rates = [m["per_second"] for m in measured]
    count, seconds = sum(m["count"] for m in measured), sum(m["count"] / m["per_second"] for m in measured)
    return {"count": count, "seconds": round(seconds, 3), "per_second": round(statistics.median(rates), 1),
            "total_per_second": round(count / seconds, 1), "rounds": rates,
            "cpu_seconds": round(sum(m["cpu_seconds"] for m in measured), 3)}


def _rate(count, started, cpu, digits=1) -> dict:
    """count per wall-clock second, and the Python process's own CPU seconds (the machine is shared)."""
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"count": count, "seconds": round(elapsed, 3), "per_second": round(count / elapsed, digits),
            "cpu_seconds": round(cpu, 3)}


def _worker(items, start, results):
    connections.close_all()  # a fresh connection in this process
    start.wait()
    began, cpu = time.time(), time.process_time()
    approvals(items)
    results.put((began, time.time(), len(items), time.process_time() - cpu))
    connections.close_all()


def approvals_parallel(items, processes: int) -> dict:
    """`processes` forked workers, each with its own connection, approving distinct nominations."""
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start, results = context.Event(), context.Queue()
    chunks = [items[i::processes] for i in range(processes)]
    workers = [context.Process(target=_worker, args=(chunk, start, results)) for chunk in chunks]
    for worker in workers:
        worker.start()
    time.sleep(0.5)
    start.set()
    done = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    if any(worker.exitcode for worker in workers):
        raise RuntimeError("an approval worker failed")
    elapsed = max(end for _, end, _, _ in done) - min(begin for begin, _, _, _ in done)
    count = sum(n for _, _, n, _ in done)
    return {"processes": processes, "count": count, "seconds": round(elapsed, 3),
            "per_second": round(count / elapsed, 1), "cpu_seconds": round(sum(c for *_, c in done), 3)}


# --- the floor: the same row changes as bare SQL ---------------------------------------------------------

def floor(items) -> dict:
    """Per item, in one transaction: update the nomination, close its stage, open the next, append an event
    (chained with the verifier's event_hash, so the log stays valid)."""
    ops = connection.ops
    seq = head_seq()
    with connection.cursor() as cursor:
        cursor.execute("SELECT hash FROM audit_event WHERE seq = %s", [seq])
        prev = cursor.fetchone()[0]
        cursor.execute("SELECT MAX(id) FROM workflows_stage")
        stage_pk = cursor.fetchone()[0]
    started, cpu = time.perf_counter(), time.process_time()
    for nomination, stage, actor in items:
        now = timezone.now()
        at = ops.adapt_datetimefield_value(now)
        seq, stage_pk = seq + 1, stage_pk + 1
        event = {"seq": seq, "at": format_timestamp(now), "actor_id": actor, "actor_name": "bench",
                 "on_behalf_of_id": None, "on_behalf_of_name": "", "action": "nomination.approve",
                 "object_type": "nominations.nomination", "object_id": str(nomination), "org_unit": "",
                 "org_path": "", "from_status": "in_review", "to_status": "in_review", "comment": "",
                 "data": {"stage": stage}, "prev_hash": prev}
        prev = event["hash"] = event_hash(event)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE nominations_nomination SET status = %s, updated_at = %s WHERE id = %s",
                           [Status.IN_REVIEW, at, nomination])
            cursor.execute("UPDATE workflows_stage SET closed_at = %s, closed_by_id = %s, outcome = 'approved' "
                           "WHERE id = %s", [at, actor, stage])
            cursor.execute(
                "INSERT INTO workflows_stage (id, nomination_id, position, level, org_unit_id, step, opened_at, "
                "due_at, outcome, comment) SELECT %s, nomination_id, position + 1, level, org_unit_id, 'decide', "
                "%s, %s, '', '' FROM workflows_stage WHERE id = %s", [stage_pk, at, at, stage])
            cursor.execute(
                "INSERT INTO audit_event (seq, at, actor_id, actor_name, on_behalf_of_name, action, object_type, "
                "object_id, org_unit, org_path, from_status, to_status, comment, data, prev_hash, hash) VALUES "
                "(%s, %s, %s, 'bench', '', 'nomination.approve', 'nominations.nomination', %s, '', '', "
                "'in_review', 'in_review', '', %s, %s, %s)",
                [seq, at, actor, str(nomination), f'{{"stage": {stage}}}', event["prev_hash"], event["hash"]])
    result = _rate(len(items), started, cpu)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('workflows_stage', 'id'), %s)", [stage_pk])
    return result


# --- inbox and list latency --------------------------------------------------------------------------------

def api_available() -> bool:
    try:
        resolve("/api/inbox/")
        resolve("/api/nominations/")
    except Resolver404:
        return False
    try:
        from knox.models import AuthToken  # noqa: F401
    except (ImportError, RuntimeError):  # RuntimeError: knox installed but not in INSTALLED_APPS
        return False
    return True


def _percentiles(samples):
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return round(statistics.median(ordered) * 1000, 2), round(p95 * 1000, 2)


def _time(fn, repeat):
    fn()  # warm
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return _percentiles(samples)


def latency(readers: dict, repeat: int) -> dict:
    """p50/p95 in ms and statements, per reader and per path (selector, page, API), for inbox and list."""
    out = {}
    api = api_available()
    for who, pk in readers.items():
        user = get_user_model().objects.get(pk=pk)
        page = Client()
        page.force_login(user)
        paths = {
            "inbox selector": lambda u=user: list(inbox(u)[:PAGE]),
            "list selector": lambda u=user: IdsFirst(nomination_list(u))[:PAGE],  # as the list page reads it
            "inbox page": lambda c=page: _ok(c.get("/")),
            "list page": lambda c=page: _ok(c.get("/nominations/")),
        }
        if api:
            from knox.models import AuthToken

            _, key = AuthToken.objects.create(user)  # expires after REST_KNOX["TOKEN_TTL"] = API_TOKEN_TTL
            client = Client(HTTP_AUTHORIZATION=f"Token {key}")
            paths["inbox API"] = lambda c=client: _ok(c.get("/api/inbox/"))
            paths["list API"] = lambda c=client: _ok(c.get("/api/nominations/"))
        for name, fn in paths.items():
            p50, p95 = _time(fn, repeat)
            rows, inside, outside = _count(fn)  # a read has no transaction: all of them are "outside"
            statements = inside + outside
            out[f"{who}: {name}"] = {"p50_ms": p50, "p95_ms": p95, "statements": statements,
                                     "rows": rows if isinstance(rows, int) else len(rows)}
        if not api:
            out[f"{who}: API"] = "API: not available"
    return out


def _ok(response) -> int:
    if response.status_code != 200:
        raise RuntimeError(f"{response.request['PATH_INFO']} answered {response.status_code}")
    return len(response.content)


# --- audit verification and export --------------------------------------------------------------------------

def audit(cores: int) -> dict:
    out = {}
    started, cpu = time.perf_counter(), time.process_time()
    result = verify_chain()
    if not result.ok:
        raise RuntimeError(result.summary())
    out["verify (1 process)"] = _rate(result.events_checked, started, cpu, 0)
    if cores > 1:
        started, cpu = time.perf_counter(), time.process_time()
        result = verify_chain(workers=cores)
        out[f"verify ({cores} processes)"] = _rate(result.events_checked, started, cpu, 0)
    started, cpu = time.perf_counter(), time.process_time()
    out["export"] = _rate(_export(), started, cpu, 0)
    return out


def _export() -> int:
    count = 0
    for _line in export_lines():
        count += 1
    return count


def audit_memory() -> dict:
    """tracemalloc peaks of a full verification and a full export (an untimed second pass)."""
    _, verify_peak = traced(verify_chain)
    _, export_peak = traced(_export)
    return {"verify": verify_peak, "export": export_peak}


def stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
