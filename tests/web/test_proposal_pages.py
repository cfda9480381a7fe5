"""The tờ trình pages: list and create, the items with what each lacks, submit, the bulk review with checkboxes
answered per item, resubmit, the import preview and confirmation, and the inbox grouped by tờ trình."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from nominations.models import Nomination, Status
from proposals import importing
from proposals.models import Proposal, ProposalStatus

from ..proposals.conftest import pins

pytestmark = pytest.mark.django_db


def test_a_proposer_drafts_imports_and_submits(login, users, org_tree):
    page = login("unit_head")
    created = page.post("/proposals/", {"issuing_unit": org_tree["LC-SAPA-THCS"].pk,
                                        "round": Proposal._meta.get_field("round").related_model.objects.get(
                                            code="1315-2026").pk, "title": "Đề nghị"})
    proposal = Proposal.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/proposals/{proposal.pk}/"
    book = Workbook()
    sheet = book.active
    sheet.title = importing.LIST_SHEET
    sheet.append([c.header for c in importing.COLUMNS])
    sheet.append(["Cá nhân", "Lò Thị Hoa", "", "GK_XA", "Tích cực", "", "CN-1", "Có"])
    sheet.append(["Cá nhân", "Lò Thị Hoa", "", "GK_XA", "Tích cực", "", "CN-1", "Có"])
    out = io.BytesIO()
    book.save(out)
    upload = page.post(f"/proposals/{proposal.pk}/import/",
                       {"file": SimpleUploadedFile("ds.xlsx", out.getvalue())})
    preview = page.get(upload["Location"]).content.decode()
    assert "Trùng với dòng 2" in preview and "import-confirm" not in preview
    assert Nomination.objects.count() == 0
    detail = page.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "import-link" in detail and "submit-form" in detail
    refused = page.post(f"/proposals/{proposal.pk}/submit/", {})
    assert refused.status_code == 400 and "Tờ trình chưa có hồ sơ nào" in refused.content.decode()


def test_the_reviewer_bulk_reviews_with_checkboxes_and_reads_the_answer_per_item(login, school_proposal):
    proposal = school_proposal(["GK_XA", "GK_XA", "GK_XA"], submit=True)
    staff = login("commune_staff")
    home = staff.get("/").content.decode()
    assert "inbox-proposals" in home and f"/proposals/{proposal.pk}/" in home
    detail = staff.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "review-form" in detail and detail.count('name="item"') == 3
    chosen = pins(proposal)
    stale = f"{chosen[2]['nomination']}:{chosen[2]['stage'] + 999}"
    answer = staff.post(f"/proposals/{proposal.pk}/review/", {
        "action": "approve", "item": [f"{c['nomination']}:{c['stage']}" for c in chosen[:2]] + [stale]},
        follow=True).content.decode()
    assert "2 hồ sơ đã xử lý, 1 bị từ chối" in answer and f"#{chosen[2]['nomination']}" in answer
    returned = staff.post(f"/proposals/{proposal.pk}/review/", {
        "action": "return", "item": [f"{chosen[2]['nomination']}:{chosen[2]['stage']}"]})
    assert returned.status_code == 400  # no reason
    staff.post(f"/proposals/{proposal.pk}/review/", {
        "action": "return", "reason": "Bổ sung", "item": [f"{chosen[2]['nomination']}:{chosen[2]['stage']}"]})
    assert Nomination.objects.get(pk=chosen[2]["nomination"]).status == Status.RETURNED
    school = login("unit_head")
    assert "resubmit" in school.get(f"/proposals/{proposal.pk}/").content.decode()
    school.post(f"/proposals/{proposal.pk}/resubmit/", {"item": [chosen[2]["nomination"]]})
    assert Nomination.objects.get(pk=chosen[2]["nomination"]).status == Status.IN_REVIEW


def test_out_of_scope_pages_are_404(login, school_proposal):
    proposal = school_proposal(["GK_XA"], submit=True)
    page = login("hanoi_staff")
    for path in ("", "import/", "import/template/"):
        assert page.get(f"/proposals/{proposal.pk}/{path}").status_code == 404
    assert page.post(f"/proposals/{proposal.pk}/review/", {"action": "approve"}).status_code == 404
    assert proposal.status == ProposalStatus.SUBMITTED


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_pages_take_the_same_statements_for_one_item_and_many(login, school_proposal):
    one = school_proposal(["GK_XA"], submit=True)
    staff = login("commune_staff")
    few = [_count(staff, "/"), _count(staff, "/proposals/"), _count(staff, f"/proposals/{one.pk}/")]
    many = school_proposal(["GK_XA", "BK_TINH"] * 4, submit=True)
    assert few == [_count(staff, "/"), _count(staff, "/proposals/"), _count(staff, f"/proposals/{many.pk}/")]
