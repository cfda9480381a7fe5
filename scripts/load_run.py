"""A bounded load run: many API clients acting on shared nominations, the application served by gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/thidua_load .venv/bin/python scripts/load_run.py \
        --duration 60 --clients 12 --workers 3

The database named in DATABASE_URL is dropped and rebuilt (its name must contain "load"). The demo is loaded,
`--nominations` more nominations are submitted to the commune, then gunicorn serves the application on
127.0.0.1 while the clients, each as one demo reviewer, read their inbox and approve or return what is in it
(several clients per reviewer, so they race for the same stages: 409 is the expected answer of the loser), the
proposer resubmits what comes back and an inspector reads the log. Afterwards it checks: no 5xx and no
connection error, every successful action has exactly one audit event (none lost, none duplicated), every
closed stage exactly one closing event, at most one open stage per nomination, and the chain verifies.
Prints requests/s and latency percentiles, writes var/load/load-<clients>x<duration>s.json, exits 1 on a failed
check.
"""

import argparse
import collections
import http.client
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
REVIEWERS = ["commune_staff", "commune_chair", "province_staff", "province_chair"]
SETUP = """
from workflows import actions, demo
from roles.models import OrgUnit
from django.contrib.auth import get_user_model
users = {u.username: u for u in get_user_model().objects.all()}
units = {u.code: u for u in OrgUnit.objects.all()}
for i in range(COUNT):
    n = demo.prepare_draft(users, units, "unit_head", "LC-SAPA-THCS", "BK_TINH", "1315-2026", "individual",
                           f"Người thử tải {i}", "Thành tích tiêu biểu.")
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    if i % 50 == 49:
        print(f"  {i + 1} nominations submitted", flush=True)
"""


def say(message: str) -> None:
    print(message, flush=True)


def manage(*args: str, env: dict, stdin: str | None = None) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, input=stdin, text=True)  # noqa: S603


