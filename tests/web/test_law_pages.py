"""Issues 9 and 10 through the pages: deadlines in working days, holds, council votes, the rules in force,
the path of a BK_TTG, and the user's notifications."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nominations.models import AwardType, Nomination, Status
from notifications.models import Kind, Notification
from roles.models import Level
from workflows import actions, demo
from workflows.models import CouncilRule, CouncilVote
from workflows.selectors import open_stage


def pdf(name="cong-van.pdf"):
    return SimpleUploadedFile(name, demo.PDF, content_type="application/pdf")


def test_the_inbox_counts_days_left_in_working_days(login, in_review, users):
    stage = open_stage(in_review)
    response = login("commune_chair").get(reverse("home"))
    [shown] = response.context["page"].object_list
    assert shown.pk == stage.pk and shown.days_left is not None
    assert "ngày làm việc" in response.content.decode()
    detail = login("commune_chair").get(reverse("nomination-detail", args=[in_review.pk]))
    assert detail.context["stage"].days_left == shown.days_left


def test_an_inspector_holds_and_clears_through_the_page_and_the_inbox_follows(login, in_review, users):
    client = login("inspector")
    page = client.get(reverse("nomination-detail", args=[in_review.pk]))
    assert page.context["hold_form"] is not None
    response = client.post(reverse("hold-place", args=[in_review.pk]),
                           {"reason": "discipline", "file": pdf(), "note": "Đang xem xét kỷ luật"})
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Status.ON_HOLD
    assert login("commune_chair").get(reverse("home")).context["page"].paginator.count == 0
    client = login("inspector")
    [hold] = client.get(reverse("nomination-detail", args=[in_review.pk])).context["holds"]
    refused = client.post(reverse("hold-clear", args=[in_review.pk, hold.pk]), {"note": ""})
    assert refused.status_code == 400
    response = client.post(reverse("hold-clear", args=[in_review.pk, hold.pk]), {"note": "Kết luận: không vi phạm"})
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW
    assert login("commune_chair").get(reverse("home")).context["page"].paginator.count == 1


def test_a_reviewer_cannot_hold_and_a_stranger_does_not_find_the_page(login, in_review):
    response = login("commune_chair").post(reverse("hold-place", args=[in_review.pk]),
                                           {"reason": "discipline", "file": pdf()})
    assert response.status_code == 403
    response = login("hanoi_staff").post(reverse("hold-place", args=[in_review.pk]),
                                         {"reason": "discipline", "file": pdf()})
    assert response.status_code == 404
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW


@pytest.fixture
def council_at_commune(draft_factory, users):
    CouncilRule.objects.create(level=Level.COMMUNE, award=AwardType.objects.get(code="GK_XA"), quorum_percent=50,
                               threshold_percent=70, threshold_base=CouncilRule.Base.MEMBERS)
    n = draft_factory("tdp_head", "LC-SAPA-TDP1", "GK_XA", kind="household", name="Hộ Lù Văn Chứ")
    actions.submit_nomination(actor=users["tdp_head"], nomination=n)
    demo.approve_in_turn(users, n, "commune_staff")
    return n


def test_the_secretary_records_the_vote_on_the_page_and_the_chair_then_decides(login, council_at_commune, users):
    n = council_at_commune
    chair = login("commune_chair")
    url = reverse("nomination-act", args=[n.pk, "approve"])
    form_page = chair.get(url)
    assert form_page.context["council"] is not None and "votes_for" not in form_page.context["form"].fields
    assert "Thư ký Hội đồng chưa ghi" in form_page.content.decode()
    refused = chair.post(url, {"stage": open_stage(n).pk, "members": 1, "present": 1, "votes_for": 1})
    assert refused.status_code == 400 and "Thư ký Hội đồng phải ghi" in refused.content.decode()
    assert chair.get(reverse("nomination-detail", args=[n.pk])).context["council_form"] is None  # not the secretary
    earlier = n.documents.get(kind="bien_ban_hoi_dong").pk  # the proposer's
    response = chair.post(reverse("council-vote", args=[n.pk]),
                          {"stage": open_stage(n).pk, "present": 1, "votes_for": 1, "minutes": earlier})
    assert response.status_code == 403 and not CouncilVote.objects.exists()

    secretary = login("commune_secretary")
    detail = secretary.get(reverse("nomination-detail", args=[n.pk]))
    assert detail.status_code == 200 and detail.context["council_form"] is not None
    assert detail.context["upload_form"] is not None  # the secretary attaches the minutes
    assert secretary.post(reverse("document-upload", args=[n.pk]),
                          {"kind": "bien_ban_hoi_dong", "file": pdf("bien-ban.pdf")}).status_code == 302
    minutes = n.documents.filter(kind="bien_ban_hoi_dong").latest("uploaded_at", "pk")
    vote = {"stage": open_stage(n).pk, "present": 6, "votes_for": 4, "minutes": minutes.pk}
    low = secretary.post(reverse("council-vote", args=[n.pk]), vote)
    assert low.status_code == 400 and "70%" in low.content.decode()
    assert not CouncilVote.objects.exists()
    assert secretary.post(reverse("council-vote", args=[n.pk]), {**vote, "votes_for": 5}).status_code == 302
    recorded = CouncilVote.objects.get()
    assert (recorded.members, recorded.votes_for, recorded.recorded_by) == (7, 5, users["commune_secretary"])
    shown = login("commune_chair").get(reverse("nomination-detail", args=[n.pk]))
    assert shown.context["council_vote"] == recorded and "6/7" in shown.content.decode()

    assert login("commune_chair").post(url, {"stage": open_stage(n).pk}).status_code == 302
    n.refresh_from_db()
    assert n.status == Status.AWARDED


def test_the_page_refuses_the_vote_as_the_api_does(login, council_at_commune):
    n = council_at_commune
    vote = {"stage": open_stage(n).pk, "present": 7, "votes_for": 7,
            "minutes": n.documents.get(kind="bien_ban_hoi_dong").pk}
    assert login("commune_staff").post(reverse("council-vote", args=[n.pk]), vote).status_code == 403
    assert login("hanoi_staff").post(reverse("council-vote", args=[n.pk]), vote).status_code == 404
    secretary = login("commune_secretary")
    stale = secretary.post(reverse("council-vote", args=[n.pk]), {**vote, "stage": n.stages.get(step="appraise").pk})
    assert stale.status_code == 409
    earlier = secretary.post(reverse("council-vote", args=[n.pk]), vote)  # minutes from before this stage
    assert earlier.status_code == 400 and "biên bản" in earlier.content.decode()
    assert secretary.post(reverse("council-vote", args=[n.pk]), {**vote, "present": 100000}).status_code == 400
    assert not CouncilVote.objects.exists()


def test_the_page_says_which_rules_judge_the_nomination(login, in_review):
    page = login("unit_head").get(reverse("nomination-detail", args=[in_review.pk]))
    rules = page.context["rules"]
    assert rules["deciding_level"]["level"] == Level.PROVINCE and rules["profile"] is not None
    assert "Quy định áp dụng" in page.content.decode()


def test_the_create_form_records_the_bk_ttg_path(login):
    response = login("unit_head").post(reverse("nomination-create"), {
        "round": "1315-2026", "award": "BK_TTG", "submitting_unit": "LC-SAPA-THCS", "nominee_kind": "individual",
        "nominee_name": "Hoàng Thị Mai", "achievement": "Cứu người trong lũ.", "path": "exceptional",
    })
    assert response.status_code == 302
    assert Nomination.objects.get(nominee__name="Hoàng Thị Mai").path == "exceptional"


def test_notifications_page_lists_mine_counts_unread_and_marks_them_read(
    login, in_review, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.return_nomination(actor=users["commune_chair"], nomination=in_review, stage=open_stage(in_review),
                                  reason="Thiếu minh chứng")
    client = login("unit_head")
    page = client.get(reverse("notification-list"))
    mine = list(page.context["page"].object_list)
    assert mine and all(n.user_id == users["unit_head"].pk for n in mine)
    assert any(n.kind == Kind.RETURNED for n in mine)
    assert page.context["nav_unread"] == len(mine)
    assert client.post(reverse("notifications-read")).status_code == 302
    assert not Notification.objects.filter(user=users["unit_head"], read_at__isnull=True).exists()
    assert login("commune_staff").get(reverse("notification-list")).context["page"].paginator.count == \
        Notification.objects.filter(user=users["commune_staff"]).count()


def test_the_proposer_is_told_when_the_award_is_decided(users, draft_factory, django_capture_on_commit_callbacks):
    n = draft_factory(award="GK_XA", name="Vàng Thị Dung")
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    with django_capture_on_commit_callbacks(execute=True):
        demo.approve_in_turn(users, n, "commune_staff", "commune_chair")
    n.refresh_from_db()
    assert n.status == Status.AWARDED
    awarded = Notification.objects.get(user=users["unit_head"], kind=Kind.AWARDED)
    assert n.decision_number in awarded.body
