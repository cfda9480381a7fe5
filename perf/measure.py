"""The measurements of issue 7, each returning plain figures (JSON-able) for the report."""

import multiprocessing
import os
import statistics
import time
import tracemalloc
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from audit.chain import head_seq, verify_chain
from audit.export import export_lines
from audit.verify_export import event_hash, format_timestamp
from nominations.models import Status
from roles.models import OrgUnit
from workflows import actions, demo
from workflows.models import Stage
from workflows.selectors import inbox, nomination_list, open_stage

from .dataset import ROUND

PAGE = 25
# Not counted as statements: SQLite's BEGIN IMMEDIATE goes through the cursor, PostgreSQL's BEGIN does not.
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
LATENCY_RUNS = 30
MIN_RUNS, BUDGET_SECONDS = 10, 15  # a slow part stops after MIN_RUNS once it has run BUDGET_SECONDS


@contextmanager
def counted(into: dict, key: str = "statements"):
    """The SQL statements run in the block on the default connection, across reconnects (a request closes its
    connection at the end unless CONN_MAX_AGE keeps it, which empties CaptureQueriesContext's log)."""
    seen = []

    def count(execute, sql, params, many, context):
        if not sql.lstrip().upper().startswith(TRANSACTION_CONTROL):
            seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield seen
    into[key] = len(seen)


@contextmanager
def peak_memory(into: dict, key: str = "peak_memory_kib"):
    """Peak Python allocation (tracemalloc) while the block runs, in KiB."""
    tracemalloc.start()
    try:
        yield
    finally:
        into[key] = tracemalloc.get_traced_memory()[1] // 1024
        tracemalloc.stop()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _ms(values: list[float]) -> dict:
    return {"p50_ms": round(statistics.median(values) * 1000, 2), "p95_ms": round(_percentile(values, 0.95) * 1000, 2)}


# --- approvals -----------------------------------------------------------------------------------------


def _appraisable(limit: int, skip: int = 0) -> list[tuple[int, int, int]]:
    """(nomination, open stage, commune appraiser) for nominations waiting at their commune's appraisal."""
    User = get_user_model()
    rows = list(
        Stage.objects.filter(closed_at__isnull=True, position=0, step="appraise", nomination__status=Status.IN_REVIEW)
        .order_by("nomination_id")
        .values_list("nomination_id", "pk", "org_unit__code")[skip: skip + limit]
    )
    people = dict(User.objects.filter(username__in={f"{code}_appraiser" for *_x, code in rows})
                  .values_list("username", "pk"))
    return [(n, s, people[f"{code}_appraiser"]) for n, s, code in rows]


def _approve_all(work) -> int:
    User = get_user_model()
    users = {pk: User.objects.get(pk=pk) for pk in {u for *_x, u in work}}
    for nomination, stage, user in work:
        actions.approve_nomination(actor=users[user], nomination=nomination, stage=stage)
    return len(work)


def _worker(work) -> int:
    connections.close_all()  # a fresh connection of its own
    done = _approve_all(work)
    connections.close_all()
    return done


def approvals(count: int, workers: int) -> dict:
    """Approvals per second through workflows.actions.approve_nomination (commune appraisals)."""
    result = {}
    work = _appraisable(count)
    started = time.perf_counter()
    done = _approve_all(work)
    seconds = time.perf_counter() - started
    result["single"] = {"approvals": done, "seconds": round(seconds, 3), "per_second": round(done / seconds, 1)}
    with peak_memory(result["single"]):
        _approve_all(_appraisable(min(50, count)))
    if connection.vendor == "postgresql" and workers > 1:
        work = _appraisable(count * workers)
        slices = [work[i::workers] for i in range(workers)]
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            started = time.perf_counter()
            done = sum(pool.map(_worker, slices))
            seconds = time.perf_counter() - started
        result["parallel"] = {"workers": workers, "approvals": done, "seconds": round(seconds, 3),
                              "per_second": round(done / seconds, 1)}
        result["parallel"]["speedup"] = round(result["parallel"]["per_second"] / result["single"]["per_second"], 2)
    return result


