"""Two application servers, one database, one media root, one task worker: the checks of .ci/two-servers.

    scripts/two_servers.py --a http://127.0.0.1:PORT_A --b http://127.0.0.1:PORT_B --mail-dir DIR

Run by .ci/two-servers with the deployment's environment (DATABASE_URL, TASKS_BACKEND=database, …) once the
servers and the worker are up. Over HTTP only, as a browser or an API client would: both servers are healthy; a
nomination is created, its documents uploaded and submitted on A, approved and decided on B; every document
downloads from both; the audit check budget is one across servers (CACHE_BACKEND=database). Then, reading the
database: the decision's e-mail was sent by the worker (not by a request) exactly once, and nothing was left in the
queue. Exits 1 with a message at the first failed check.
"""

import argparse
import http.client
import json
import os
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def check(condition: bool, message: str) -> None:
    if not condition:
        sys.exit(f"FAILED: {message}")
    print(f"ok: {message}", flush=True)


class Server:
    """One server's API, as one user (a token from POST /api/auth/token/)."""

    def __init__(self, base: str, username: str | None = None):
        self.base, self.token = base, None
        if username:
            answer = self.call("POST", "/api/auth/token/", {"username": username, "password": os.environ["DEMO_PASSWORD"]})
            self.token = answer["token"]

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str | None = None):
        headers = {"Authorization": f"Token {self.token}"} if self.token else {}
        if content_type:
            headers["Content-Type"] = content_type
        address = urlsplit(self.base)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def call(self, method: str, path: str, body: dict | None = None, expect: int | None = None):
        status, content = self.request(method, path, json.dumps(body).encode() if body is not None else None,
                                       "application/json" if body is not None else None)
        wanted = expect or (201 if method == "POST" and path.endswith(("/nominations/", "/documents/")) else 200)
        if method == "POST" and path == "/api/auth/token/":
            wanted = 200
        if status != wanted:
            sys.exit(f"FAILED: {method} {self.base}{path} -> {status} (want {wanted}) {content[:300]!r}")
        return json.loads(content) if content else None

    def upload(self, path: str, kind: str, name: str, content: bytes):
        boundary = uuid.uuid4().hex
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n{kind}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                f"Content-Type: application/pdf\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
        status, answer = self.request("POST", path, body, f"multipart/form-data; boundary={boundary}")
        if status != 201:
            sys.exit(f"FAILED: upload of {kind} to {self.base}{path} -> {status} {answer[:300]!r}")
        return json.loads(answer)


def act_from_inbox(server: Server, pk: int, action: str, **body) -> dict:
    inbox = server.call("GET", f"/api/inbox/?nomination={pk}")
    check(inbox["count"] == 1, f"nomination {pk} is in the inbox on {server.base}")
    return server.call("POST", f"/api/nominations/{pk}/actions/{action}/", {"stage": inbox["results"][0]["id"], **body})


def journey(a: str, b: str) -> int:
    for base in (a, b):
        status, content = Server(base).request("GET", "/healthz")
        check(status == 200 and json.loads(content)["status"] == "ok", f"{base}/healthz is 200: {content!r}")

    head_a = Server(a, "unit_head")
    award = next(x for x in head_a.call("GET", "/api/awards/")["results"] if x["code"] == "GK_XA")
    rounds = {r["code"]: r for r in head_a.call("GET", "/api/rounds/?limit=500")["results"]}
    movements = {m["code"]: m for m in head_a.call("GET", "/api/movements/")["results"]}
    criteria = [c["code"] for c in movements[rounds["1315-2026"]["movement"]]["criteria"] if c["group"] == "individual"]
    name = f"Người thử hai máy chủ {uuid.uuid4().hex[:6]}"
    created = head_a.call("POST", "/api/nominations/", {
        "round": "1315-2026", "award": "GK_XA", "submitting_unit": "LC-SAPA-THCS",
        "nominee": {"kind": "individual", "name": name}, "achievement": "Thành tích tiêu biểu.",
        "criteria": [{"code": code, "met": True, "note": "Có xác nhận."} for code in criteria]})
    pk = created["id"]
    contents = {}
    for kind in award["required_documents"]:
        content = PDF + f"% {kind} {uuid.uuid4().hex}\n".encode()
        document = head_a.upload(f"/api/nominations/{pk}/documents/", kind, f"{kind}.pdf", content)
        contents[document["id"]] = content
    check(head_a.call("POST", f"/api/nominations/{pk}/actions/submit/", {})["status"] == "in_review",
          f"nomination {pk} created and submitted on {a}")

    act_from_inbox(Server(b, "commune_staff"), pk, "approve", comment="Đồng ý.")
    decided = act_from_inbox(Server(b, "commune_chair"), pk, "approve", decision_number="12/QĐ-UBND")
    check(decided["status"] == "awarded", f"nomination {pk} approved and decided on {b}")

    for base in (a, b):
        server = Server(base, "commune_chair")
        for document_id, content in contents.items():
            status, body = server.request("GET", f"/api/nominations/{pk}/documents/{document_id}/file/")
            check(status == 200 and body == content, f"document {document_id} (uploaded on {a}) downloads from {base}")

    inspector_a, inspector_b = Server(a, "inspector"), Server(b, "inspector")
    inspector_a.call("GET", "/api/audit/verify/")
    inspector_a.call("GET", "/api/audit/verify/")
    status, _ = inspector_b.request("GET", "/api/audit/verify/")
    check(status == 429, f"the audit check budget (2/min) spent on {a} is spent on {b} too: {status}")
    return pk


def worker_did_the_work(pk: int, mail_dir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django_tasks_db.models import DBTaskResult

    from notifications.models import Kind, Notification

    deadline = time.monotonic() + 60
    while DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    results = list(DBTaskResult.objects.values_list("task_path", "status", "worker_ids"))
    check(results != [], f"the requests enqueued {len(results)} task(s) in the database")
    check(all(status == "SUCCESSFUL" and workers == ["ci-worker"] for _path, status, workers in results),
          f"the worker (and no request) ran each of them, successfully: {results[:5]}")
    awarded = Notification.objects.get(nomination_id=pk, kind=Kind.AWARDED, user__username="unit_head")
    check(awarded.emailed_at is not None, "the award notice is marked e-mailed")
    mails = [path.read_text(encoding="utf-8", errors="replace") for path in mail_dir.glob("*.log")]
    sent = [m for m in mails if f"<notice-{awarded.pk}@" in m]
    check(len(sent) == 1, f"its e-mail went out once ({len(sent)} found in {mail_dir})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--a", required=True, help="base URL of the first server")
    parser.add_argument("--b", required=True, help="base URL of the second server")
    parser.add_argument("--mail-dir", required=True, type=Path, help="EMAIL_FILE_PATH of the worker")
    args = parser.parse_args()
    pk = journey(args.a.rstrip("/"), args.b.rstrip("/"))
    worker_did_the_work(pk, args.mail_dir)
    print("two servers: all checks passed", flush=True)


if __name__ == "__main__":
    main()
