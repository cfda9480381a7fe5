"""Many units from an .xlsx list in the admin: a preview with every problem by row and column, nothing written
until confirmed, then all in one transaction, each audited; whole-file refusals with a message."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from audit.models import Event
from roles import unit_import
from roles.models import Level, OrgUnit, Role
from roles.services import grant_role
from workflows import demo

URL = "/admin/roles/orgunit/import/"
HEADER = ["Mã", "Tên", "Đơn vị cấp trên", "Hiệu lực từ"]


def xlsx(*rows, header=HEADER) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("don-vi.xlsx", buffer.getvalue())


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["admin"])
    return client


@pytest.fixture
def laocai_admin_client(client, org_tree):
    user = get_user_model().objects.create(username="laocai_admin", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_orgunit", "view_orgunit"]))
    grant_role(actor=None, user=user, org_unit=org_tree["LAOCAI"], role=Role.ADMIN)
    client.force_login(user)
    return client


def test_a_good_list_is_previewed_then_added_on_confirmation(admin_client, org_tree):
    upload = xlsx(("LC-SAPA-MN1", "Trường Mầm non Sa Pa 1", "", "01/09/2025"),
                  ("LC-BH-THON1", "Thôn Bắc Hà 1", "02839", None),
                  ("LC-SAPA-TDP2", "Tổ dân phố 2", "LC-SAPA", None),
                  ("LC-SAPA-MN2", "Trường Mầm non Sa Pa 2", 3006, None))  # 03006 as Excel keeps a number
    units, events = OrgUnit.objects.count(), Event.objects.count()

    preview = admin_client.post(URL, {"parent": org_tree["LC-SAPA"].pk, "file": upload})

    assert preview.status_code == 200 and preview.context["confirm"], preview.context["reading"].problems
    assert "Xác nhận thêm các đơn vị này" in preview.content.decode()
    assert (OrgUnit.objects.count(), Event.objects.count()) == (units, events)  # nothing yet
    rows = preview.context["form"].initial["rows"]

    # the confirmation adds what was previewed: a parent posted with it instead changes nothing
    done = admin_client.post(URL, {"parent": org_tree["HN-HOANKIEM"].pk, "rows": rows})

    assert done.status_code == 302
    added = dict(OrgUnit.objects.filter(code__startswith="LC-", level=Level.UNIT, pk__gt=org_tree["YENBAI"].pk)
                 .values_list("code", "path"))
    assert added == {"LC-SAPA-MN1": "/CP/LAOCAI/LC-SAPA/LC-SAPA-MN1/",
                     "LC-BH-THON1": "/CP/LAOCAI/LC-BACHA/LC-BH-THON1/",
                     "LC-SAPA-TDP2": "/CP/LAOCAI/LC-SAPA/LC-SAPA-TDP2/",
                     "LC-SAPA-MN2": "/CP/LAOCAI/LC-SAPA/LC-SAPA-MN2/"}
    mn1 = OrgUnit.objects.get(code="LC-SAPA-MN1")
    assert mn1.level == Level.UNIT and mn1.valid_from.isoformat() == "2025-09-01"
    assert list(Event.objects.filter(seq__gt=events).values_list("action", "data__row")) == [
        ("orgunit.add", 2), ("orgunit.add", 3), ("orgunit.add", 4), ("orgunit.add", 5)]


def test_every_bad_row_is_listed_by_row_and_column_and_nothing_is_added(laocai_admin_client, org_tree):
    upload = xlsx(("LC-NEW-1", "", "LC-SAPA", None),  # no name
                  ("LC-NEW-2", "Trường A", "LC-SAPA", None),
                  ("LC-NEW-2", "Trường B", "LC-SAPA", None),  # the same code twice
                  ("LC-SAPA-THCS", "Trường THCS", "LC-SAPA", None),  # taken
                  ("LC NEW/3", "Trường C", "LC-SAPA", None),  # malformed code
                  ("HN-NEW-1", "Trường Hà Nội", "HN-HOANKIEM", None),  # outside the admin's scope: not found
                  ("LC-NEW-4", "Trường D", "", None),  # no parent in the row or the form
                  ("LC-NEW-5", "Trường E", "LC-SAPA", "31/02/2025"),  # no such day
                  ("LC-NEW-6", "Trường F", 15, None),  # an official code of two digits, as a number: found as is
                  ("LC-NEW-7", "Trường G", 70, None))  # 00070 without its zeros: a province's code or a commune's?
    units = OrgUnit.objects.count()

    response = laocai_admin_client.post(URL, {"file": upload})

    assert response.status_code == 200 and not response.context["confirm"]
    problems = [(p.row, p.column) for p in response.context["reading"].problems]
    assert problems == [(2, "Tên"), (4, "Mã"), (5, "Mã"), (6, "Mã"), (7, "Đơn vị cấp trên"),
                        (8, "Đơn vị cấp trên"), (9, "Hiệu lực từ"), (11, "Đơn vị cấp trên")]
    # 15 is LAOCAI's official code: the province itself, which this admin administers
    text = response.content.decode()
    assert "Mã LC-NEW-2 trùng với dòng 3." in text and "Mã LC-SAPA-THCS đã có trong cây tổ chức." in text
    assert "Không tìm thấy đơn vị cấp trên «HN-HOANKIEM» trong phạm vi bạn quản trị." in text
    assert "«70» trong phạm vi bạn quản trị. Mã hành chính ghi đủ các số 0 ở đầu, dạng văn bản" in text
    assert "Xác nhận" not in text and OrgUnit.objects.count() == units


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("a.xlsx", demo.PDF), "Tệp không phải bảng tính Excel (.xlsx) đọc được."),
    (xlsx(("X1", "Trường", "LC-SAPA", None), header=["Tên đơn vị", "Ghi chú"]), "Thiếu cột này ở dòng tiêu đề."),
])
def test_a_file_that_is_not_a_usable_workbook_is_refused_with_a_message(admin_client, upload, message):
    response = admin_client.post(URL, {"file": upload})
    assert response.status_code == 200 and message in response.content.decode()


def test_formulas_and_oversize_files_are_refused(admin_client, org_tree, monkeypatch):
    formula = xlsx(("X1", "Trường", "LC-SAPA", None), ("X2", "=A2&\"-2\"", "LC-SAPA", None))
    response = admin_client.post(URL, {"file": formula})
    assert "Ô B3 chứa công thức: hãy dán giá trị thay cho công thức rồi tải lại." in response.content.decode()

    monkeypatch.setattr(unit_import, "MAX_BYTES", 1024)
    response = admin_client.post(URL, {"file": xlsx(("X1", "Trường", "LC-SAPA", None))})
    assert "Tệp lớn quá 0 MB" in response.content.decode()
    assert not OrgUnit.objects.filter(code="X1").exists()


def test_the_confirmation_adds_all_or_nothing(admin_client, org_tree):
    preview = admin_client.post(URL, {"file": xlsx(("X1", "Trường 1", "LC-SAPA", None),
                                                   ("X2", "Trường 2", "LC-SAPA", None))})
    rows = preview.context["form"].initial["rows"]
    OrgUnit.objects.create(code="X2", name="Đơn vị khác", level=Level.UNIT, parent=org_tree["LC-BACHA"])

    response = admin_client.post(URL, {"rows": rows})

    assert response.status_code == 200 and "Mã X2 đã có trong cây tổ chức." in response.content.decode()
    assert not OrgUnit.objects.filter(code="X1").exists()
    tampered = admin_client.post(URL, {"rows": rows[:-3] + "abc"})
    assert "Danh sách xem trước đã hết hạn hoặc bị sửa" in tampered.content.decode()


def test_the_commune_is_chosen_by_name_with_completion(admin_client, org_tree):
    response = admin_client.get("/admin/autocomplete/", {
        "app_label": "roles", "model_name": "orgunit", "field_name": "parent", "term": "Bắc Hà Lào Cai"})
    assert [r["text"] for r in response.json()["results"]] == ["LC-BACHA – Xã Bắc Hà"]
    page = admin_client.get(URL)
    assert 'data-ajax--url="/admin/autocomplete/"' in page.content.decode()
