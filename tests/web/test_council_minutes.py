"""Issue 24, item 5: the council's vote never dead-ends. With no minutes attached at the step, the secretary's form
says so and takes the file there (attached with the vote, in one transaction); the decider's form links to it;
and the demo ships council rules from the province up, so it shows a Hội đồng TĐKT vote."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from audit.models import Event
from nominations.models import AwardType, Document, Nomination, Status
from roles.models import Level
from workflows import actions, demo
from workflows.models import CouncilRule, CouncilVote
from workflows.selectors import open_stage

pytestmark = pytest.mark.django_db


def pdf(name="bien-ban-hop.pdf"):
    return SimpleUploadedFile(name, demo.PDF, content_type="application/pdf")


@pytest.fixture
def at_commune_decision(draft_factory, users):
    CouncilRule.objects.create(level=Level.COMMUNE, award=AwardType.objects.get(code="GK_XA"), quorum_percent=50,
                               threshold_percent=70, threshold_base=CouncilRule.Base.MEMBERS)
    n = draft_factory("tdp_head", "LC-SAPA-TDP1", "GK_XA", kind="household", name="Hộ Sùng Văn Họp")
    actions.submit_nomination(actor=users["tdp_head"], nomination=n)
    demo.approve_in_turn(users, n, "commune_staff")
    return n


def files_in(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_with_no_minutes_at_this_step_the_form_explains_and_takes_the_file(login, at_commune_decision, users, settings):
    n = at_commune_decision
    secretary = login("commune_secretary")
    page = secretary.get(reverse("nomination-detail", args=[n.pk]))
    form = page.context["council_form"]
    assert "minutes" not in form.fields and form.fields["minutes_file"].required
    html = page.content.decode()
    assert "Chưa có biên bản họp nào được đính kèm ở bước này" in html and 'enctype="multipart/form-data"' in html
    vote = {"stage": open_stage(n).pk, "present": 6, "votes_for": 6}
    missing = secretary.post(reverse("council-vote", args=[n.pk]), vote)
    assert missing.status_code == 400
    assert "Hãy chọn tệp biên bản họp Hội đồng để tải lên" in missing.content.decode()
    before = Document.objects.count()
    done = secretary.post(reverse("council-vote", args=[n.pk]), {**vote, "minutes_file": pdf()})
    assert done.status_code == 302
    recorded = CouncilVote.objects.get()
    assert recorded.minutes.original_name == "bien-ban-hop.pdf" and recorded.minutes.kind == "bien_ban_hoi_dong"
    assert recorded.minutes.uploaded_by == users["commune_secretary"] and Document.objects.count() == before + 1
    actions_logged = list(Event.objects.filter(object_id=str(n.pk)).order_by("-seq").values_list("action", flat=True)[:2])
    assert actions_logged == ["nomination.council_vote", "nomination.document_add"]
    # the chair then decides
    assert login("commune_chair").post(reverse("nomination-act", args=[n.pk, "approve"]),
                                       {"stage": open_stage(n).pk}).status_code == 302
    assert Nomination.objects.get(pk=n.pk).status == Status.AWARDED


def test_a_refused_vote_keeps_no_uploaded_minutes(login, at_commune_decision, settings):
    n = at_commune_decision
    before = Document.objects.count()
    files = len(files_in(settings.MEDIA_ROOT))
    low = login("commune_secretary").post(reverse("council-vote", args=[n.pk]), {
        "stage": open_stage(n).pk, "present": 6, "votes_for": 4, "minutes_file": pdf()})
    assert low.status_code == 400 and "70%" in low.content.decode()
    assert Document.objects.count() == before and not CouncilVote.objects.exists()
    assert len(files_in(settings.MEDIA_ROOT)) == files
    bad = login("commune_secretary").post(reverse("council-vote", args=[n.pk]), {
        "stage": open_stage(n).pk, "present": 6, "votes_for": 6,
        "minutes_file": SimpleUploadedFile("bien-ban.pdf", b"not a pdf", content_type="application/pdf")})
    assert bad.status_code == 400 and bad.context["council_form"].errors.get("minutes_file")
    assert Document.objects.count() == before


def test_minutes_already_attached_are_chosen_or_replaced_by_an_upload(login, at_commune_decision):
    n = at_commune_decision
    secretary = login("commune_secretary")
    assert secretary.post(reverse("document-upload", args=[n.pk]),
                          {"kind": "bien_ban_hoi_dong", "file": pdf("da-dinh-kem.pdf")}).status_code == 302
    form = secretary.get(reverse("nomination-detail", args=[n.pk])).context["council_form"]
    assert [d.original_name for d in form.fields["minutes"].queryset] == ["da-dinh-kem.pdf"]
    assert not form.fields["minutes_file"].required
    chosen = form.fields["minutes"].queryset.get().pk
    assert secretary.post(reverse("council-vote", args=[n.pk]), {
        "stage": open_stage(n).pk, "present": 6, "votes_for": 6, "minutes": chosen}).status_code == 302
    assert CouncilVote.objects.get().minutes_id == chosen


def test_the_decider_s_form_points_to_where_the_vote_is_recorded(login, at_commune_decision):
    n = at_commune_decision
    html = login("commune_chair").get(reverse("nomination-act", args=[n.pk, "approve"])).content.decode()
    assert "chưa ghi kết quả bỏ phiếu" in html and f'href="/nominations/{n.pk}/#council"' in html


def test_the_demo_shows_a_council_vote_from_the_province_up(settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    assert set(CouncilRule.objects.values_list("level", flat=True)) == {Level.PROVINCE, Level.MINISTRY,
                                                                        Level.GOVERNMENT}
    call_command("seed_demo")  # idempotent
    assert CouncilRule.objects.count() == 3
    # the demo's BK_TINH waiting at the province: appraised, then the province's council votes, then the chair
    n = Nomination.objects.get(nominee__name="Trường THCS Sa Pa", award__code="BK_TINH")
    staff = Nomination.objects.model.created_by.field.related_model.objects.get(username="province_staff")
    actions.approve_nomination(actor=staff, nomination=n, stage=open_stage(n))
    client.force_login(staff.__class__.objects.get(username="province_secretary"))
    page = client.get(reverse("nomination-detail", args=[n.pk]))
    assert page.context["council"] is not None and page.context["council_form"] is not None
    assert client.post(reverse("council-vote", args=[n.pk]), {
        "stage": open_stage(n).pk, "present": 9, "votes_for": 8, "minutes_file": pdf()}).status_code == 302
    client.force_login(staff.__class__.objects.get(username="province_chair"))
    assert client.post(reverse("nomination-act", args=[n.pk, "approve"]),
                       {"stage": open_stage(n).pk}).status_code == 302
    assert Nomination.objects.get(pk=n.pk).status == Status.AWARDED
    assert CouncilVote.objects.get(stage__nomination=n).members == 9
