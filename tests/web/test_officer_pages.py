"""The pages as officers use them (issue 24): a proposer's own dossiers at home, a return's reason up front at the
level it reached, one form for the text and the files, names rather than codes, labels that say what happens."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Event
from nominations.models import Document, Nomination, Status
from workflows import actions
from workflows.demo import PDF, approve_in_turn
from workflows.selectors import open_stage

MOVEMENT = "Cả nước thi đua xây dựng xã hội học tập, đẩy mạnh học tập suốt đời"


def returned_to_proposer(draft_factory, users, name="Lò Văn Hải", reason="Thiếu số liệu năm 2025."):
    n = draft_factory(name=name)
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    actions.return_nomination(actor=users["commune_staff"], nomination=n, stage=open_stage(n), reason=reason)
    return n


def page_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


# --- 1. the unit head's home page ---------------------------------------------------------------------------


def test_the_unit_head_s_home_lists_returned_first_with_the_reason_then_drafts_in_review_and_decided(
        login, users, draft_factory):
    returned = returned_to_proposer(draft_factory, users)
    draft = draft_factory(name="Sùng A Dình")
    in_review = draft_factory(name="Hầu Thị Dợ")
    actions.submit_nomination(actor=users["unit_head"], nomination=in_review)
    withdrawn = draft_factory(name="Tráng A Lồng")
    actions.withdraw_nomination(actor=users["unit_head"], nomination=withdrawn)
    other_unit = draft_factory(proposer="tdp_head", unit="LC-SAPA-TDP1", kind="household", name="Hộ ông Vàng A Sử")

    response = login("unit_head").get(reverse("home"))
    own = response.context["own"]
    assert [n.pk for n in own["returned"]] == [returned.pk]
    assert own["returned"][0].returned.reason == "Thiếu số liệu năm 2025."
    assert [n.pk for n in own["drafts"]] == [draft.pk]
    assert [n.pk for n in own["in_review"]] == [in_review.pk]
    assert own["in_review"][0].stage.org_unit.code == "LC-SAPA"
    assert [n.pk for n in own["decided"]] == [withdrawn.pk]
    page = response.content.decode()
    assert page.index("Lò Văn Hải") < page.index("Sùng A Dình") < page.index("Hầu Thị Dợ") < page.index("Tráng A Lồng")
    assert "Thiếu số liệu năm 2025." in page and "đang ở Phường Sa Pa" in page
    assert other_unit.nominee.name not in page
    # A proposer who reviews nowhere is not shown an empty inbox ("0 hồ sơ đang chờ").
    assert 'data-testid="inbox-count"' not in page


def test_the_home_page_of_a_reviewer_who_proposes_nowhere_has_no_own_section(login, in_review):
    response = login("commune_chair").get(reverse("home"))
    assert response.context["own"] is None and 'data-testid="own-dossiers"' not in response.content.decode()
    assert in_review.nominee.name in response.content.decode()


def test_the_home_page_reads_a_fixed_number_of_statements_whatever_the_number_of_dossiers(
        login, users, draft_factory):
    client = login("unit_head")
    returned_to_proposer(draft_factory, users, name="Một")
    actions.submit_nomination(actor=users["unit_head"], nomination=draft_factory(name="Hai"))
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    for i in range(4):
        returned_to_proposer(draft_factory, users, name=f"Trả {i}")
        actions.submit_nomination(actor=users["unit_head"], nomination=draft_factory(name=f"Trình {i}"))
        draft_factory(name=f"Nháp {i}")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(reverse("home")).context["own"]["returned"]) == 5
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# --- 2. the reason of a return, at the top and in the inbox row, at every level ----------------------------


def test_a_return_to_the_proposer_heads_the_nomination_page(login, users, draft_factory):
    n = returned_to_proposer(draft_factory, users)
    page = page_of(login("unit_head"), reverse("nomination-detail", args=[n.pk]))
    box = page.index('data-testid="return-reason"')
    assert box < page.index('data-testid="actions"') and box < page.index("Thông tin hồ sơ")
    assert "Thiếu số liệu năm 2025." in page[box:page.index("Thông tin hồ sơ")]
    assert "Trần Thị Hoa" in page[box:page.index("Thông tin hồ sơ")]  # who returned it, by name


def test_a_return_from_the_province_reaches_the_commune_with_its_reason_in_the_row_and_on_top(
        login, users, in_review):
    approve_in_turn(users, in_review, "commune_chair", "province_staff")
    actions.return_nomination(actor=users["province_chair"], nomination=in_review, stage=open_stage(in_review),
                              reason="Cần biên bản họp Hội đồng có kết quả bỏ phiếu.")
    assert open_stage(in_review).org_unit.code == "LC-SAPA"
    client = login("commune_chair")
    home = page_of(client, reverse("home"))
    row = home[home.index(f'data-testid="returned-{in_review.pk}"'):]
    assert "Cần biên bản họp Hội đồng" in row[:row.index("</td>")] and "Tỉnh Lào Cai" in row[:row.index("</td>")]
    detail = page_of(client, reverse("nomination-detail", args=[in_review.pk]))
    assert detail.index("Cần biên bản họp Hội đồng") < detail.index("Thông tin hồ sơ")
    # Once the commune forwards it again, the return is history: it leaves the top of the page.
    approve_in_turn(users, in_review, "commune_chair")
    detail = page_of(login("province_staff"), reverse("nomination-detail", args=[in_review.pk]))
    assert 'data-testid="return-reason"' not in detail and "Cần biên bản họp Hội đồng" in detail  # the timeline


# --- 4. typing and uploading in one form ------------------------------------------------------------------


def edit_post(client, n, achievement, **extra):
    return client.post(reverse("nomination-edit", args=[n.pk]), {"achievement": achievement, **extra})


def test_uploading_a_file_saves_the_text_typed_with_it(login, draft_factory):
    n = draft_factory(documents=[])
    client = login("unit_head")
    response = edit_post(client, n, "Thành tích mới, chưa lưu.", upload="1", kind="to_trinh",
                         file=SimpleUploadedFile("to_trinh.pdf", PDF, content_type="application/pdf"))
    assert response.status_code == 302
    n.refresh_from_db()
    assert n.achievement == "Thành tích mới, chưa lưu."
    assert list(n.documents.values_list("original_name", flat=True)) == ["to_trinh.pdf"]


def test_a_refused_upload_keeps_the_typed_text_in_the_page(login, draft_factory):
    n = draft_factory(documents=[])
    response = edit_post(login("unit_head"), n, "Văn bản đang gõ dở.", upload="1", kind="to_trinh",
                         file=SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"))
    assert response.status_code == 400
    assert "Văn bản đang gõ dở." in response.content.decode()
    assert "Định dạng tệp không được chấp nhận" in response.content.decode()
    n.refresh_from_db()
    assert n.documents.count() == 0


def test_saving_without_a_file_attaches_nothing(login, draft_factory):
    n = draft_factory(documents=[])
    assert edit_post(login("unit_head"), n, "Chỉ sửa chữ.").status_code == 302
    n.refresh_from_db()
    assert n.achievement == "Chỉ sửa chữ." and n.documents.count() == 0


# --- 12. removing and replacing a document from the page -----------------------------------------------------


def test_the_proposer_removes_and_replaces_documents_from_the_edit_page(login, draft_factory):
    n = draft_factory()
    client = login("unit_head")
    first, second = n.documents.order_by("pk")[:2]
    assert client.post(reverse("document-remove", args=[n.pk, first.pk])).status_code == 302
    assert not Document.objects.filter(pk=first.pk).exists()
    response = edit_post(client, n, n.achievement, upload="1", kind="to_trinh", replaces=second.pk,
                         file=SimpleUploadedFile("moi.pdf", PDF, content_type="application/pdf"))
    assert response.status_code == 302
    new = n.documents.get(original_name="moi.pdf")
    assert new.kind == second.kind and not Document.objects.filter(pk=second.pk).exists()
    assert Event.objects.filter(action="nomination.document_replace", object_id=str(n.pk)).count() == 1


def test_removing_a_document_is_refused_in_review_by_others_and_out_of_scope(login, users, draft_factory):
    n = draft_factory()
    document = n.documents.first()
    assert login("commune_staff").post(reverse("document-remove", args=[n.pk, document.pk])).status_code == 404
    assert login("hanoi_unit_head").post(reverse("document-remove", args=[n.pk, document.pk])).status_code == 404
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    assert login("unit_head").post(reverse("document-remove", args=[n.pk, document.pk])).status_code == 409
    assert login("commune_staff").post(reverse("document-remove", args=[n.pk, document.pk])).status_code == 409
    assert Document.objects.filter(pk=document.pk).exists()


# --- 6, 8, 9: the movement, names, hashes, labels ----------------------------------------------------------------


def test_the_page_names_the_round_s_movement_and_the_footer_the_system(login, draft_factory):
    n = draft_factory()
    page = page_of(login("unit_head"), reverse("nomination-detail", args=[n.pk]))
    assert MOVEMENT in page and "chung tay vì người nghèo" not in page
    assert "hệ thống xét duyệt hồ sơ đề nghị khen thưởng" in page


def test_the_timeline_names_units_and_people_and_shows_hashes_only_to_inspectors(login, in_review):
    url = reverse("nomination-detail", args=[in_review.pk])
    page = page_of(login("commune_chair"), url)
    timeline = page[page.index('data-testid="timeline"'):]
    assert "(Phường Sa Pa)" in timeline and "(LC-SAPA)" not in timeline and "Trần Thị Hoa" in timeline
    assert 'class="muted hash"' not in timeline
    assert 'class="muted hash"' in page_of(login("inspector"), url)


def test_the_audit_table_shows_full_names_and_unit_names(login, in_review):
    page = page_of(login("inspector"), reverse("audit-events"))
    table = page[page.index('data-testid="audit-events"'):]
    assert "Nguyễn Văn Hùng" in table and "Phường Sa Pa" in table
    assert ">unit_head<" not in table and ">LC-SAPA<" not in table


def test_approval_buttons_say_what_each_step_does(login, users, in_review):
    page = page_of(login("commune_chair"), reverse("nomination-detail", args=[in_review.pk]))
    assert ">Trình cấp trên</a>" in page and ">Đồng ý</a>" not in page
    approve_in_turn(users, in_review, "commune_chair")
    page = page_of(login("province_staff"), reverse("nomination-detail", args=[in_review.pk]))
    assert ">Thẩm định, trình lãnh đạo</a>" in page
    approve_in_turn(users, in_review, "province_staff")
    client = login("province_chair")
    assert ">Quyết định khen thưởng</a>" in page_of(client, reverse("nomination-detail", args=[in_review.pk]))
    form = page_of(client, reverse("nomination-act", args=[in_review.pk, "approve"]))
    assert ">Quyết định khen thưởng</button>" in form
    returning = page_of(client, reverse("nomination-act", args=[in_review.pk, "return"]))
    assert "Lý do trả lại" in returning and "hiện ở đầu hồ sơ" in returning and "mọi người xem" in returning


def test_the_council_rule_names_its_level_once(login, in_review, settings):
    from roles.models import Level
    from workflows.models import CouncilRule
    CouncilRule.objects.create(level=Level.PROVINCE, threshold_percent=50)
    page = page_of(login("commune_chair"), reverse("nomination-detail", args=[in_review.pk]))
    assert "Hội đồng Thi đua – Khen thưởng (Cấp tỉnh)" in page and "Hội đồng cấp Cấp" not in page


def test_get_on_the_chain_check_goes_back_to_the_log(login):
    response = login("inspector").get(reverse("audit-verify"))
    assert response.status_code == 302 and response.url == reverse("audit-events")
    assert login("commune_staff").get(reverse("audit-verify")).status_code == 403


def test_the_bk_ttg_path_field_is_marked_for_its_award_only(login):
    page = page_of(login("unit_head"), reverse("nomination-create"))
    assert 'class="field field-path' in page


def test_messages_are_a_list_inside_a_status_region(login, users, draft_factory):
    n = draft_factory()
    page = login("unit_head").post(reverse("nomination-edit", args=[n.pk]), {"achievement": "X"}, follow=True)
    html = page.content.decode()
    assert '<div role="status"><ul class="messages">' in html
    assert Nomination.objects.get(pk=n.pk).status == Status.DRAFT


def test_the_labels_read_as_actions_in_english(login, users, in_review):
    from django.utils import translation

    from workflows import labels, registry
    with translation.override("en"):
        assert str(registry.get("approve").label) == "Approve"
        assert str(labels.action_label("approve", open_stage(in_review), final=False)) == "Submit to the level above"
    client = login("commune_chair")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = page_of(client, reverse("nomination-detail", args=[in_review.pk]))
    assert ">Submit to the level above</a>" in page and "Movement" in page


def test_the_admin_names_this_system_and_its_login_lockouts_in_vietnamese(login):
    client = login("admin")
    index = page_of(client, "/admin/")
    assert "Trang quản trị Thi đua – Khen thưởng" in index and "Khóa đăng nhập" in index
    assert "Django" not in index and "Access attempts" not in index and ">Axes<" not in index
    assert "các lần đăng nhập sai" in page_of(client, "/admin/axes/accessattempt/").lower()
