"""Accounts and HTTP (issue 8, item 6): lock-out after failed logins, CSRF on every form, a CSP without inline
script, and a deployment check with production variables that reports nothing."""

import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, reverse

from web import urls as workflow_urls

ROOT = Path(django_settings.BASE_DIR)


# --- lock-out (django-axes) ----------------------------------------------------------------------------


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_failed_logins_lock_the_account_out_until_an_administrator_resets_it(client, users):
    for attempt in range(4):
        response = _login(client, "commune_staff", f"wrong-{attempt}")
        assert response.status_code == 200, attempt  # the form again, with its error
    locked = _login(client, "commune_staff", "wrong-5")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Tạm khóa đăng nhập" in page and "sai mật khẩu 5 lần liên tiếp" in page and "15 phút" in page
    # Even the right password is refused now, for this username from this address...
    assert _login(client, "commune_staff", "pw").status_code == 429
    assert "_auth_user_id" not in client.session
    # ...but another account from the same address is not locked.
    other = Client()
    assert _login(other, "commune_chair", "pw").status_code == 302

    call_command("axes_reset_username", "commune_staff")  # the documented unlock
    response = _login(client, "commune_staff", "pw")
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(users["commune_staff"].pk)


def test_a_forged_forwarded_for_header_does_not_dodge_the_lock_out(client, users):
    for attempt in range(5):
        response = client.post(reverse("login"), {"username": "commune_staff", "password": f"wrong-{attempt}"},
                               HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}", HTTP_X_REAL_IP=f"198.51.100.{attempt}")
    assert response.status_code == 429
    assert _login(client, "commune_staff", "pw").status_code == 429


def test_failures_on_the_page_and_the_api_count_together(client, users):
    for attempt in range(3):
        assert _login(client, "commune_staff", f"page-{attempt}").status_code == 200
    for attempt in range(2):
        response = client.post(reverse("api-token"), {"username": "commune_staff", "password": f"api-{attempt}"},
                               content_type="application/json")
    assert response.status_code == 429 and "tạm bị khóa" in response.json()["detail"]
    assert _login(client, "commune_staff", "pw").status_code == 429
    response = client.post(reverse("api-token"), {"username": "commune_staff", "password": "pw"},
                           content_type="application/json")
    assert response.status_code == 429 and "token" not in response.json()


def test_a_success_before_the_limit_clears_the_failures(client, users):
    for attempt in range(4):
        _login(client, "commune_staff", f"wrong-{attempt}")
    assert _login(client, "commune_staff", "pw").status_code == 302
    client.logout()
    for attempt in range(4):
        assert _login(client, "commune_staff", f"again-{attempt}").status_code == 200


# --- CSRF on every form ----------------------------------------------------------------------------------


@pytest.fixture
def form_urls(in_review, users):
    """Every POST endpoint of the pages, with arguments that resolve (the CSRF check runs before the view)."""
    document = in_review.documents.first()
    kwargs = {"pk": in_review.pk, "document_id": document.pk, "hold_id": 1, "action": "approve", "batch": 1}
    urls = [reverse("login"), reverse("logout"), reverse("set_language"), reverse("admin:login")]
    for pattern in workflow_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        names = re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern))
        urls.append(reverse(pattern.name, kwargs={name: kwargs[name] for name in names}))
    return urls


def test_every_form_refuses_a_post_without_a_csrf_token(form_urls, users, caplog):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["commune_chair"])
    assert len(form_urls) >= 17
    for url in form_urls:
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
            response = client.post(url, {"comment": "x"})
        assert response.status_code == 403, url
        assert any(r.name == "django.security.csrf" for r in caplog.records), url


def test_the_api_refuses_a_session_post_without_a_csrf_token(users, in_review):
    """Session cookies ride along with any cross-site request, so the API checks CSRF for them too."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["commune_chair"])
    posts = [reverse("api-action", args=[in_review.pk, "approve"]), reverse("api-nominations"),
             reverse("api-documents", args=[in_review.pk]), reverse("api-holds", args=[in_review.pk])]
    for url in posts:
        response = client.post(url, {"comment": "x"}, content_type="application/json")
        assert response.status_code == 403 and "CSRF" in response.json()["detail"], url
    in_review.refresh_from_db()
    assert in_review.status == "in_review"


def test_a_form_with_its_token_passes_the_csrf_check(users, in_review):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["commune_chair"])
    client.get(reverse("nomination-detail", args=[in_review.pk]))
    token = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    response = client.post(reverse("notifications-read"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


# --- Content-Security-Policy -----------------------------------------------------------------------------

INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"<[^>]+\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_pages_carry_a_csp_without_inline_script_and_contain_none(login, in_review):
    pages = [reverse("login")]
    client = login("commune_chair")
    pages += [reverse("home"), reverse("nomination-list"), reverse("nomination-detail", args=[in_review.pk]),
              reverse("nomination-act", args=[in_review.pk, "approve"]), reverse("notification-list")]
    for url in pages:
        response = client.get(url) if url != pages[0] else Client().get(url)
        assert response.status_code == 200, url
        policy = _policy(response)
        assert policy["default-src"] == ["'self'"] and policy["script-src"] == ["'self'"], url
        assert policy["style-src"][0] == "'self'" and all(v.startswith("'sha256-") for v in policy["style-src"][1:])
        assert policy["frame-ancestors"] == ["'none'"], url
        assert policy["form-action"] == ["'self'"] and policy["img-src"] == ["'self'", "data:"], url
        assert not any("unsafe" in value for values in policy.values() for value in values), url
        html = response.content.decode()
        for pattern, what in INLINE:
            assert not pattern.search(html), f"{what} in {url}: {pattern.search(html).group(0)}"


def test_the_api_docs_work_under_the_csp(login):
    client = login("commune_staff")
    response = client.get("/api/docs/")
    assert response.status_code == 200 and "Content-Security-Policy" in response
    html = response.content.decode()
    assert not INLINE[0][0].search(html), "the Swagger page would need an inline script"


# --- check --deploy with production variables ----------------------------------------------------------


def _deploy_check(**extra) -> subprocess.CompletedProcess:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; production never does.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**inherited, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "example.org",
           **extra}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def test_check_deploy_reports_nothing_with_production_variables():
    result = _deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_would_catch_a_missing_hsts():
    result = _deploy_check(SECURE_HSTS_SECONDS="0")
    assert result.returncode != 0 and "security.W004" in result.stdout + result.stderr
