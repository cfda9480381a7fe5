"""The demo walked by its users in a real browser: Debian's Chromium, headless, driven by Playwright.

Screenshots of the main pages (desktop and a 360 px phone) are written to $TEST_ARTIFACTS (default
var/test-artifacts/screenshots) for people to look at after a CI run.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from nominations.models import Nomination, Status
from workflows.demo import PDF

# Playwright's sync API runs an event loop in this thread; the ORM calls made here for set-up and checks are
# still plain synchronous calls between the browser's steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "var" / "test-artifacts"))
SHOTS = ARTIFACTS / "screenshots"
PASSWORD = "pw"  # the `users` fixture's password


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium is needed for the browser tests: `apt-get install chromium` (.ci/run does it).")
    return path


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield launched
        launched.close()


@pytest.fixture
def site(browser, live_server, users, tmp_path):
    """A page factory: site("unit_head") is a logged-in browser page; phone=True gives a 360 px viewport."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    contexts = []

    def open_as(username: str, phone: bool = False):
        options = {"viewport": {"width": 360, "height": 780}, "is_mobile": True} if phone else {
            "viewport": {"width": 1280, "height": 900}}
        context = browser.new_context(locale="vi-VN", **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_label("Mật khẩu").press("Enter")  # the keyboard alone logs in
        expect(page.get_by_test_id("current-user")).to_be_visible()
        page.base = live_server.url
        return page

    yield open_as
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def unlabelled_fields(page) -> list[str]:
    """Form fields a screen reader could not name (WCAG 1.3.1 / 4.1.2)."""
    return page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
        .filter(el => el.type !== 'hidden' && el.type !== 'submit')
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
        .map(el => el.name || el.id)""")


def open_from_inbox(page, nominee: str) -> None:
    page.goto(page.base + "/")
    page.get_by_test_id("inbox").get_by_role("link", name=nominee).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(nominee)


def act(page, button: str, comment: str = "", reason: str = "") -> None:
    page.get_by_test_id("actions").get_by_role("link", name=button, exact=True).click()
    if comment:
        page.get_by_label("Ý kiến").fill(comment)
    if reason:
        page.get_by_label("Lý do").fill(reason)
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Đã thực hiện")


# An approval's button says what it does at each step (staff appraise, leaders forward; the last one awards).
APPROVE = {"commune_staff": "Thẩm định, trình lãnh đạo", "commune_chair": "Trình cấp trên",
           "province_staff": "Thẩm định, trình lãnh đạo", "province_chair": "Trình cấp trên",
           "central_staff": "Thẩm định, trình lãnh đạo"}


def test_a_bk_ttg_nomination_travels_from_the_school_to_the_prime_minister(site, tmp_path):
    nominee = "Hà Thị Ngọc Ánh"
    # The unit head writes the dossier: general data, criteria, documents, then submits.
    page = site("unit_head")
    page.get_by_role("link", name="Lập hồ sơ").first.click()
    page.get_by_label("Đợt thi đua").select_option("1315-SK-2025")
    page.get_by_label("Hình thức khen thưởng").select_option("BK_TTG")
    page.get_by_label("Loại đối tượng").select_option("individual")
    page.get_by_label("Tên đối tượng").fill(nominee)
    page.get_by_label("Tóm tắt thành tích").fill("Mở lớp xóa mù chữ cho đồng bào vùng cao suốt ba năm.")
    assert unlabelled_fields(page) == []
    shot(page, "01-nomination-create")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page.get_by_test_id("checklist")).to_contain_text("Thiếu tài liệu")
    for criterion in page.locator(".criterion").all():
        criterion.get_by_label("Đạt").check()
        criterion.get_by_label("Minh chứng").fill("Có xác nhận của Ủy ban nhân dân phường.")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Đã lưu hồ sơ")
    # A disguised file is refused with a clear message and nothing is attached.
    disguised = tmp_path / "to_trinh.pdf"
    disguised.write_bytes(b"MZ\x90\x00 an executable, not a PDF")
    page.get_by_label("Loại tài liệu").select_option("to_trinh")
    page.get_by_label("Tệp").set_input_files(str(disguised))
    page.get_by_role("button", name="Tải lên").click()
    expect(page.locator(".field-message")).to_contain_text("Định dạng tệp không được chấp nhận")
    for kind in ("to_trinh", "bao_cao_thanh_tich", "bien_ban_hoi_dong"):
        path = tmp_path / f"{kind}.pdf"
        path.write_bytes(PDF)
        page.get_by_label("Loại tài liệu").select_option(kind)
        page.get_by_label("Tệp").set_input_files(str(path))
        page.get_by_role("button", name="Tải lên").click()
        expect(page.locator(".messages")).to_contain_text(f"{kind}.pdf")
    expect(page.get_by_test_id("dossier-complete")).to_be_visible()
    assert unlabelled_fields(page) == []
    shot(page, "02-nomination-edit-complete")
    page.get_by_test_id("dossier-complete").get_by_role("link", name="Trình hồ sơ").click()
    page.get_by_role("button", name="Trình hồ sơ").click()
    expect(page.get_by_test_id("status")).to_have_text("Đang xét duyệt")
    nomination = Nomination.objects.get(nominee__name=nominee)
    url = f"{page.base}/nominations/{nomination.pk}/"

    # The commune's staff returns it to the school; the unit head resubmits.
    staff = site("commune_staff")
    shot(staff, "03-inbox")
    open_from_inbox(staff, nominee)
    act(staff, "Trả lại", reason="Báo cáo thành tích cần số liệu của năm 2025.")
    page.goto(url)
    expect(page.get_by_test_id("status")).to_have_text("Bị trả lại")
    act(page, "Trình lại", comment="Đã bổ sung số liệu.")
    expect(page.get_by_test_id("status")).to_have_text("Đang xét duyệt")

    # Every level approves in turn through its own inbox; the province's staff first returns it to the commune.
    for person in ("commune_staff", "commune_chair", "province_staff"):
        reviewer = site(person)
        open_from_inbox(reviewer, nominee)
        act(reviewer, APPROVE[person], comment=f"{person} đồng ý.")
    chair = site("province_chair")
    open_from_inbox(chair, nominee)
    shot(chair, "04-nomination-review")
    act(chair, "Trả lại", reason="Cần biên bản họp Hội đồng có kết quả bỏ phiếu.")
    for person in ("commune_chair", "province_staff", "province_chair", "central_staff"):
        reviewer = site(person)
        open_from_inbox(reviewer, nominee)
        act(reviewer, APPROVE[person])
    pm = site("pm")
    open_from_inbox(pm, nominee)
    pm.get_by_test_id("actions").get_by_role("link", name="Quyết định khen thưởng", exact=True).click()
    expect(pm.locator(".notice")).to_contain_text("quyết định khen thưởng")
    pm.get_by_label("Số quyết định").fill("123/QĐ-TTg")
    shot(pm, "05-decision-form")
    pm.get_by_role("button", name="Quyết định khen thưởng", exact=True).click()
    expect(pm.get_by_test_id("status")).to_have_text("Đã khen thưởng")
    expect(pm.get_by_test_id("decision")).to_contain_text("123/QĐ-TTg")
    expect(pm.get_by_test_id("route").locator("li.route-done")).to_have_count(
        len(Nomination.objects.get(pk=nomination.pk).route))
    assert Nomination.objects.get(pk=nomination.pk).status == Status.AWARDED

    # The province's inspector reads the whole timeline and the chain verifies.
    inspector = site("inspector")
    inspector.goto(url)
    timeline = inspector.get_by_test_id("timeline")
    for text in ("Lập hồ sơ", "Trình lại", "Trả lại", "Quyết định khen thưởng", "Cần biên bản họp Hội đồng",
                 "Thủ tướng Chính phủ"):
        expect(timeline).to_contain_text(text)
    shot(inspector, "06-nomination-awarded-timeline")
    inspector.get_by_role("link", name="Nhật ký kiểm toán").click()
    assert unlabelled_fields(inspector) == []
    shot(inspector, "07-audit-browser")
    inspector.get_by_test_id("verify").click()
    expect(inspector.get_by_test_id("verify-result")).to_contain_text("toàn vẹn")
    shot(inspector, "08-audit-verified")

    # Someone from Hà Nội gets "not found" for a Lào Cai nomination.
    hanoi = site("hanoi_staff")
    response = hanoi.goto(url)
    assert response.status == 404
    expect(hanoi.get_by_test_id("not-found")).to_be_visible()


# The names of the visible form controls that have neither a <label> nor an aria-label (WCAG 1.3.1, 4.1.2).
UNLABELLED_CONTROLS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && el.labels.length === 0 && !el.getAttribute('aria-label'))
  .map(el => el.name || el.id)"""


def test_pages_fit_a_360px_phone_and_switch_to_english(site, draft_factory):
    nomination = draft_factory(name="Lù Văn Páo")
    phone = site("unit_head", phone=True)
    for path, name in (("/", "09-phone-inbox"), ("/nominations/", "10-phone-list"),
                       (f"/nominations/{nomination.pk}/", "11-phone-nomination"),
                       (f"/nominations/{nomination.pk}/edit/", "12-phone-edit"),
                       ("/notifications/", "13-phone-notifications")):
        phone.goto(phone.base + path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width}px wide on a 360px screen"
        unlabelled = phone.evaluate(UNLABELLED_CONTROLS)
        assert unlabelled == [], f"{path}: form controls without a label: {unlabelled}"
        shot(phone, name)
    phone.get_by_label("Ngôn ngữ").select_option("en")
    phone.get_by_role("button", name="Đổi").click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.get_by_role("link", name=re.compile("Inbox"))).to_be_visible()
