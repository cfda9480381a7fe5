"""Running on several servers: the health endpoint, and the settings that pick the shared storage, cache and task
backend from the environment (checked in a fresh interpreter, as a server would start; no network)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_healthz_answers_anonymous_json_without_a_session_or_caching(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "storage": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert "sessionid" not in response.cookies
    assert not any(Path(settings.MEDIA_ROOT).rglob("*probe*"))  # the probe file is deleted again
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_healthz_is_503_when_the_storage_cannot_be_written(client, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the media directory should be")
    settings.MEDIA_ROOT = blocker / "media"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "storage": "unavailable"}


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_refuses(client):
    def refuse(execute, sql, params, many, context):
        raise OperationalError("the server closed the connection")

    with connection.execute_wrapper(refuse):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "unavailable" and body["storage"] == "ok"
    assert "closed" not in response.content.decode()  # the reason is logged, not told to an anonymous caller


def settings_of(tmp_path, code: str, **env) -> dict:
    """Run `code` (which prints JSON) after django.setup() with these variables, as a server process would."""
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "MEDIA_ROOT": str(tmp_path / "media")}
    script = f"import django, json\ndjango.setup()\n{code}"
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env={**base, **env},  # noqa: S603
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_in_production_healthz_is_not_redirected_to_https_but_pages_are(tmp_path):
    found = settings_of(tmp_path, """
from django.core.management import call_command
from django.test import Client
call_command("migrate", "contenttypes", verbosity=0)
client = Client()
print(json.dumps({"healthz": client.get("/healthz").status_code, "home": client.get("/").status_code}))
""", DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="testserver")
    assert found == {"healthz": 200, "home": 301}


def test_s3_storage_by_configuration_signs_private_urls_offline(tmp_path):
    found = settings_of(tmp_path, """
from django.core.files.storage import storages
s = storages["default"]
url = s.url("dossiers/2026/12/abc")
print(json.dumps({"class": type(s).__name__, "bucket": s.bucket_name, "endpoint": s.endpoint_url,
                  "acl": s.default_acl, "overwrite": s.file_overwrite, "url": url}))
""", STORAGE_BACKEND="s3", S3_BUCKET="thidua-files", S3_ENDPOINT_URL="http://127.0.0.1:9000", S3_REGION="hn-1",
        S3_PREFIX="prod", S3_ADDRESSING_STYLE="path", AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="s3cr3t")
    assert found["class"] == "S3Storage" and found["bucket"] == "thidua-files"
    assert found["endpoint"] == "http://127.0.0.1:9000" and found["acl"] == "private" and found["overwrite"] is False
    assert found["url"].startswith("http://127.0.0.1:9000/thidua-files/prod/dossiers/2026/12/abc?")
    assert "Signature=" in found["url"] and "AKIDEXAMPLE" in found["url"]  # signed: the bucket itself stays private


def test_the_shared_cache_and_the_database_task_backend_by_configuration(tmp_path):
    found = settings_of(tmp_path, """
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django_tasks import task_backends
cache = caches["default"]
call_command("createcachetable")
cache.set("k", "shared")
print(json.dumps({"cache": type(cache).__name__, "value": cache.get("k"),
                  "tasks": type(task_backends["default"]).__name__}))
""", CACHE_BACKEND="database", TASKS_BACKEND="database")
    assert found == {"cache": "DatabaseCache", "value": "shared", "tasks": "DatabaseBackend"}


@pytest.mark.parametrize("variable", ["STORAGE_BACKEND", "CACHE_BACKEND"])
def test_an_unknown_backend_name_stops_the_start(tmp_path, variable):
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT,  # noqa: S603
                          env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings",
                               "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", variable: "redis"},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and f"{variable} is" in done.stderr


@pytest.mark.django_db
def test_a_timer_enqueues_a_task_by_its_path(capsys):
    call_command("enqueue", "workflows.tasks.send_reminders_task")
    assert capsys.readouterr().out.startswith("workflows.tasks.send_reminders_task: SUCCESSFUL ")  # immediate backend
    for wrong in ("os.system", "workflows.tasks.reminders", "workflows.tasks.nothing"):
        with pytest.raises(CommandError):
            call_command("enqueue", wrong)
