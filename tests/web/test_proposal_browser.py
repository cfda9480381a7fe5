"""The tờ trình's journey in a real browser: a school imports twelve nominees from Excel (a row with an error
shown, fixed and uploaded again), submits its tờ trình; the commune approves ten in bulk, returns one and rejects
one; the school resubmits the returned one; the commune forwards its own tờ trình; the province awards the items
in one decision."""

import io

from django.core.files.base import ContentFile
from openpyxl import Workbook
from playwright.sync_api import expect

from nominations.models import Round
from proposals import importing
from proposals.models import Decision, Proposal
from workflows import actions, demo

from .test_browser import browser, shot, site  # noqa: F401 - the Playwright fixtures

NAMES = ["Lò Văn An", "Vàng Thị Bình", "Giàng A Chư", "Sùng Thị Dung", "Hoàng Văn Em", "Lý Thị Gấm",
         "Tẩn Văn Hải", "Phàn Thị Kim", "Ma Văn Lâm", "Đinh Thị Mơ", "Chảo Văn Nam", "Triệu Thị Oanh"]


def workbook(path, bad_award=None):
    book = Workbook()
    sheet = book.active
    sheet.title = importing.LIST_SHEET
    sheet.append([c.header for c in importing.COLUMNS])
    for i, name in enumerate(NAMES):
        award = bad_award if bad_award and i == 4 else "BK_TINH"
        sheet.append(["Cá nhân", name, "", award, "Công dân học tập tiêu biểu.", "", "CN-1, CN-2", "Có xác nhận."])
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return str(path)


def tick(page, proposal, nominations):
    for pk in nominations:
        page.get_by_test_id(f"item-{pk}").locator("input[type=checkbox]").check()


def review(page, action, *, reason="", number="", decision=""):
    form = page.get_by_test_id("review-form")
    form.get_by_label("Thao tác với các hồ sơ đã chọn").select_option(action)
    if reason:
        form.get_by_label("Lý do", exact=False).fill(reason)
    if number:
        form.get_by_label("Số tờ trình của cấp mình", exact=False).fill(number)
    if decision:
        form.get_by_label("Số quyết định", exact=False).fill(decision)
    form.get_by_role("button", name="Thực hiện").click()


def test_a_school_s_list_goes_from_excel_to_one_decision(site, users, org_tree, tmp_path):  # noqa: F811
    school = site("unit_head")
    school.goto(school.base + "/proposals/")
    school.get_by_label("Đơn vị trình").select_option(str(org_tree["LC-SAPA-THCS"].pk))
    school.get_by_label("Đợt").select_option(str(Round.objects.get(code="1315-2026").pk))
    school.get_by_label("Trích yếu").fill("Đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh")
    school.get_by_role("button", name="Lập tờ trình").click()
    proposal = Proposal.objects.get()
    school.get_by_test_id("import-link").click()
    school.get_by_label("Tệp Excel (.xlsx) theo mẫu").set_input_files(workbook(tmp_path / "sai.xlsx", "BK_SAI"))
    school.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(school.get_by_test_id("import-problems")).to_contain_text("BK_SAI")
    expect(school.get_by_test_id("import-problems")).to_contain_text("Hình thức khen thưởng")
    shot(school, "20-proposal-import-problems")
    school.get_by_test_id("import-again").click()
    school.get_by_label("Tệp Excel (.xlsx) theo mẫu").set_input_files(workbook(tmp_path / "dung.xlsx"))
    school.get_by_role("button", name="Tải lên và kiểm tra").click()
    school.get_by_test_id("import-confirm").get_by_role("button").click()
    expect(school.locator(".messages")).to_contain_text("Đã nhập 12 hồ sơ")
    expect(school.get_by_test_id("items")).to_contain_text("Thiếu")
    # Each nominee's own documents (báo cáo thành tích…) are attached on the nomination's page, one by one: the
    # single-nomination journey walks that page; here they are attached through the same action.
    items = list(proposal.items.order_by("position").values_list("nomination_id", flat=True))
    for pk in items:
        for kind in demo.DOSSIER:
            actions.attach_document(actor=users["unit_head"], nomination=pk, kind=kind,
                                    upload=ContentFile(demo.PDF, name=f"{kind}.pdf"))
    school.reload()
    expect(school.get_by_test_id("items")).not_to_contain_text("Thiếu")
    school.get_by_label("Số tờ trình").fill("12/TTr-THCS")
    school.get_by_test_id("submit-form").get_by_role("button").click()
    expect(school.get_by_test_id("proposal-status")).to_contain_text("Đã trình")

    staff = site("commune_staff")
    expect(staff.get_by_test_id("inbox-proposals")).to_contain_text("12 hồ sơ chờ")
    staff.get_by_test_id("inbox-proposals").get_by_role("link", name="12/TTr-THCS").click()
    tick(staff, proposal, items[:10])
    shot(staff, "21-proposal-bulk-review")
    review(staff, "approve")
    expect(staff.locator(".messages")).to_contain_text("10 hồ sơ đã xử lý, 0 bị từ chối")
    tick(staff, proposal, items[10:11])
    review(staff, "return", reason="Báo cáo thành tích thiếu số liệu năm 2026.")
    tick(staff, proposal, items[11:])
    review(staff, "reject", reason="Chưa đủ tiêu chuẩn.")
    expect(staff.locator(".messages")).to_contain_text("1 hồ sơ đã xử lý")

    school.reload()
    tick(school, proposal, items[10:11])
    school.get_by_test_id("resubmit").click()
    expect(school.locator(".messages")).to_contain_text("1 hồ sơ đã xử lý")
    staff.reload()
    tick(staff, proposal, items[10:11])
    review(staff, "approve")

    chair = site("commune_chair")
    chair.goto(f"{chair.base}/proposals/{proposal.pk}/")
    tick(chair, proposal, items[:11])
    review(chair, "approve", number="5/TTr-UBND")
    expect(chair.locator(".messages")).to_contain_text("11 hồ sơ đã xử lý, 0 bị từ chối")
    commune = Proposal.objects.get(number="5/TTr-UBND")
    assert list(commune.items.order_by("position").values_list("nomination_id", flat=True)) == items[:11]

    for person, fields in (("province_staff", {}), ("province_chair", {"decision": "15/QĐ-UBND"})):
        reviewer = site(person)
        reviewer.get_by_test_id("inbox-proposals").get_by_role("link", name="5/TTr-UBND").click()
        tick(reviewer, commune, items[:11])
        review(reviewer, "approve", **fields)
        expect(reviewer.locator(".messages")).to_contain_text("11 hồ sơ đã xử lý, 0 bị từ chối")
    decision = Decision.objects.get()
    assert decision.number == "15/QĐ-UBND"
    assert list(decision.items.order_by("position").values_list("nomination_id", flat=True)) == items[:11]
