"""Issue 24: a stage can carry more than one clock (the central board's 5 working days to return an ineligible
dossier beside its 20 to appraise), each with its own reminder and escalation; an escalation always reaches
someone (the level's deciders, else the next level's leader, else the administrators)."""

import pytest
from django.utils import timezone

from audit.models import Event
from deadlines.calendar import WorkingCalendar
from deadlines.models import StageAlert
from notifications.models import Kind, Notification
from roles.models import Level, RoleAssignment
from roles.services import revoke_role
from workflows import actions, demo, reminders
from workflows.selectors import open_stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_central_board(draft_factory, users):
    """A BK_TTG (sơ kết) forwarded by the commune and the province, open at the central board's appraisal."""
    n = draft_factory(award="BK_TTG", round="1315-SK-2025", name="Hoàng Thị Hằng")
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    demo.approve_in_turn(users, n, "commune_staff", "commune_chair", "province_staff", "province_chair")
    stage = open_stage(n)
    assert stage.level == Level.CENTRAL_BOARD
    return n, stage


def after(stage, days):
    return WorkingCalendar().add_working_days(timezone.localdate(stage.opened_at), days)


def notes(kind, user):
    return list(Notification.objects.filter(kind=kind, user=user).values_list("title", "body"))


def test_the_central_board_has_a_5_day_return_clock_beside_its_20_day_clock_each_reminded_and_escalated(
        at_central_board, users):
    n, stage = at_central_board
    # day 1: neither clock is near its end
    assert reminders.run(after(stage, 1)) == {"reminder": 0, "escalation": 0}
    # day 3: 2 working days left to return an ineligible dossier → the board's appraisers are reminded of that
    assert reminders.run(after(stage, 3)) == {"reminder": 1, "escalation": 0}
    [(title, body)] = notes(Kind.REMINDER, users["central_staff"])
    assert "trả lại" in title and "không đủ điều kiện" in title and "Hoàng Thị Hằng" in title
    assert "BK_TTG" not in title + body and "Bằng khen của Thủ tướng Chính phủ" in title
    # day 6: the 5 days are over → escalated once; the 20-day clock still runs
    assert reminders.run(after(stage, 6)) == {"reminder": 0, "escalation": 1}
    assert reminders.run(after(stage, 6)) == {"reminder": 0, "escalation": 0}
    # day 17 and 21: the 20-day clock's own reminder and escalation
    assert reminders.run(after(stage, 17)) == {"reminder": 1, "escalation": 0}
    assert reminders.run(after(stage, 21)) == {"reminder": 0, "escalation": 1}
    alerts = set(StageAlert.objects.filter(stage_id=stage.pk).values_list("clock", "kind"))
    assert alerts == {("return_ineligible", "reminder"), ("return_ineligible", "escalation"),
                      ("", "reminder"), ("", "escalation")}
    clocks = [e.data["clock"] for e in Event.objects.filter(action="nomination.escalation").order_by("seq")]
    assert clocks == ["return_ineligible", "due"]


def test_a_closed_stage_stops_its_clocks(at_central_board, users):
    n, stage = at_central_board
    actions.return_nomination(actor=users["central_staff"], nomination=n, stage=stage, reason="Không đủ điều kiện.")
    assert reminders.run(after(stage, 6)) == {"reminder": 0, "escalation": 0}


def test_the_central_board_has_no_decider_so_its_escalation_goes_to_the_next_level_s_leader(at_central_board, users):
    n, stage = at_central_board
    assert not RoleAssignment.objects.filter(org_unit=stage.org_unit, role="decider").exists()
    reminders.run(after(stage, 6))
    [(title, body)] = notes(Kind.ESCALATION, users["pm"])
    assert "Quá hạn" in title and "Ban Thi đua - Khen thưởng Trung ương" in body
    event = Event.objects.get(action="nomination.escalation")
    assert event.data["recipients"] == [users["pm"].pk] and event.data["escalated_to"] == "Chính phủ"


def test_with_no_leader_above_either_the_escalation_goes_to_the_administrators(at_central_board, users):
    n, stage = at_central_board
    for assignment in RoleAssignment.objects.filter(user=users["pm"], revoked_at=None):
        revoke_role(actor=users["admin"], assignment=assignment)
    reminders.run(after(stage, 6))
    assert notes(Kind.ESCALATION, users["admin"])
    assert Event.objects.get(action="nomination.escalation").data["recipients"] == [users["admin"].pk]


def test_an_escalation_goes_to_the_level_s_own_deciders_first(draft_factory, users):
    n = draft_factory(name="Lò Thị Hạn")
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    stage = open_stage(n)
    reminders.run(after(stage, 21))
    recipients = Event.objects.get(action="nomination.escalation").data["recipients"]
    assert recipients == [users["commune_chair"].pk]
    assert notes(Kind.ESCALATION, users["province_chair"]) == []


def test_a_commune_without_its_chair_escalates_to_the_province_s_leader(draft_factory, users):
    n = draft_factory(name="Lò Văn Vắng")
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    stage = open_stage(n)
    for assignment in RoleAssignment.objects.filter(user=users["commune_chair"], revoked_at=None):
        revoke_role(actor=users["admin"], assignment=assignment)
    reminders.run(after(stage, 21))
    # GK_XA's route ends at the commune, so "above" is the org tree: the province's chair
    assert Event.objects.get(action="nomination.escalation").data["recipients"] == [users["province_chair"].pk]
