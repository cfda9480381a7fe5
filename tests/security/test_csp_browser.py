"""The Content-Security-Policy in a real browser (Chromium via Playwright): the pages and the API's Swagger UI
work with it, and the browser reports no violation."""

import os
import shutil

import pytest
from playwright.sync_api import expect, sync_playwright

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop here

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""


@pytest.fixture
def page(live_server, users):
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium is needed for the browser tests: `apt-get install chromium` (.ci/run does it).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True,
                                             args=["--no-sandbox", "--disable-dev-shm-usage"])
        context = browser.new_context(locale="vi-VN")
        context.add_init_script(RECORD_VIOLATIONS)
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        tab.console_messages = []
        tab.on("console", lambda message: tab.console_messages.append(message.text))
        tab.base = live_server.url
        yield tab
        browser.close()


def violations(page) -> list[str]:
    reported = page.evaluate("window.__csp")
    return reported + [m for m in page.console_messages if "Content Security Policy" in m]


def test_the_pages_and_the_api_docs_run_under_the_csp_without_a_violation(page, in_review):
    page.goto(page.base + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("commune_chair")
    page.get_by_label("Mật khẩu").fill("pw")
    page.get_by_label("Mật khẩu").press("Enter")
    expect(page.get_by_test_id("current-user")).to_be_visible()
    assert violations(page) == []
    for path in ("/", "/nominations/", f"/nominations/{in_review.pk}/", f"/nominations/{in_review.pk}/approve/",
                 "/notifications/"):
        response = page.goto(page.base + path)
        assert response.status == 200 and "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], path
    page.goto(page.base + "/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Thi đua - Khen thưởng API")
    expect(page.locator(".opblock").first).to_be_visible()
    assert violations(page) == []


def test_an_inline_script_would_be_reported(page, live_server, db):
    """The probe itself works: a page that runs inline script under this policy reports the violation."""
    page.goto(page.base + "/accounts/login/")
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';
                             document.body.appendChild(s); }""")
    page.wait_for_timeout(200)
    assert any(v.startswith("script-src") for v in violations(page)), violations(page)
