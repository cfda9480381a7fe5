"""What officers see in a real browser (Debian's Chromium via Playwright): the unit head's home, a return's reason at
the top of the page, the phone layout, and axe-core (vendored: tests/web/vendor/axe-core) finding no violation on
every page of the app and the admin's main pages, at 1366 px and at 360 px.

Sessions are made by the test client and handed to the browser as a cookie: the login page is tested once, by
axe, and the rest of the time goes to the pages."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from workflows import actions
from workflows.demo import approve_in_turn
from workflows.selectors import open_stage

from .test_browser import SHOTS, browser, shot  # noqa: F401  (the fixture: Debian's Chromium, launched once a module)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
# WCAG 2.2 A and AA (target-size among them) and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
DESKTOP, PHONE = {"width": 1366, "height": 900}, {"width": 360, "height": 740}


@pytest.fixture
def open_as(browser, live_server, users):  # noqa: F811
    """open_as("unit_head", PHONE) is a browser page logged in as that user (None: logged out)."""
    contexts = []

    def make(username, viewport=DESKTOP):
        context = browser.new_context(locale="vi-VN", viewport=viewport, is_mobile=viewport is PHONE)
        contexts.append(context)
        if username:
            client = Client()
            client.force_login(users[username])
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                                  "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.base = live_server.url
        return page

    yield make
    for context in contexts:
        context.close()


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page as it is now: "rule: target (summary)" each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    return page.evaluate("""async tags => (await axe.run(document, {resultTypes: ["violations"],
                                                                runOnly: {type: "tag", values: tags}})).violations
        .flatMap(v => v.nodes.map(n => `${v.id}: ${n.target.join(" ")} (${n.failureSummary.split("\\n")[1] || ""})`))""",
                         TAGS)


@pytest.fixture
def journey(users, draft_factory, school_proposal):
    """One nomination in each state a page shows differently: a draft, one returned to its proposer, one returned
    by the province to the commune (with a council rule at the province), and one awarded; a tờ trình in draft and
    one submitted to the commune."""
    from roles.models import Level
    from workflows.models import CouncilRule
    CouncilRule.objects.create(level=Level.PROVINCE, threshold_percent=50)
    draft = draft_factory(name="Sùng A Dình")
    returned = draft_factory(name="Lò Văn Hải")
    actions.submit_nomination(actor=users["unit_head"], nomination=returned)
    actions.return_nomination(actor=users["commune_staff"], nomination=returned, stage=open_stage(returned),
                              reason="Báo cáo thành tích cần số liệu năm 2025.")
    sent_back = draft_factory(award="BK_TINH", name="Đinh Văn Kỷ")
    actions.submit_nomination(actor=users["unit_head"], nomination=sent_back)
    approve_in_turn(users, sent_back, "commune_staff", "commune_chair", "province_staff")
    actions.return_nomination(actor=users["province_chair"], nomination=sent_back, stage=open_stage(sent_back),
                              reason="Cần biên bản họp Hội đồng có kết quả bỏ phiếu.")
    awarded = draft_factory(name="Hầu Thị Dợ")
    actions.submit_nomination(actor=users["unit_head"], nomination=awarded)
    approve_in_turn(users, awarded, "commune_staff", "commune_chair")
    listed = school_proposal(["GK_XA", "GK_XA"])
    sent = school_proposal(["GK_XA", "GK_XA"], submit=True)
    return {"draft": draft, "returned": returned, "sent_back": sent_back, "awarded": awarded, "listed": listed,
            "sent": sent}


def pages(journey) -> list[tuple[str | None, str]]:
    """(user, path) of every page of the app and the admin's main pages."""
    d, r, s, a = (journey[k].pk for k in ("draft", "returned", "sent_back", "awarded"))
    return [
        (None, "/accounts/login/"),
        ("unit_head", "/"), ("unit_head", "/nominations/"), ("unit_head", "/nominations/new/"),
        ("unit_head", f"/nominations/{d}/"), ("unit_head", f"/nominations/{d}/edit/"),
        ("unit_head", f"/nominations/{d}/submit/"), ("unit_head", f"/nominations/{r}/"),
        ("unit_head", f"/nominations/{r}/resubmit/"), ("unit_head", "/notifications/"),
        ("unit_head", "/nominations/999999/"),
        ("unit_head", "/proposals/"), ("unit_head", f"/proposals/{journey['listed'].pk}/"),
        ("commune_staff", "/"), ("commune_staff", f"/proposals/{journey['sent'].pk}/"),
        ("commune_chair", "/"), ("commune_chair", f"/nominations/{s}/"),
        ("commune_chair", f"/nominations/{s}/approve/"), ("commune_chair", f"/nominations/{s}/return/"),
        ("commune_chair", f"/nominations/{a}/"),
        ("inspector", "/audit/"), ("inspector", f"/nominations/{a}/"),
        ("admin", "/admin/"), ("admin", "/admin/nominations/nomination/"),
        ("admin", f"/admin/nominations/nomination/{a}/change/"),
        ("admin", "/admin/roles/orgunit/"), ("admin", "/admin/roles/orgunit/import/"),
        ("admin", "/admin/roles/roleassignment/add/"),
        ("admin", "/admin/axes/accessattempt/"),
    ]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366px", "360px"])
