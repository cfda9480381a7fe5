"""Issue 24 in a real browser (Chromium, the fixtures of test_browser): the search ignores accents and case and
is in view without opening a panel, the unit filter completes names; a return's notice reaches the level it
went back to, saying RETURNED and why. Run on SQLite and on PostgreSQL (DATABASE_URL)."""

from playwright.sync_api import expect

from workflows import actions, demo
from workflows.selectors import open_stage

from . import test_browser
from .test_browser import shot

browser, site = test_browser.browser, test_browser.site  # its fixtures, shared


def test_a_search_without_accents_or_capitals_finds_the_nominee_and_units_complete_by_name(site, draft_factory):
    draft_factory(name="Nguyễn Thị Thu Hằng")
    draft_factory(name="Trần Văn Thanh")
    page = site("unit_head")
    page.goto(page.base + "/nominations/")
    search = page.get_by_label("Tìm theo tên, thành tích hoặc số hồ sơ")
    expect(search).to_be_visible()  # not folded away in the filters panel
    expect(page.get_by_label("Đơn vị đề nghị (gõ tên để chọn)")).to_be_hidden()
    rows = page.get_by_test_id("nomination-list").locator("tbody tr")
    for typed in ("Hang", "NGUYỄN", "thu hang"):
        search.fill(typed)
        search.press("Enter")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("Nguyễn Thị Thu Hằng")
    shot(page, "search-accents")
    # the unit filter: type part of a name without accents, the list offers the units in reach, pick one
    search.fill("")
    page.get_by_text("Bộ lọc").click()
    unit = page.get_by_label("Đơn vị đề nghị (gõ tên để chọn)")
    unit.press_sequentially("truong thcs", delay=30)
    options = page.locator("datalist#unit-options option")
    expect(options).to_have_count(1)
    assert options.first.get_attribute("value") == "Trường THCS Sa Pa"
    unit.fill("Trường THCS Sa Pa")
    page.get_by_role("button", name="Lọc", exact=True).click()
    expect(rows).to_have_count(2)
    unit = page.get_by_label("Đơn vị đề nghị (gõ tên để chọn)")
    expect(unit).to_be_visible()  # a filter set keeps the panel open
    expect(unit).to_have_value("Trường THCS Sa Pa")


def test_the_commune_chair_reads_that_the_province_returned_the_dossier_and_why(site, draft_factory, users):
    n = draft_factory(award="BK_TINH", name="Đinh Thị Trả")
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    demo.approve_in_turn(users, n, "commune_staff", "commune_chair")
    actions.return_nomination(actor=users["province_staff"], nomination=n, stage=open_stage(n),
                              reason="Thiếu biên bản họp Hội đồng cấp xã.")
    page = site("commune_chair")
    page.goto(page.base + "/notifications/")
    notice = page.get_by_test_id("notifications").locator("li").first
    expect(notice).to_contain_text("Hồ sơ bị trả lại")
    expect(notice).to_contain_text("Lý do: Thiếu biên bản họp Hội đồng cấp xã.")
    expect(notice).to_contain_text("Tỉnh Lào Cai")
    expect(notice).to_contain_text("Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh")
    expect(notice).not_to_contain_text("BK_TINH")
    expect(notice).not_to_contain_text("Hồ sơ chờ xử lý")
    shot(page, "notice-returned")
    notice.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đinh Thị Trả")