# --- the floor -----------------------------------------------------------------------------------------


def floor(count: int) -> dict:
    """The bare row changes of an approval in plain SQL, one transaction each: update the nomination, close
    its stage, open the next, append a chained event (its hash computed as the real one is)."""
    work = _appraisable(count)
    head = head_seq()
    with connection.cursor() as cursor:
        cursor.execute("SELECT hash FROM audit_event WHERE seq = %s", [head])
        prev = cursor.fetchone()[0]
    ops = connection.ops
    started = time.perf_counter()
    for nomination, stage, user in work:
        now = timezone.now()
        head += 1
        event = {"seq": head, "at": format_timestamp(now), "actor_id": user, "actor_name": "floor",
                 "on_behalf_of_id": None, "on_behalf_of_name": "", "action": "nomination.approve",
                 "object_type": "nominations.nomination", "object_id": str(nomination), "org_unit": "",
                 "org_path": "", "from_status": "in_review", "to_status": "in_review", "comment": "",
                 "data": {"floor": True}, "prev_hash": prev}
        prev = event_hash(event)
        stamp = ops.adapt_datetimefield_value(now)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE nominations_nomination SET status = %s, updated_at = %s WHERE id = %s",
                           ["in_review", stamp, nomination])
            cursor.execute("UPDATE workflows_stage SET closed_at = %s, closed_by_id = %s, outcome = %s WHERE id = %s",
                           [stamp, user, "approved", stage])
            cursor.execute(
                "INSERT INTO workflows_stage (nomination_id, position, level, org_unit_id, step, opened_at, comment,"
                " outcome) SELECT nomination_id, 1, level, org_unit_id, 'decide', %s, '', '' FROM workflows_stage"
                " WHERE id = %s", [stamp, stage])
            cursor.execute(
                "INSERT INTO audit_event (seq, at, actor_id, actor_name, on_behalf_of_id, on_behalf_of_name, action,"
                " object_type, object_id, org_unit, org_path, from_status, to_status, comment, data, prev_hash, hash)"
                " VALUES (%s, %s, %s, %s, NULL, '', %s, %s, %s, '', '', %s, %s, '', %s, %s, %s)",
                [head, stamp, user, "floor", event["action"], event["object_type"], event["object_id"],
                 "in_review", "in_review", '{"floor":true}', event["prev_hash"], prev])
    seconds = time.perf_counter() - started
    return {"approvals": len(work), "statements": 4, "seconds": round(seconds, 3),
            "per_second": round(len(work) / seconds, 1)}


# --- statements per action -----------------------------------------------------------------------------


def statements_per_action(media_root: str) -> dict:
    """SQL statements of each action, counted on a dossier prepared through the real actions."""
    User = get_user_model()
    leaf = OrgUnit.objects.filter(level=10).order_by("pk").first()
    commune = leaf.parent
    u = {name: User.objects.get(username=f"{code}_{role}") for name, code, role in [
        ("proposer", leaf.code, "proposer"), ("appraiser", commune.code, "appraiser"),
        ("decider", commune.code, "decider")]}
    units = {leaf.code: leaf}
    counts, shapes = {}, {}

    def draft(name):
        return demo.prepare_draft(u, units, "proposer", leaf.code, "GK_XA", ROUND, "individual", name,
                                  "Thành tích tiêu biểu.")

    def count(label, run):
        with counted(counts, label) as seen:
            run()
        shapes[label] = [" ".join(sql.split())[:120] for sql in seen]

    with override_settings(MEDIA_ROOT=media_root):
        a, b, c, d = (draft(f"Người đo {i} {datetime.now(UTC).timestamp()}") for i in range(4))
        for n in (a, b, c):
            actions.submit_nomination(actor=u["proposer"], nomination=n)
        count("submit", lambda: actions.submit_nomination(actor=u["proposer"], nomination=d))
        stage = open_stage(a).pk
        count("approve", lambda: actions.approve_nomination(actor=u["appraiser"], nomination=a.pk, stage=stage))
        stage = open_stage(a).pk
        count("return", lambda: actions.return_nomination(actor=u["decider"], nomination=a.pk, stage=stage,
                                                          reason="Thiếu minh chứng."))
        count("resubmit", lambda: actions.resubmit_nomination(actor=u["proposer"], nomination=a.pk))
        stage = open_stage(b).pk
        count("reject", lambda: actions.reject_nomination(actor=u["appraiser"], nomination=b.pk, stage=stage,
                                                          reason="Chưa đủ tiêu chuẩn."))
        count("withdraw", lambda: actions.withdraw_nomination(actor=u["proposer"], nomination=c.pk, reason="Đợt sau."))
    return counts, shapes