def rebuild_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    if "load" not in name:
        sys.exit(f"refusing to drop {name!r}: the load run's database name must contain 'load'")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive HTTP connection with a token; records (kind, status, seconds) of every request."""

    def __init__(self, port: int, log: list, token: str | None = None):
        self.port, self.log, self.token = port, log, token
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, kind: str, method: str, path: str, body: dict | None = None):
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=data, headers=headers)
            response = self.connection.getresponse()
            payload = response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.log.append((kind, 0, time.perf_counter() - started))
            return 0, None
        self.log.append((kind, status, time.perf_counter() - started))
        try:
            return status, json.loads(payload) if payload else None
        except ValueError:
            return status, None


def token_for(port: int, username: str, password: str) -> str:
    status, body = Client(port, []).call("token", "POST", "/api/auth/token/",
                                         {"username": username, "password": password})
    if status != 200:
        sys.exit(f"could not log in {username}: HTTP {status} {body}")
    return body["token"]


def reviewer(client: Client, deadline: float, successes: list, lock: threading.Lock) -> None:
    rng = random.Random()
    while time.monotonic() < deadline:
        status, body = client.call("inbox", "GET", "/api/inbox/?limit=10")
        items = (body or {}).get("results") or []
        if status != 200 or not items:
            time.sleep(0.05)
            continue
        stage = rng.choice(items[:3])  # the oldest few: clients of the same reviewer collide on purpose
        action = "return" if rng.random() < 0.1 else "approve"
        payload = {"stage": stage["id"], "comment": "thử tải"}
        if action == "return":
            payload["reason"] = "Bổ sung minh chứng (thử tải)"
        nomination = stage["nomination"]["id"]
        status, _ = client.call(action, "POST", f"/api/nominations/{nomination}/actions/{action}/", payload)
        if status == 200:
            with lock:
                successes.append((nomination, action, stage["id"]))


def proposer(client: Client, deadline: float, successes: list, lock: threading.Lock) -> None:
    while time.monotonic() < deadline:
        status, body = client.call("list", "GET", "/api/nominations/?status=returned&limit=5")
        items = (body or {}).get("results") or []
        for item in items:
            status, _ = client.call("resubmit", "POST", f"/api/nominations/{item['id']}/actions/resubmit/", {})
            if status == 200:
                with lock:
                    successes.append((item["id"], "resubmit", None))
        if not items:
            client.call("list", "GET", "/api/nominations/?limit=25")
            time.sleep(0.05)


def inspector(client: Client, deadline: float, successes: list, lock: threading.Lock) -> None:
    while time.monotonic() < deadline:
        client.call("audit", "GET", "/api/audit/events/?limit=50")
        status, body = client.call("list", "GET", "/api/nominations/?limit=25")
        for item in ((body or {}).get("results") or [])[:2]:
            client.call("detail", "GET", f"/api/nominations/{item['id']}/")
        time.sleep(0.1)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def check_the_record(successes: list, first_seq: int, run_started) -> dict:
    """Compare what the clients were told with what the database holds."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db.models import Count

    from audit.chain import verify_chain
    from audit.models import Event
    from workflows.models import Stage

    events = Event.objects.filter(seq__gt=first_seq, object_type="nominations.nomination")
    by_stage = collections.Counter()
    for data in events.filter(action__in=["nomination.approve", "nomination.award", "nomination.return"]) \
            .values_list("data", flat=True):
        by_stage[data.get("stage")] += 1
    told = collections.Counter(stage for _n, action, stage in successes if action in ("approve", "return"))
    lost = sorted(stage for stage in told if by_stage[stage] < told[stage])
    duplicated = sorted(stage for stage, count in by_stage.items() if count > 1)
    unreported = sorted(stage for stage in by_stage if stage not in told)
    resubmits_told = sum(1 for _n, action, _s in successes if action == "resubmit")
    resubmits_logged = events.filter(action="nomination.resubmit").count()
    closed_during_run = Stage.objects.filter(closed_at__gte=run_started).values_list("pk", flat=True)
    closes_not_logged_once = [pk for pk in closed_during_run if by_stage[pk] != 1]
    two_open = Stage.objects.filter(closed_at__isnull=True).values("nomination").annotate(n=Count("pk")) \
        .filter(n__gt=1).count()
    result = verify_chain()
    return {
        "actions_told_ok": len(successes), "events_logged": events.count(),
        "lost": lost, "duplicated": duplicated, "logged_but_not_told": unreported,
        "resubmits_told": resubmits_told, "resubmits_logged": resubmits_logged,
        "closed_stages_not_logged_once": closes_not_logged_once[:20], "nominations_with_two_open_stages": two_open,
        "chain_ok": result.ok, "chain_events_checked": result.events_checked,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--clients", type=int, default=12, help="reviewer clients (default 12)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (default 3)")
    parser.add_argument("--nominations", type=int, default=150, help="nominations submitted before the run")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL database whose name contains 'load'")

    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1",
           "SECURE_SSL_REDIRECT": "0", "CONN_MAX_AGE": "60",
           "DEMO_PASSWORD": os.environ.get("DEMO_PASSWORD", "thidua-load-run"),
           "MEDIA_ROOT": str(ROOT / "var" / "load" / "media")}
    os.environ.update({k: env[k] for k in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT",
                                           "MEDIA_ROOT")})
    say(f"== rebuilding {urlsplit(url).path.lstrip('/')}, loading the demo and {args.nominations} nominations")
    rebuild_database(url)
    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("seed_demo", "--force", env=env)
    manage("shell", env=env, stdin=SETUP.replace("COUNT", str(args.nominations)))

    import psycopg

    with psycopg.connect(url) as connection:
        first_seq, run_started = connection.execute("SELECT COALESCE(MAX(seq), 0), now() FROM audit_event").fetchone()

    port = free_port()
    # The server's log goes to a file, not a pipe: nobody reads a pipe during the run, and once its 64 KiB buffer
    # is full (a few hundred logged 4xx answers) every worker blocks on its next log line until gunicorn kills it.
    server_log = tempfile.TemporaryFile(mode="w+")
    server = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [str(Path(PYTHON).with_name("gunicorn")), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers),
         "--access-logfile", "-", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=server_log, text=True, start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        password = env["DEMO_PASSWORD"]
        tokens = {name: token_for(port, name, password) for name in [*REVIEWERS, "unit_head", "inspector"]}
        log: list = []
        successes: list = []
        lock = threading.Lock()
        deadline = time.monotonic() + args.duration
        threads = [threading.Thread(target=reviewer, args=(Client(port, log, tokens[REVIEWERS[i % len(REVIEWERS)]]),
                                                           deadline, successes, lock)) for i in range(args.clients)]
        threads.append(threading.Thread(target=proposer, args=(Client(port, log, tokens["unit_head"]), deadline,
                                                               successes, lock)))
        threads.append(threading.Thread(target=inspector, args=(Client(port, log, tokens["inspector"]), deadline,
                                                                successes, lock)))
        say(f"== {args.clients} reviewer clients + a proposer + an inspector for {args.duration} s against "
            f"gunicorn ({args.workers} workers) on 127.0.0.1:{port}")
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        server_log.seek(0)
        errors = server_log.read()

    statuses = collections.Counter(status for _k, status, _s in log)
    by_kind = collections.defaultdict(list)
    for kind, _status, seconds in log:
        by_kind[kind].append(seconds)
    latency = {kind: {"n": len(v), "p50_ms": round(statistics.median(v) * 1000, 1),
                      "p95_ms": round(percentile(v, 95) * 1000, 1)} for kind, v in sorted(by_kind.items())}
    record = check_the_record(successes, first_seq, run_started)
    report = {
        "database": "postgresql", "cores": os.cpu_count(), "duration_s": round(elapsed, 1), "clients": args.clients + 2,
        "gunicorn_workers": args.workers, "requests": len(log), "requests_per_s": round(len(log) / elapsed, 1),
        "p95_ms_all": round(percentile([s for _k, _st, s in log], 95) * 1000, 1),
        "statuses": dict(sorted(statuses.items())), "latency": latency, "record": record,
    }
    out = ROOT / "var" / "load" / f"load-{args.clients}x{args.duration}s.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))

    say(f"== {len(log)} requests in {elapsed:.1f} s: {report['requests_per_s']} req/s, p95 {report['p95_ms_all']} ms; "
        f"statuses {dict(sorted(statuses.items()))}")
    for kind, figures in latency.items():
        say(f"   {kind:<9} n={figures['n']:<6} p50 {figures['p50_ms']:>7} ms   p95 {figures['p95_ms']:>7} ms")
    say(f"== record: {json.dumps(record, ensure_ascii=False)}")
    say(f"   written to {out.relative_to(ROOT)}")
    failures = []
    if any(status >= 500 or status == 0 for status in statuses):
        failures.append("server errors or dropped connections")
    if record["lost"] or record["duplicated"] or record["logged_but_not_told"]:
        failures.append("lost, duplicated or unreported events")
    if record["resubmits_told"] != record["resubmits_logged"]:
        failures.append("resubmissions told ≠ logged")
    if record["closed_stages_not_logged_once"] or record["nominations_with_two_open_stages"]:
        failures.append("stages out of step with the log")
    if not record["chain_ok"]:
        failures.append("the audit chain does not verify")
    if not record["actions_told_ok"]:
        failures.append("no action succeeded: the run measured nothing")
    if "Traceback" in errors or " ERROR " in errors:  # 4xx answers are logged as WARNING: expected here
        say("gunicorn said:\n" + errors[-3000:])
        failures.append("errors in the server log")
    if failures:
        say("LOAD RUN FAILED: " + "; ".join(failures))
        return 1
    say("load run passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
