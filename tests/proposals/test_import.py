"""The Excel import: the template, the preview that lists every problem by row and column and creates nothing,
the confirmation that creates every row or none, and each kind of bad workbook."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from audit.models import Event
from nominations.models import Nomination
from proposals import importing
from proposals.models import ProposalItem
from workflows.errors import InvalidTransition

pytestmark = pytest.mark.django_db
HEADERS = [c.header for c in importing.COLUMNS]


def row(name, award="GK_XA", kind="Cá nhân", criteria="CN-1, CN-2", identity=""):
    return [kind, name, identity, award, "Tích cực học tập suốt đời.", "", criteria, "Có minh chứng."]


def workbook(rows, headers=HEADERS) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.title = importing.LIST_SHEET
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("danh-sach.xlsx", out.getvalue(), content_type=importing.XLSX)


@pytest.fixture
def draft_proposal(school_proposal):
    return school_proposal([])


def preview(users, proposal, upload):
    return importing.preview_import(actor=users["unit_head"], proposal=proposal, upload=upload)


def problems(batch):
    return [(p["row"], p["column"][:1], p["message"]) for p in batch.problems]


def test_the_template_has_the_headers_the_codes_and_drop_downs(draft_proposal):
    book = load_workbook(io.BytesIO(importing.template(draft_proposal)))
    sheet = book[importing.LIST_SHEET]
    assert [c.value for c in sheet[1]] == HEADERS
    codes = book[importing.CODES_SHEET]
    assert "GK_XA" in [c.value for c in codes["A"]] and "Cá nhân" in [c.value for c in codes["C"]]
    assert "CN-1" in [c.value for c in codes["D"]]
    validated = {str(v.sqref).split(":")[0] for v in sheet.data_validations.dataValidation}
    assert validated == {"A2", "D2", "G2"}


def test_a_good_workbook_previews_without_problems_and_creates_nothing_until_confirmed(draft_proposal, users):
    nominations, events = Nomination.objects.count(), Event.objects.count()
    batch = preview(users, draft_proposal, workbook([row(f"Người {i}") for i in range(12)]))
    assert (batch.rows, batch.good_rows, batch.problems) == (12, 12, [])
    assert (Nomination.objects.count(), Event.objects.count()) == (nominations, events)
    created = importing.confirm_import(actor=users["unit_head"], proposal=draft_proposal, batch=batch)
    assert created == 12 and ProposalItem.objects.filter(proposal=draft_proposal).count() == 12
    first = ProposalItem.objects.filter(proposal=draft_proposal).order_by("position").first().nomination
    assert first.nominee.name == "Người 0" and first.answers.filter(met=True).count() == 2
    with pytest.raises(InvalidTransition):  # 409
        importing.confirm_import(actor=users["unit_head"], proposal=draft_proposal, batch=batch)


def test_each_problem_is_named_by_row_and_column_and_nothing_is_imported(draft_proposal, users, draft_factory):
    draft_factory(name="Đã đề nghị")  # a draft of the school in the same round: G3
    rows = [
        row("Người tốt"),
        row("Sai hình thức", award="GK_KHONG_CO"),
        row(None),  # empty required cell
        row("x")[:1] + [datetime.datetime(2020, 1, 1)] + row("x")[2:],  # a date where a name goes
        row("Người tốt"),  # duplicate of row 2
        row("Đã đề nghị"),
        row("Sai loại", kind="Người ngoài hành tinh"),
        row("Tiêu chí lạ", criteria="CN-1, ZZ-9"),
        row("Công thức")[:4] + ["=1+1"] + row("x")[5:],
    ]
    batch = preview(users, draft_proposal, workbook(rows))
    found = problems(batch)
    assert [(r, c) for r, c, _m in found] == [(3, "D"), (4, "B"), (5, "B"), (6, "B"), (7, "B"), (8, "A"), (9, "G"),
                                              (10, "E")]
    messages = [m for _r, _c, m in found]
    assert "GK_KHONG_CO" in messages[0] and "trống" in messages[1] and "Sai kiểu" in messages[2]
    assert "Trùng với dòng 2" in messages[3] and "đã được đề nghị" in messages[4]
    assert "Người ngoài hành tinh" in messages[5] and "ZZ-9" in messages[6] and "công thức" in messages[7]
    assert batch.good_rows == 1
    before = (Nomination.objects.count(), Event.objects.count())
    with pytest.raises(ValidationError) as refused:
        importing.confirm_import(actor=users["unit_head"], proposal=draft_proposal, batch=batch)
    assert "Dòng 3, cột D" in str(refused.value)
    assert (Nomination.objects.count(), Event.objects.count()) == before


@pytest.mark.parametrize("content, expected", [
    (b"%PDF-1.4 not a workbook", "không phải bảng tính"),
    (b"", "rỗng"),
])
def test_a_file_that_is_not_a_workbook_is_refused_with_a_message(draft_proposal, users, content, expected):
    with pytest.raises(ValidationError) as refused:
        preview(users, draft_proposal, SimpleUploadedFile("x.xlsx", content))
    assert expected in str(refused.value)


def test_a_workbook_without_the_template_s_sheet_or_headers_is_refused(draft_proposal, users):
    book = Workbook()
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ValidationError) as refused:
        preview(users, draft_proposal, SimpleUploadedFile("x.xlsx", out.getvalue()))
    assert "Danh sách" in str(refused.value)
    batch = preview(users, draft_proposal, workbook([row("A")], headers=["Tên", "Loại"]))
    assert problems(batch)[0][:2] == (1, "")


def test_a_50_mb_workbook_is_refused_before_it_is_read(api, draft_proposal):
    big = io.BytesIO()
    with zipfile.ZipFile(big, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("padding.bin", b"\0" * (50 * 1024 * 1024))
    response = api("unit_head").post(f"/api/proposals/{draft_proposal.pk}/import/",
                                     {"file": SimpleUploadedFile("lon.xlsx", big.getvalue())}, format="multipart")
    assert response.status_code == 400 and "quá lớn" in response.json()["detail"]


def test_a_workbook_that_unpacks_to_too_much_is_refused(draft_proposal, users, monkeypatch):
    monkeypatch.setattr(importing, "MAX_UNPACKED_BYTES", 10_000)
    with pytest.raises(ValidationError) as refused:
        preview(users, draft_proposal, workbook([row(f"Người {i}") for i in range(200)]))
    assert "giải nén" in str(refused.value)


def test_the_import_through_the_api(api, draft_proposal, users):
    school = api("unit_head")
    template = school.get(f"/api/proposals/{draft_proposal.pk}/import/template/")
    assert template.status_code == 200 and template["Content-Type"] == importing.XLSX
    assert api("hanoi_unit_head").get(f"/api/proposals/{draft_proposal.pk}/import/template/").status_code == 404
    bad = school.post(f"/api/proposals/{draft_proposal.pk}/import/",
                      {"file": workbook([row("A"), row("A")])}, format="multipart").json()
    assert bad["problem_count"] == 1 and bad["problems"][0]["row"] == 3
    assert school.post(f"/api/proposals/{draft_proposal.pk}/import/{bad['id']}/confirm/").status_code == 400
    good = school.post(f"/api/proposals/{draft_proposal.pk}/import/",
                       {"file": workbook([row("A"), row("B")])}, format="multipart").json()
    assert api("commune_staff").post(f"/api/proposals/{draft_proposal.pk}/import/{good['id']}/confirm/"
                                     ).status_code == 404
    confirmed = school.post(f"/api/proposals/{draft_proposal.pk}/import/{good['id']}/confirm/")
    assert confirmed.status_code == 200 and len(confirmed.json()["items"]) == 2
