"""The pages through Django's test client: scope, errors in the page, and SQL counts that do not grow with rows."""

import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Event
from nominations.models import Nomination, Status
from workflows import actions
from workflows.demo import PDF
from workflows.models import Stage
from workflows.selectors import open_stage

SERIAL = itertools.count()


def submitted(draft_factory, users, n, **kwargs):
    made = []
    for _ in range(n):
        nomination = draft_factory(name=f"Người số {next(SERIAL)}", **kwargs)
        actions.submit_nomination(actor=users[kwargs.get("proposer", "unit_head")], nomination=nomination)
        made.append(nomination)
    return made


def count_queries(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(queries), response


# --- log in ------------------------------------------------------------------------------------------


def test_login_page_lists_the_demo_accounts_in_demo_mode(client, users, settings):
    settings.DEMO_MODE = True
    page = client.get(reverse("login")).content.decode()
    assert "commune_staff" in page and "Trần Thị Hoa" in page and "Tài khoản dùng thử" in page


def test_login_page_hides_the_demo_accounts_outside_demo_mode(client, users, settings):
    settings.DEMO_MODE = False
    page = client.get(reverse("login")).content.decode()
    assert "commune_staff" not in page


def test_pages_need_a_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_logging_in_with_the_form_lands_on_the_inbox(client, users):
    response = client.post(reverse("login"), {"username": "commune_staff", "password": "pw"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Hồ sơ chờ tôi xử lý" in response.content.decode()


# --- inbox and lists: SQL does not grow with rows ----------------------------------------------------


def test_inbox_shows_what_waits_for_me_and_its_sql_does_not_grow(login, draft_factory, users):
    client = login("commune_staff")
    submitted(draft_factory, users, 2)
    few, response = count_queries(client, reverse("home"))
    assert "Người số" in response.content.decode()
    submitted(draft_factory, users, 23)
    many, response = count_queries(client, reverse("home"))
    assert response.context["page"].paginator.count == 25
    assert many == few


def test_inbox_filters_by_level(login, draft_factory, users):
    client = login("commune_staff")
    submitted(draft_factory, users, 1)
    assert client.get(reverse("home"), {"level": 20}).context["page"].paginator.count == 1
    assert client.get(reverse("home"), {"level": 40}).context["page"].paginator.count == 0


def test_nomination_list_sql_does_not_grow_and_filters_work(login, draft_factory, users):
    client = login("unit_head")
    draft_factory(name="Đỗ Thị Hạnh")
    few, _ = count_queries(client, reverse("nomination-list"))
    for i in range(20):
        draft_factory(name=f"Người thứ {i}")
    many, response = count_queries(client, reverse("nomination-list"))
    assert response.context["page"].paginator.count == 21
    assert many == few
    found = client.get(reverse("nomination-list"), {"q": "Hạnh"}).context["page"]
    assert [n.nominee.name for n in found] == ["Đỗ Thị Hạnh"]
    assert client.get(reverse("nomination-list"), {"status": "awarded"}).context["page"].paginator.count == 0
    assert client.get(reverse("nomination-list"), {"unit": "LC-SAPA"}).context["page"].paginator.count == 21
    assert client.get(reverse("nomination-list"), {"unit": "HANOI"}).context["page"].paginator.count == 0


def test_audit_browser_sql_does_not_grow(login, draft_factory, users):
    client = login("inspector")
    submitted(draft_factory, users, 1)
    few, _ = count_queries(client, reverse("audit-events"))
    submitted(draft_factory, users, 10)
    many, response = count_queries(client, reverse("audit-events"))
    assert len(response.context["events"]) == 50 and response.context["next_before"] is not None
    assert many == few


# --- the nomination page -----------------------------------------------------------------------------


def test_nomination_page_shows_route_timeline_and_the_actions_i_may_take(login, draft_factory, users):
    nomination = submitted(draft_factory, users, 1, award="BK_TINH")[0]
    page = login("commune_staff").get(reverse("nomination-detail", args=[nomination.pk]))
    states = [entry.state for entry in page.context["route"]]
    assert states == ["current", "planned", "planned", "planned"]
    assert [name for name, _ in page.context["actions"]] == ["approve", "return", "reject"]
    body = page.content.decode()
    assert "Trình hồ sơ" in body and "Nguyễn Văn Hùng" in body  # the timeline names who submitted
    proposer_page = login("unit_head").get(reverse("nomination-detail", args=[nomination.pk]))
    assert [name for name, _ in proposer_page.context["actions"]] == ["withdraw"]


def test_out_of_scope_nomination_and_its_documents_are_not_found_and_logged(login, draft_factory, users, caplog):
    nomination = draft_factory()
    document = nomination.documents.first()
    client = login("hanoi_staff")
    for url in (
        reverse("nomination-detail", args=[nomination.pk]),
        reverse("nomination-edit", args=[nomination.pk]),
        reverse("nomination-act", args=[nomination.pk, "approve"]),
        reverse("document-download", args=[nomination.pk, document.pk]),
    ):
        assert client.get(url).status_code == 404, url
    denials = [r for r in caplog.records if r.name == "security" and "action=read" in r.getMessage()]
    assert len(denials) == 4
    assert client.get(reverse("nomination-detail", args=[nomination.pk + 1000])).status_code == 404
    assert len([r for r in caplog.records if r.name == "security"]) == 4  # a missing id is not a denial


def test_document_download_is_an_attachment_with_a_safe_name(login, draft_factory):
    nomination = draft_factory()
    document = nomination.documents.first()
    response = login("unit_head").get(reverse("document-download", args=[nomination.pk, document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF


# --- actions through the pages: each refusal is shown in the page with its status ---------------------


def test_approve_through_the_form_moves_the_nomination_on(login, draft_factory, users):
    nomination = submitted(draft_factory, users, 1)[0]
    stage = open_stage(nomination)
    response = login("commune_staff").post(
        reverse("nomination-act", args=[nomination.pk, "approve"]), {"stage": stage.pk, "comment": "Đủ điều kiện."}
    )
    assert response.status_code == 302
    assert open_stage(nomination).step == "decide"
    assert Event.objects.filter(action="nomination.approve", comment="Đủ điều kiện.").count() == 1


def test_return_without_a_reason_is_400_with_the_message_and_changes_nothing(login, draft_factory, users):
    nomination = submitted(draft_factory, users, 1)[0]
    events = Event.objects.count()
    response = login("commune_staff").post(
        reverse("nomination-act", args=[nomination.pk, "return"]), {"stage": open_stage(nomination).pk}
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode() or "bắt buộc" in response.content.decode()
    assert Event.objects.count() == events


def test_a_stale_stage_is_409_and_shown_in_the_page(login, draft_factory, users):
    nomination = submitted(draft_factory, users, 1)[0]
    stale = open_stage(nomination).pk
    actions.approve_nomination(actor=users["commune_staff"], nomination=nomination, stage=stale)
    response = login("commune_chair").post(reverse("nomination-act", args=[nomination.pk, "approve"]), {"stage": stale})
    assert response.status_code == 409
    assert "hãy tải lại hồ sơ" in response.content.decode()


def test_acting_without_the_role_is_403_in_the_page(login, draft_factory, users):
    nomination = submitted(draft_factory, users, 1)[0]
    response = login("commune_chair").post(
        reverse("nomination-act", args=[nomination.pk, "approve"]), {"stage": open_stage(nomination).pk}
    )
    assert response.status_code == 403
    assert "vai trò" in response.content.decode()
    assert Nomination.objects.get(pk=nomination.pk).status == Status.IN_REVIEW


def test_separation_of_duties_is_400_in_the_page(login, draft_factory, users, org_tree):
    from roles.models import Role
    from roles.services import grant_role

    grant_role(actor=users["admin"], user=users["commune_staff"], org_unit=org_tree["LC-SAPA"], role=Role.DECIDER)
    nomination = submitted(draft_factory, users, 1)[0]
    actions.approve_nomination(actor=users["commune_staff"], nomination=nomination, stage=open_stage(nomination))
    detail = login("commune_staff").get(reverse("nomination-detail", args=[nomination.pk]))
    assert detail.context["actions"] == []  # no button for what would be refused
    response = login("commune_staff").post(
        reverse("nomination-act", args=[nomination.pk, "approve"]), {"stage": open_stage(nomination).pk}
    )
    assert response.status_code == 400
    assert "mỗi người chỉ tham gia một bước" in response.content.decode()


# --- the proposer's forms ------------------------------------------------------------------------------


def test_proposer_creates_answers_uploads_and_submits_through_the_pages(login, users):
    client = login("unit_head")
    response = client.post(reverse("nomination-create"), {
        "round": "1315-2026", "award": "GK_XA", "submitting_unit": "LC-SAPA-THCS", "nominee_kind": "individual",
        "nominee_name": "Trần Văn Bình", "achievement": "Dạy học cho người lớn tuổi.",
    })
    nomination = Nomination.objects.get(nominee__name="Trần Văn Bình")
    assert response.status_code == 302 and response.url == reverse("nomination-edit", args=[nomination.pk])
    edit = client.get(response.url)
    assert edit.context["missing_documents"] and edit.context["unanswered"]
    codes = [c.code for c in edit.context["form"].criteria]
    data = {"achievement": "Dạy học cho người lớn tuổi.", "nominee_details": "Giáo viên"}
    for code in codes:
        data[f"met_{code}"] = "on"
        data[f"note_{code}"] = "Có minh chứng."
    assert client.post(reverse("nomination-edit", args=[nomination.pk]), data).status_code == 302
    for kind in nomination.award.required_documents:
        upload = SimpleUploadedFile(f"{kind}.pdf", PDF, content_type="application/pdf")
        response = client.post(reverse("nomination-edit", args=[nomination.pk]),
                               {**data, "kind": kind, "file": upload, "upload": "1"})
        assert response.status_code == 302
    edit = client.get(reverse("nomination-edit", args=[nomination.pk]))
    assert edit.context["missing_documents"] == [] and edit.context["unanswered"] == []
    response = client.post(reverse("nomination-act", args=[nomination.pk, "submit"]), {"comment": ""})
    assert response.status_code == 302
    assert Nomination.objects.get(pk=nomination.pk).status == Status.IN_REVIEW


def test_a_disguised_file_is_refused_with_a_message(login, draft_factory):
    nomination = draft_factory(documents=[])
    upload = SimpleUploadedFile("bao_cao.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = login("unit_head").post(reverse("nomination-edit", args=[nomination.pk]),
                                       {"achievement": "Thành tích.", "kind": "to_trinh", "file": upload, "upload": "1"})
    assert response.status_code == 400
    assert "Định dạng tệp không được chấp nhận" in response.content.decode()
    assert nomination.documents.count() == 0


def test_submitting_an_incomplete_dossier_is_400_with_what_is_missing(login, draft_factory):
    nomination = draft_factory(documents=[])
    response = login("unit_head").post(reverse("nomination-act", args=[nomination.pk, "submit"]), {})
    assert response.status_code == 400
    assert "Hồ sơ còn thiếu" in response.content.decode(), response.content.decode()[-3000:]


def test_editing_a_nomination_in_review_is_409(login, draft_factory, users):
    nomination = submitted(draft_factory, users, 1)[0]
    assert login("unit_head").get(reverse("nomination-edit", args=[nomination.pk])).status_code == 409


def test_a_reviewer_cannot_open_the_create_form(login, users):
    assert login("commune_staff").get(reverse("nomination-create")).status_code == 403


# --- audit browser -------------------------------------------------------------------------------------


def test_audit_browser_is_for_inspectors_only(login, users):
    assert login("commune_staff").get(reverse("audit-events")).status_code == 403
    assert login("inspector").get(reverse("audit-events")).status_code == 200


def test_inspector_sees_only_their_subtree_and_verifies_and_exports(login, draft_factory, users):
    laocai = submitted(draft_factory, users, 1)[0]
    hanoi = draft_factory(proposer="hanoi_unit_head", unit="HN-HK-THPT", award="BK_TINH", name="Người Hà Nội")
    client = login("inspector")
    shown = {e.object_id for e in client.get(reverse("audit-events")).context["events"]
             if e.object_type == "nominations.nomination"}
    assert str(laocai.pk) in shown and str(hanoi.pk) not in shown
    assert client.get(reverse("audit-events"), {"nomination": hanoi.pk}).context["events"] == []
    verify = client.post(reverse("audit-verify"))
    assert verify.status_code == 200 and verify.context["answer"]["ok"]
    export = client.get(reverse("audit-export"))
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert lines and all('"org_path":"/CP/LAOCAI/' in line for line in lines)


def test_stages_are_untouched_by_reading_pages(login, draft_factory, users):
    nomination = submitted(draft_factory, users, 1)[0]
    before = list(Stage.objects.values_list("pk", "closed_at"))
    for url in (reverse("home"), reverse("nomination-list"), reverse("nomination-detail", args=[nomination.pk])):
        login("commune_staff").get(url)
    assert list(Stage.objects.values_list("pk", "closed_at")) == before


def test_list_page_count_stops_above_the_cap_and_says_more_than(login, draft_factory, users, monkeypatch):
    from workflows import selectors

    client = login("unit_head")
    for i in range(4):
        draft_factory(name=f"Người đếm {i}")
    page = client.get(reverse("nomination-list")).context["page"]
    assert page.paginator.count == 4 and not page.paginator.count_is_capped
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    response = client.get(reverse("nomination-list"))
    assert response.context["page"].paginator.count == 3 and response.context["page"].paginator.count_is_capped
    assert "Hơn 2 hồ sơ; hãy lọc để thu hẹp." in response.content.decode()


def test_the_menu_offers_proposing_and_the_audit_log_by_role(login):
    pages = {who: login(who).get(reverse("home")).content.decode() for who in ("unit_head", "inspector",
                                                                             "commune_staff")}
    create, audit = reverse("nomination-create"), reverse("audit-events")
    assert f'href="{create}"' in pages["unit_head"] and f'href="{audit}"' not in pages["unit_head"]
    assert f'href="{audit}"' in pages["inspector"] and f'href="{create}"' not in pages["inspector"]
    assert f'href="{create}"' not in pages["commune_staff"] and f'href="{audit}"' not in pages["commune_staff"]


# --- the reader's roles, once per request --------------------------------------------------------------

ROLES_QUERY = '"roles_orgunit"."path" AS "org_unit__path"'  # roles.selectors.roles_held


def test_a_page_reads_the_readers_roles_once(login, users):
    client = login("commune_staff")
    for url in (reverse("home"), reverse("nomination-list")):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert sum(ROLES_QUERY in q["sql"] for q in queries.captured_queries) == 1, url


def test_the_roles_memo_lives_one_request(login, users, org_tree):
    from roles.models import Role
    from roles.services import grant_role

    client = login("commune_staff")
    assert "Lập hồ sơ mới" not in client.get(reverse("nomination-list")).content.decode()
    grant_role(actor=users["admin"], user=users["commune_staff"], org_unit=org_tree["LC-SAPA-TDP1"],
               role=Role.PROPOSER)
    assert "Lập hồ sơ mới" in client.get(reverse("nomination-list")).content.decode()


def test_changing_ones_own_roles_clears_the_memo(users, org_tree):
    from roles.models import Role
    from roles.selectors import roles_held
    from roles.services import grant_role

    user = users["commune_staff"]
    user.roles_memo = {}
    assert Role.PROPOSER not in roles_held(user)
    grant_role(actor=users["admin"], user=user, org_unit=org_tree["LC-SAPA-TDP1"], role=Role.PROPOSER)
    assert Role.PROPOSER in roles_held(user)
