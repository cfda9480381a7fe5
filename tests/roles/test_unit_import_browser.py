"""The admin's unit import walked in a real browser: the commune chosen by typing its name (the admin's
autocomplete), the list checked, previewed, then confirmed."""

import io

from openpyxl import Workbook
from playwright.sync_api import expect

from roles.models import OrgUnit
from tests.web.test_browser import browser, site  # noqa: F401 - the browser tests' fixtures

HEADER = ["Mã", "Tên", "Đơn vị cấp trên", "Hiệu lực từ"]


def workbook(*rows) -> bytes:
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_administrator_picks_the_commune_by_name_and_adds_a_list(site):  # noqa: F811 - the fixture
    page = site("admin")
    page.goto(f"{page.base}/admin/roles/orgunit/")
    page.get_by_role("link", name="Nhập từ Excel").click()

    # the commune, by typing part of its name and its province's
    page.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").fill("Bắc Hà Lào")
    page.get_by_role("option", name="LC-BACHA – Xã Bắc Hà").click()
    page.get_by_label("Danh sách (.xlsx)").set_input_files({
        "name": "thon.xlsx", "mimeType": "application/octet-stream",
        "buffer": workbook(("LC-BH-THON1", "Thôn Na Hối 1", "", "01/07/2025"),
                           ("LC-BH-THON2", "Thôn Na Hối 2", "", None)),
    })
    page.get_by_role("button", name="Kiểm tra tệp").click()

    rows = page.locator("#import-rows tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("LC-BACHA – Xã Bắc Hà")
    assert not OrgUnit.objects.filter(code__startswith="LC-BH-THON").exists()
    page.get_by_role("button", name="Xác nhận thêm các đơn vị này").click()

    expect(page.locator(".messagelist")).to_contain_text("Đã thêm 2 đơn vị.")
    assert set(OrgUnit.objects.filter(code__startswith="LC-BH-THON").values_list("path", flat=True)) == {
        "/CP/LAOCAI/LC-BACHA/LC-BH-THON1/", "/CP/LAOCAI/LC-BACHA/LC-BH-THON2/"}