def test_axe_finds_no_violation_on_any_page(open_as, journey, viewport):
    tabs, found = {}, {}
    for user, path in pages(journey):
        if user not in tabs:
            tabs[user] = open_as(user, viewport)
        page = tabs[user]
        response = page.goto(page.base + path)
        if response.status >= 400 and "999999" not in path:  # a page that failed would pass axe as an error page
            found[path] = [f"HTTP {response.status}"]
        if violations := axe_violations(page):
            found[path] = violations
        width = page.evaluate("document.documentElement.scrollWidth")
        if viewport is PHONE and not path.startswith("/admin/") and width > 360:
            found.setdefault(path, []).append(f"{width}px wide on a 360px screen")
    # A page with a message: the proposer saves the dossier.
    unit_head = tabs["unit_head"]
    unit_head.goto(unit_head.base + f"/nominations/{journey['draft'].pk}/edit/")
    unit_head.get_by_role("button", name="Lưu", exact=True).click()
    expect(unit_head.locator(".messages")).to_contain_text("Đã lưu hồ sơ")
    if violations := axe_violations(unit_head):
        found["/nominations/…/edit/ (saved)"] = violations
    # The chain check's answer, reached by its button.
    inspector = tabs["inspector"]
    inspector.goto(inspector.base + "/audit/")
    inspector.get_by_test_id("verify").click()
    expect(inspector.get_by_test_id("verify-result")).to_be_visible()
    if violations := axe_violations(inspector):
        found["/audit/verify/"] = violations
    assert found == {}, "\n".join(f"{path}: {v}" for path, vs in found.items() for v in vs)


def test_the_unit_head_sees_their_own_work_and_a_return_s_reason_at_the_top(open_as, journey):
    page = open_as("unit_head")
    page.goto(page.base + "/")
    own = page.get_by_test_id("own-dossiers")
    expect(own.get_by_test_id("own-returned")).to_contain_text("Báo cáo thành tích cần số liệu năm 2025.")
    expect(own.get_by_test_id("own-drafts")).to_contain_text("Sùng A Dình")
    expect(own.get_by_test_id("own-in-review")).to_contain_text("Đinh Văn Kỷ")
    expect(own.get_by_test_id("own-in-review")).to_contain_text("Phường Sa Pa")
    returned_box = own.get_by_test_id("own-returned").bounding_box()
    assert returned_box["y"] < own.get_by_test_id("own-drafts").bounding_box()["y"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot(page, "23-proposer-home")
    own.get_by_role("link", name="Lò Văn Hải").click()
    # The reason is within the first screen of the page it opens, above the form.
    page.get_by_role("link", name="Xem hồ sơ").click()
    reason = page.get_by_test_id("return-reason")
    expect(reason).to_contain_text("Báo cáo thành tích cần số liệu năm 2025.")
    assert reason.bounding_box()["y"] + reason.bounding_box()["height"] < 900
    shot(page, "24-returned-nomination")


def test_a_return_from_the_province_is_at_the_top_for_the_commune_on_a_phone(open_as, journey):
    page = open_as("commune_chair", PHONE)
    page.goto(page.base + "/")
    row = page.get_by_test_id(f"returned-{journey['sent_back'].pk}")
    expect(row).to_contain_text("Cần biên bản họp Hội đồng")
    page.get_by_test_id("inbox").get_by_role("link", name="Đinh Văn Kỷ").click()
    reason = page.get_by_test_id("return-reason")
    expect(reason).to_contain_text("Cần biên bản họp Hội đồng")
    assert reason.bounding_box()["y"] < 740  # on the first screen of a phone
    shot(page, "25-phone-returned-to-commune")


def test_the_phone_layout_is_compact(open_as, journey, draft_factory, users):
    for i in range(50):  # fifty events for the audit log's first page
        actions.update_nomination(actor=users["unit_head"], nomination=journey["draft"], achievement=f"Bản {i}.")
    page = open_as("commune_chair", PHONE)
    page.goto(page.base + "/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot(page, "20-phone-home-reviewer")
    header = page.locator(".site-header").bounding_box()["height"]
    shot(page, "20-phone-home-reviewer")
    assert header <= 120, f"the header takes {header}px of 740"
    for badge in page.locator(".badge").all():
        box = badge.bounding_box()
        assert box["height"] < 30, f"a badge wraps: {box}"
    unit_head = open_as("unit_head", PHONE)
    unit_head.goto(unit_head.base + f"/nominations/{journey['draft'].pk}/")
    withdraw = unit_head.get_by_role("link", name="Rút hồ sơ")
    edit = unit_head.get_by_role("link", name="Sửa hồ sơ")
    assert withdraw.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 255, 255)"
    assert edit.is_visible()
    inspector = open_as("inspector", PHONE)
    inspector.goto(inspector.base + "/audit/")
    rows = inspector.get_by_test_id("audit-events").locator("tbody tr")
    assert rows.count() == 50
    height = inspector.get_by_test_id("audit-events").bounding_box()["height"]
    assert height < 7000, f"the audit log's 50 rows are {height}px tall"
    shot(inspector, "21-phone-audit-log")
    login = open_as(None, PHONE)
    login.goto(login.base + "/accounts/login/")
    assert login.evaluate("document.documentElement.scrollWidth") <= 360
    shot(login, "22-phone-login")


def test_printing_shows_the_dossier_without_menu_or_buttons(open_as, journey):
    page = open_as("unit_head")
    page.goto(page.base + f"/nominations/{journey['draft'].pk}/")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible() and not page.get_by_test_id("actions").is_visible()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_the_bk_ttg_path_is_asked_only_for_the_prime_minister_s_certificate(open_as, journey):
    page = open_as("unit_head")
    page.goto(page.base + "/nominations/new/")
    path = page.get_by_label("Diện đề nghị Bằng khen của Thủ tướng")
    page.get_by_label("Hình thức khen thưởng").select_option("GK_XA")
    expect(path).to_be_hidden()
    page.get_by_label("Hình thức khen thưởng").select_option("BK_TTG")
    expect(path).to_be_visible()