# --- inbox and lists -----------------------------------------------------------------------------------


def readers() -> dict:
    """The busiest commune's appraiser, the busiest province's appraiser, the national inspector."""
    User = get_user_model()
    busiest = (Stage.objects.filter(closed_at__isnull=True, org_unit__level=20).values("org_unit__code")
               .order_by().annotate(n=Count("pk"))
               .order_by("-n").first())
    province = busiest["org_unit__code"].split("-")[0]
    return {
        "commune_reviewer": User.objects.get(username=f"{busiest['org_unit__code']}_appraiser"),
        "province_reviewer": User.objects.get(username=f"{province}_appraiser"),
        "national_inspector": User.objects.get(username="national_inspector"),
    }


def _timed(run: Callable[[], object], runs: int) -> dict:
    run()  # warm up
    times, figures = [], {}
    with counted(figures):
        run()
    budget = time.perf_counter() + BUDGET_SECONDS
    while len(times) < runs and (len(times) < MIN_RUNS or time.perf_counter() < budget):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    figures["runs"] = len(times)
    figures.update(_ms(times))
    return figures


def latency(runs: int = LATENCY_RUNS) -> dict:
    result = {}
    for role, user in readers().items():
        client = Client()
        client.force_login(user)

        def get(path, client=client):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return response

        figures = {
            "inbox_selector": _timed(lambda user=user: list(inbox(user)[:PAGE]), runs),
            "list_selector": _timed(lambda user=user: list(nomination_list(user).order_by("-updated_at", "-pk")[:PAGE]),
                                    runs),
            "inbox_page": _timed(lambda: get("/"), runs),
            "list_page": _timed(lambda: get("/nominations/"), runs),
            "inbox_api": _timed(lambda: get("/api/inbox/"), runs),
            "list_api": _timed(lambda: get("/api/nominations/"), runs),
        }
        figures["inbox_size"] = inbox(user).count()
        figures["list_size"] = nomination_list(user).count()
        with peak_memory(figures):
            get("/nominations/")
            get("/api/nominations/")
        result[role] = figures
    return result


# --- the audit log -------------------------------------------------------------------------------------


def audit(workers: int) -> dict:
    result = {"events": head_seq()}
    started = time.perf_counter()
    verdict = verify_chain()
    seconds = time.perf_counter() - started
    assert verdict.ok, verdict.summary()
    result["verify"] = {"workers": 1, "seconds": round(seconds, 2),
                        "per_second": round(verdict.events_checked / seconds)}
    if workers > 1:
        started = time.perf_counter()
        verdict = verify_chain(workers=workers)
        seconds = time.perf_counter() - started
        assert verdict.ok, verdict.summary()
        result["verify_parallel"] = {"workers": workers, "seconds": round(seconds, 2),
                                     "per_second": round(verdict.events_checked / seconds)}
    started = time.perf_counter()
    written = sum(1 for _line in export_lines())
    seconds = time.perf_counter() - started
    result["export"] = {"seconds": round(seconds, 2), "per_second": round(written / seconds)}
    with peak_memory(result["verify"]):
        verify_chain()
    return result


def machine() -> dict:
    return {"vendor": connection.vendor, "cpus": os.cpu_count(), "load_average_1m": os.getloadavg()[0],
            "database": str(connection.settings_dict["NAME"]),
            "sqlite_synchronous": _pragma("synchronous") if connection.vendor == "sqlite" else None,
            "sqlite_journal_mode": _pragma("journal_mode") if connection.vendor == "sqlite" else None}


def _pragma(name):
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]

