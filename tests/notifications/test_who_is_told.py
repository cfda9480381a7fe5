"""Issue 24: a return tells every level it reaches that the dossier was RETURNED and why; a rejection tells every
level that forwarded the dossier and the proposing unit, with the reason; notices name awards and units, not codes."""

import pytest

from notifications.models import Kind, Notification
from workflows import actions, demo
from workflows.selectors import open_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_province(draft_factory, users):
    n = draft_factory(award="BK_TINH", name="Nguyễn Thị Thu Hằng")
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    demo.approve_in_turn(users, n, "commune_staff", "commune_chair")
    return n


def told(user, kind=None):
    notes = Notification.objects.filter(user=user)
    return list((notes.filter(kind=kind) if kind else notes).values_list("kind", "title", "body"))


def test_a_return_from_the_province_tells_the_commune_it_was_returned_and_why(at_province, users):
    n = at_province
    Notification.objects.all().delete()
    actions.return_nomination(actor=users["province_staff"], nomination=n, stage=open_stage(n),
                              reason="Thiếu biên bản họp Hội đồng cấp xã.")
    # the commune's chair, whose stage the return reopens: RETURNED with the reason, not "Hồ sơ chờ xử lý"
    [(kind, title, body)] = told(users["commune_chair"])
    assert kind == Kind.RETURNED and "trả lại" in title and "chờ xử lý" not in title
    assert "Lý do: Thiếu biên bản họp Hội đồng cấp xã." in body and "Tỉnh Lào Cai" in body
    # names, not codes
    assert n.award.name in title
    for code in ("BK_TINH", "LC-SAPA", "LAOCAI"):
        assert code not in title + body
    # the proposer hears of it too, with where it went back to
    [(kind, title, body)] = told(users["unit_head"])
    assert kind == Kind.RETURNED and "trả lại về Phường Sa Pa" in body and "Thiếu biên bản" in body
    assert Notification.objects.filter(kind=Kind.STAGE_OPENED).count() == 0


def test_a_rejection_tells_every_level_that_forwarded_it_and_the_proposer_with_the_reason(at_province, users):
    n = at_province
    demo.approve_in_turn(users, n, "province_staff")
    Notification.objects.all().delete()
    actions.reject_nomination(actor=users["province_chair"], nomination=n, stage=open_stage(n),
                              reason="Thành tích chưa tiêu biểu cấp tỉnh.")
    for username in ("unit_head", "commune_staff", "commune_chair", "province_staff"):
        [(kind, title, body)] = told(users[username])
        assert kind == Kind.REJECTED, username
        assert "Lý do: Thành tích chưa tiêu biểu cấp tỉnh." in body and "Tỉnh Lào Cai" in body
    # nobody else: not the one who rejected, not another commune
    for username in ("province_chair", "bacha_staff", "bacha_chair", "tdp_head", "pm"):
        assert told(users[username]) == [], username


def test_a_rejection_at_the_first_stage_tells_the_proposer_only(draft_factory, users):
    n = draft_factory(name="Trần Văn Một")
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    Notification.objects.all().delete()
    actions.reject_nomination(actor=users["commune_staff"], nomination=n, stage=open_stage(n), reason="Không đạt.")
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"unit_head"}
