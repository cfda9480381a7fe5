"""G4 holds, scenario 8 of DOMAIN.md §9."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from audit.chain import verify_chain
from audit.models import Event
from nominations.models import Hold, Status
from workflows import actions, demo
from workflows.errors import InvalidTransition
from workflows.selectors import open_stage


def upload():
    return ContentFile(demo.PDF, name="cong-van-xem-xet-ky-luat.pdf")


def hold(users, n, who="inspector", reason="discipline"):
    return actions.place_hold(actor=users[who], nominee=n.nominee, reason=reason, upload=upload(),
                              note="Đang xem xét kỷ luật")


def test_a_flagged_nominee_waits_on_hold_and_resumes_where_it_was(in_review, users):
    stage = open_stage(in_review)
    h = hold(users, in_review)
    in_review.refresh_from_db()
    assert in_review.status == Status.ON_HOLD
    assert open_stage(in_review) == stage  # the open stage stays
    with pytest.raises(InvalidTransition):
        actions.approve_nomination(actor=users["commune_chair"], nomination=in_review, stage=stage)

    actions.clear_hold(actor=users["inspector"], hold=h, note="Kết luận: không vi phạm.")
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW
    assert open_stage(in_review) == stage
    actions.approve_nomination(actor=users["commune_chair"], nomination=in_review, stage=stage)
    actions_ = list(Event.objects.order_by("seq").values_list("action", flat=True))
    assert ["nominee.hold", "nomination.hold"] == actions_[-5:-3]
    assert ["nominee.clear_hold", "nomination.release", "nomination.approve"] == actions_[-3:]
    hold_event = Event.objects.get(action="nominee.hold")
    assert hold_event.data["sha256"] == Hold.objects.get().sha256
    assert verify_chain().ok


def test_only_an_inspector_or_administrator_places_a_hold(in_review, users):
    with pytest.raises(PermissionDenied):
        hold(users, in_review, who="commune_staff")
    with pytest.raises(PermissionDenied):
        hold(users, in_review, who="hanoi_staff")
    assert hold(users, in_review, who="admin").is_active


def test_a_hold_needs_its_document_and_a_known_reason(in_review, users):
    with pytest.raises(ValidationError):
        actions.place_hold(actor=users["inspector"], nominee=in_review.nominee, reason="discipline", upload=None)
    with pytest.raises(ValidationError):
        hold(users, in_review, reason="gossip")


def test_the_nomination_stays_on_hold_until_the_last_flag_is_cleared(in_review, users):
    first = hold(users, in_review)
    hold(users, in_review, who="chief_inspector", reason="complaint")
    actions.clear_hold(actor=users["inspector"], hold=first, note="Đã xong.")
    in_review.refresh_from_db()
    assert in_review.status == Status.ON_HOLD
    with pytest.raises(InvalidTransition):
        actions.clear_hold(actor=users["inspector"], hold=first, note="Lần nữa.")


def test_clearing_needs_a_reason(in_review, users):
    h = hold(users, in_review)
    with pytest.raises(ValidationError):
        actions.clear_hold(actor=users["inspector"], hold=h, note=" ")


def test_a_returned_nomination_resubmitted_while_held_cannot_be_forwarded(draft_factory, users):
    n = draft_factory(award="BK_TINH", name="Mạc Thị Hoãn")
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    actions.return_nomination(actor=users["commune_staff"], nomination=n, stage=open_stage(n), reason="Bổ sung.")
    hold(users, n)
    n.refresh_from_db()
    assert n.status == Status.RETURNED  # nothing in review to pause
    actions.resubmit_nomination(actor=users["unit_head"], nomination=n)
    with pytest.raises(ValidationError, match="tạm dừng"):
        actions.approve_nomination(actor=users["commune_staff"], nomination=n, stage=open_stage(n))


def test_a_held_nomination_may_still_be_withdrawn(in_review, users):
    hold(users, in_review)
    n = actions.withdraw_nomination(actor=users["unit_head"], nomination=in_review, reason="Rút.")
    assert n.status == Status.WITHDRAWN and open_stage(n) is None
