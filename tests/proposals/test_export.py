"""The Excel exports: the tờ trình's items with exactly the import template's columns (a round-trip), the inbox and
the nomination list with their filters and dates as real Excel dates, each in a fixed number of statements, scoped
like its list (through the API and the pages)."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from nominations.models import Nomination
from proposals import exporting, importing
from workflows import selectors

from .test_import import HEADERS, preview, row, workbook

pytestmark = pytest.mark.django_db


def rows_of(handle_or_bytes):
    data = handle_or_bytes if isinstance(handle_or_bytes, bytes) else handle_or_bytes.read()
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    return sheet, [list(r) for r in sheet.iter_rows(values_only=True)]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def imported(school_proposal, users):
    """imported(rows): a draft tờ trình filled through the import with `rows` (the import's own values)."""

    def make(rows):
        proposal = school_proposal([])
        batch = preview(users, proposal, workbook(rows))
        assert batch.problem_count == 0, batch.problems
        importing.confirm_import(actor=users["unit_head"], proposal=proposal, batch=batch)
        return proposal

    return make


def test_the_items_export_has_the_template_s_sheet_and_headers_and_reads_back_the_imported_values(imported):
    rows = [row("Lò Thị Hoa", identity="001203004567"), row("Tổ Văn", criteria=""),
            ["Cá nhân", "Giàng A Pó", "", "GK_XA", "Dạy giỏi.", "Giáo viên tiếng Mông", "CN-1", "Bằng khen cấp trường"]]
    proposal = imported(rows)
    sheet, read = rows_of(exporting.items_export(proposal))
    assert sheet.title == importing.LIST_SHEET
    assert read[0] == HEADERS
    expected = [[value or None for value in values] for values in rows]
    expected[1][7] = None  # no criterion answered: the evidence went with none
    assert read[1:] == expected


def test_an_exported_list_passes_the_import_s_checks_of_sheet_headers_and_cells(imported, school_proposal, users):
    exported = exporting.items_export(imported([row("Lò Thị Hoa"), row("Tổ Văn")])).read()
    other = school_proposal([])
    batch = preview(users, other, workbook(rows_of(exported)[1][1:]))
    # The same people in the same round: only G3 (already proposed) is found, never a header or cell problem.
    assert batch.rows == 2 and {p["message"][:40] for p in batch.problems} == {
        "Đối tượng đã được đề nghị trong đợt này "}


@pytest.mark.parametrize("count", [1, 25])
def test_the_items_export_reads_in_two_statements_whatever_the_number_of_items(imported, count,
                                                                               django_assert_num_queries):
    proposal = imported([row(f"Người {i}") for i in range(count)])
    with django_assert_num_queries(2):
        _sheet, read = rows_of(exporting.items_export(proposal))
    assert len(read) == count + 1 and read[-1][1] == f"Người {count - 1}"


@pytest.mark.parametrize("count", [1, 25])
def test_the_nomination_list_export_reads_in_one_statement_with_dates_as_excel_dates(
        imported, users, count, django_assert_num_queries):
    imported([row(f"Người {i}") for i in range(count)])
    nominations = selectors.nomination_list(users["unit_head"])
    with django_assert_num_queries(1):
        sheet, read = rows_of(exporting.nominations_export(nominations))
    assert len(read) == count + 1
    updated = sheet.cell(row=2, column=9)
    assert updated.is_date and updated.number_format == "dd/mm/yyyy"
    assert updated.value.date() == datetime.date.today()


def test_a_list_over_the_cap_is_refused_with_a_message(imported, users, monkeypatch):
    from django.core.exceptions import ValidationError

    imported([row("A"), row("B")])
    monkeypatch.setattr(exporting, "MAX_ROWS", 1)
    with pytest.raises(ValidationError, match="hơn 1 dòng; hãy lọc bớt"):
        exporting.nominations_export(selectors.nomination_list(users["unit_head"]))


@pytest.mark.postgres
def test_a_refused_export_leaves_no_cursor_open(imported, users, monkeypatch):
    """Left to the garbage collector, the export's server-side cursor was closed in the next transaction, and broke
    it."""
    from django.core.exceptions import ValidationError
    from django.db import connection

    imported([row("A"), row("B")])
    monkeypatch.setattr(exporting, "MAX_ROWS", 1)
    proposal = imported([row("C"), row("D")])
    for export in (lambda: exporting.nominations_export(selectors.nomination_list(users["unit_head"])),
                   lambda: exporting.items_export(proposal)):
        with pytest.raises(ValidationError):
            export()
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_cursors")
            assert cursor.fetchone() == (0,)


def test_the_api_exports_scoped_like_the_list(api, imported):
    proposal = imported([row("Lò Thị Hoa")])
    response = api("unit_head").get(f"/api/proposals/{proposal.pk}/export/")
    assert response.status_code == 200 and response["Content-Type"] == importing.XLSX
    assert f'filename="to-trinh-{proposal.pk}.xlsx"' in response["Content-Disposition"]
    assert rows_of(body(response))[1][1][1] == "Lò Thị Hoa"
    for outsider in ("hanoi_unit_head", "bacha_staff", "commune_staff"):  # a draft is not sent yet
        assert api(outsider).get(f"/api/proposals/{proposal.pk}/export/").status_code == 404
    assert api("unit_head").get("/api/proposals/999999/export/").status_code == 404
    assert api("hanoi_unit_head").get("/api/nominations/export/").status_code == 200
    assert rows_of(body(api("hanoi_unit_head").get("/api/nominations/export/")))[1][1:] == []


def test_the_api_nomination_export_carries_the_filters_search_included(api, imported):
    imported([row("Lò Thị Hoa"), row("Giàng A Pó")])
    names = [r[2] for r in rows_of(body(api("unit_head").get("/api/nominations/export/", {"q": "giang"})))[1][1:]]
    assert names == ["Giàng A Pó"]
    assert len(rows_of(body(api("unit_head").get("/api/nominations/export/", {"status": "draft"})))[1]) == 3
    assert len(rows_of(body(api("unit_head").get("/api/nominations/export/", {"status": "awarded"})))[1]) == 1
    refused = api("unit_head").get("/api/nominations/export/", {"status": "nope"})
    assert refused.status_code == 400 and "status" in refused.json()


@pytest.mark.parametrize("count", [1, 6])
def test_the_inbox_export_carries_filters_and_reads_in_constant_statements(api, school_proposal, count, users,
                                                                          django_assert_num_queries):
    school_proposal(["GK_XA"] * count, submit=True)
    stages = selectors.inbox(users["commune_staff"])
    with django_assert_num_queries(1):
        sheet, read = rows_of(exporting.inbox_export(stages))
    assert len(read) == count + 1
    assert sheet.cell(row=2, column=9).is_date and sheet.cell(row=2, column=9).number_format == "dd/mm/yyyy"
    staff = api("commune_staff")
    assert len(rows_of(body(staff.get("/api/inbox/export/")))[1]) == count + 1
    assert len(rows_of(body(staff.get("/api/inbox/export/", {"award": "BK_TINH"})))[1]) == 1
    assert len(rows_of(body(api("hanoi_staff").get("/api/inbox/export/")))[1]) == 1  # headers only: not theirs


def test_the_pages_link_to_the_export_with_the_list_s_filters(login, imported):
    proposal = imported([row("Lò Thị Hoa"), row("Giàng A Pó")])
    page = login("unit_head")
    assert f'href="/proposals/{proposal.pk}/export/"' in page.get(f"/proposals/{proposal.pk}/").content.decode()
    listing = page.get("/nominations/", {"q": "giang", "status": "draft"}).content.decode()
    assert 'href="/nominations/export/?q=giang&amp;status=draft"' in listing
    response = page.get("/nominations/export/", {"q": "giang", "status": "draft"})
    assert response.status_code == 200 and response["Content-Type"] == importing.XLSX
    assert [r[2] for r in rows_of(body(response))[1][1:]] == ["Giàng A Pó"]
    assert rows_of(body(page.get(f"/proposals/{proposal.pk}/export/")))[1][0] == HEADERS
    assert login("hanoi_unit_head").get(f"/proposals/{proposal.pk}/export/").status_code == 404
    assert Nomination.objects.count() == 2


def test_the_inbox_page_links_to_its_export_with_its_filters(login, school_proposal):
    school_proposal(["GK_XA"], submit=True)
    page = login("commune_staff")
    assert 'href="/inbox/export/?award=GK_XA"' in page.get("/", {"award": "GK_XA"}).content.decode()
    response = page.get("/inbox/export/", {"award": "GK_XA"})
    assert response.status_code == 200 and len(rows_of(body(response))[1]) == 2


def test_a_page_export_over_the_cap_goes_back_to_its_list_with_the_message(login, imported, monkeypatch):
    imported([row("Lò Thị Hoa"), row("Giàng A Pó")])
    monkeypatch.setattr(exporting, "MAX_ROWS", 1)
    page = login("unit_head")
    response = page.get("/nominations/export/", {"status": "draft"}, follow=True)
    assert response.redirect_chain == [("/nominations/", 302)]
    assert "Danh sách có hơn 1 dòng; hãy lọc bớt rồi xuất lại." in response.content.decode()
