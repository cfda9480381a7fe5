"""Council votes at a DECIDE step where the configuration asks for one (DOMAIN.md §5): the council is data kept
per unit (who sits on it and from when), its secretary records the vote, and the leader who then decides is
someone else."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from audit.models import Event
from nominations.models import AwardType, Status
from roles.models import Level, Role
from roles.services import grant_role
from workflows import actions, demo
from workflows.errors import Conflict
from workflows.models import CouncilMember, CouncilRule, CouncilVote
from workflows.selectors import open_stage, rules_applied

COMMUNE_MEMBERS = 7  # the voting members of LC-SAPA's council in the demo (demo.COUNCILS)


@pytest.fixture
def at_commune_decide(draft_factory, users):
    n = draft_factory("tdp_head", "LC-SAPA-TDP1", "GK_XA", kind="household", name="Hộ Lù Văn Chứ")
    actions.submit_nomination(actor=users["tdp_head"], nomination=n)
    demo.approve_in_turn(users, n, "commune_staff")
    return n


def minutes(users, n, who="commune_secretary"):
    return actions.attach_document(actor=users[who], nomination=n, kind="bien_ban_hoi_dong",
                                   upload=ContentFile(demo.PDF, name="bien-ban.pdf"))


def record(users, n, present, votes_for, document, who="commune_secretary", **kwargs):
    return actions.record_council_vote(actor=users[who], nomination=n, stage=open_stage(n), present=present,
                                       votes_for=votes_for, minutes=document, **kwargs)


def approve(users, n, who="commune_chair"):
    return actions.approve_nomination(actor=users[who], nomination=n, stage=open_stage(n))


def rule(threshold=70, base=CouncilRule.Base.MEMBERS, quorum=50, award="GK_XA"):
    return CouncilRule.objects.create(level=Level.COMMUNE, award=AwardType.objects.get(code=award),
                                      quorum_percent=quorum, threshold_percent=threshold, threshold_base=base)


def status_of(n):
    n.refresh_from_db()
    return n.status


def test_without_a_rule_the_leader_decides_without_a_vote(at_commune_decide, users):
    assert approve(users, at_commune_decide).status == Status.AWARDED
    assert not CouncilVote.objects.exists()


def test_a_configured_level_refuses_a_decision_until_the_secretary_records_the_vote(at_commune_decide, users):
    rule()
    minutes(users, at_commune_decide, who="commune_chair")  # the chair's own "minutes" make no vote
    with pytest.raises(ValidationError, match="Thư ký Hội đồng phải ghi kết quả bỏ phiếu"):
        approve(users, at_commune_decide)
    assert status_of(at_commune_decide) == Status.IN_REVIEW


def test_the_decider_can_no_longer_type_the_vote(at_commune_decide, users):
    """The finding: the decider sent {members: 1, present: 1, votes_for: 1} of their own and awarded."""
    rule(quorum=67, threshold=90)
    document = minutes(users, at_commune_decide, who="commune_chair")
    with pytest.raises(TypeError):
        actions.approve_nomination(actor=users["commune_chair"], nomination=at_commune_decide,
                                   stage=open_stage(at_commune_decide),
                                   vote={"members": 1, "present": 1, "votes_for": 1, "minutes": document.pk})
    with pytest.raises(PermissionDenied, match="Thư ký"):
        record(users, at_commune_decide, 1, 1, document, who="commune_chair")
    assert status_of(at_commune_decide) == Status.IN_REVIEW and not CouncilVote.objects.exists()


def test_the_number_of_members_is_counted_from_the_council_data(at_commune_decide, users, org_tree):
    rule(quorum=67, threshold=90)
    document = minutes(users, at_commune_decide)
    with pytest.raises(ValidationError, match=f"1/{COMMUNE_MEMBERS}"):  # one present of the 7 is no quorum
        record(users, at_commune_decide, 1, 1, document)
    today = timezone.localdate()
    sapa = org_tree["LC-SAPA"]
    CouncilMember.objects.create(org_unit=sapa, full_name="Đã thôi", valid_to=today - datetime.timedelta(days=1))
    CouncilMember.objects.create(org_unit=sapa, full_name="Chưa vào", valid_from=today + datetime.timedelta(days=1))
    CouncilMember.objects.create(org_unit=sapa, full_name="Thư ký phụ", position=CouncilMember.Position.SECRETARY)
    CouncilMember.objects.create(org_unit=org_tree["LAOCAI"], full_name="Ở tỉnh")
    CouncilMember.objects.create(org_unit=sapa, full_name="Ủy viên mới", valid_from=today)
    with pytest.raises(ValidationError, match="từ 0 đến 8"):  # 7 + the one who joined today; no one else counts
        record(users, at_commune_decide, 9, 9, document)
    vote = record(users, at_commune_decide, 8, 8, document)
    assert (vote.members, vote.present, vote.votes_for, vote.meeting_date) == (8, 8, 8, today)


def test_without_council_data_no_vote_can_be_recorded(at_commune_decide, users, org_tree):
    rule()
    CouncilMember.objects.filter(org_unit=org_tree["LC-SAPA"]).delete()
    with pytest.raises(ValidationError, match="danh sách thành viên Hội đồng"):
        record(users, at_commune_decide, 5, 5, minutes(users, at_commune_decide))


def test_the_minutes_are_required(at_commune_decide, users):
    rule()
    with pytest.raises(ValidationError, match="biên bản"):
        record(users, at_commune_decide, 6, 6, None)
    with pytest.raises(ValidationError, match="biên bản"):
        record(users, at_commune_decide, 6, 6, 10**30)


def test_minutes_from_before_this_stage_do_not_count(at_commune_decide, users):
    rule()
    earlier = at_commune_decide.documents.get(kind="bien_ban_hoi_dong")  # the proposer's own meeting
    with pytest.raises(ValidationError, match="biên bản"):
        record(users, at_commune_decide, 6, 6, earlier)


@pytest.mark.parametrize("present, votes_for, field", [
    (8, 8, "present"), (-1, 0, "present"), (100000, 100000, "present"), (10**30, 0, "present"),
    ("abc", 0, "present"), (True, 0, "present"), (5, 6, "votes_for"), (5, -1, "votes_for"), (5, 10**30, "votes_for"),
])
def test_counts_are_whole_numbers_within_the_council(at_commune_decide, users, present, votes_for, field):
    rule()
    with pytest.raises(ValidationError) as refused:
        record(users, at_commune_decide, present, votes_for, minutes(users, at_commune_decide))
    assert field in refused.value.message_dict and refused.value.message_dict[field][0]
    assert not CouncilVote.objects.exists()


def test_a_vote_below_the_threshold_of_all_members_is_refused_and_blocks_the_decision(at_commune_decide, users):
    rule(threshold=70)
    events = Event.objects.count()
    with pytest.raises(ValidationError, match=f"4/{COMMUNE_MEMBERS}"):  # 57 % of all members
        record(users, at_commune_decide, 6, 4, minutes(users, at_commune_decide))
    assert not CouncilVote.objects.exists() and Event.objects.count() == events + 1  # the upload's event only
    with pytest.raises(ValidationError, match="Thư ký Hội đồng"):
        approve(users, at_commune_decide)
    assert status_of(at_commune_decide) == Status.IN_REVIEW


def test_a_vote_without_quorum_is_refused(at_commune_decide, users):
    rule(quorum=60, threshold=30)
    with pytest.raises(ValidationError, match="không đủ số thành viên"):  # 4 of 7 is 57 %
        record(users, at_commune_decide, 4, 4, minutes(users, at_commune_decide))


def test_the_secretary_records_a_passing_vote_and_the_chair_then_awards(at_commune_decide, users):
    rule(threshold=70)
    document = minutes(users, at_commune_decide)
    vote = record(users, at_commune_decide, 6, 5, document)  # 5 of 7 members: 71 %
    assert (vote.members, vote.present, vote.votes_for, vote.minutes, vote.recorded_by) == (
        COMMUNE_MEMBERS, 6, 5, document, users["commune_secretary"])
    recorded = Event.objects.get(action="nomination.council_vote")
    assert recorded.actor_id == users["commune_secretary"].pk and recorded.org_unit == "LC-SAPA"
    assert (recorded.data["members"], recorded.data["present"], recorded.data["votes_for"]) == (7, 6, 5)
    assert recorded.data["minutes_sha256"] == document.sha256 and recorded.data["stage"] == vote.stage_id
    n = approve(users, at_commune_decide)
    assert n.status == Status.AWARDED
    event = Event.objects.filter(action="nomination.award").latest("seq")
    assert event.data["council_vote"] == {"members": 7, "present": 6, "votes_for": 5, "minutes": document.pk,
                                          "recorded_by": users["commune_secretary"].pk}


def test_the_threshold_may_be_a_share_of_those_present(at_commune_decide, users):
    rule(threshold=80, base=CouncilRule.Base.PRESENT)
    # 4 of 5 present is 80 % of those present but only 57 % of the 7 members.
    record(users, at_commune_decide, 5, 4, minutes(users, at_commune_decide))
    assert approve(users, at_commune_decide).status == Status.AWARDED


def test_a_vote_recorded_by_the_decider_themself_is_not_accepted(at_commune_decide, users, org_tree):
    rule()
    grant_role(actor=None, user=users["commune_chair"], org_unit=org_tree["LC-SAPA"], role=Role.SECRETARY)
    record(users, at_commune_decide, 7, 7, minutes(users, at_commune_decide, who="commune_chair"),
           who="commune_chair")
    with pytest.raises(ValidationError, match="người quyết định phải là người khác"):
        approve(users, at_commune_decide)
    assert status_of(at_commune_decide) == Status.IN_REVIEW


def test_only_the_secretary_of_the_stage_s_unit_records(at_commune_decide, users):
    rule()
    document = minutes(users, at_commune_decide)
    events = Event.objects.count()
    for who in ("commune_chair", "commune_staff", "province_secretary", "tdp_head"):
        with pytest.raises(PermissionDenied):
            record(users, at_commune_decide, 6, 6, document, who=who)
    assert not CouncilVote.objects.exists() and Event.objects.count() == events


def test_the_proposer_who_is_also_secretary_cannot_record(at_commune_decide, users, org_tree):
    rule()
    grant_role(actor=None, user=users["tdp_head"], org_unit=org_tree["LC-SAPA"], role=Role.SECRETARY)
    with pytest.raises(ValidationError, match="lập hoặc trình"):
        record(users, at_commune_decide, 6, 6, minutes(users, at_commune_decide), who="tdp_head")


def test_a_stale_stage_a_stage_without_a_vote_and_a_second_vote_are_conflicts(at_commune_decide, users):
    rule()
    document = minutes(users, at_commune_decide)
    appraised = at_commune_decide.stages.get(step="appraise")
    with pytest.raises(Conflict):
        actions.record_council_vote(actor=users["commune_secretary"], nomination=at_commune_decide, stage=appraised,
                                    present=6, votes_for=6, minutes=document)
    record(users, at_commune_decide, 6, 6, document)
    with pytest.raises(Conflict, match="đã được ghi"):
        record(users, at_commune_decide, 7, 7, document)


def test_an_appraise_step_needs_no_vote(draft_factory, users):
    rule()
    n = draft_factory("tdp_head", "LC-SAPA-TDP1", "GK_XA", kind="household", name="Hộ Thào Văn Dế")
    actions.submit_nomination(actor=users["tdp_head"], nomination=n)
    with pytest.raises(Conflict, match="không cần"):
        record(users, n, 6, 6, None)


def test_the_meeting_lies_between_the_stage_s_opening_and_today(at_commune_decide, users):
    rule()
    document = minutes(users, at_commune_decide)
    today = timezone.localdate()
    for day in (today + datetime.timedelta(days=1), today - datetime.timedelta(days=1), datetime.date(1900, 1, 1)):
        with pytest.raises(ValidationError) as refused:
            record(users, at_commune_decide, 6, 6, document, meeting_date=day)
        assert "meeting_date" in refused.value.message_dict
    assert record(users, at_commune_decide, 6, 6, document, meeting_date=today).meeting_date == today


def test_a_rule_for_another_award_does_not_apply(at_commune_decide, users):
    rule(award="BK_TINH")
    assert approve(users, at_commune_decide).status == Status.AWARDED


def test_a_forward_from_a_deciding_step_needs_the_vote_too(draft_factory, users):
    n = draft_factory(award="BK_TINH", name="Phạm Văn Vote")
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    demo.approve_in_turn(users, n, "commune_staff")
    CouncilRule.objects.create(level=Level.COMMUNE, threshold_percent=90)  # every award at the commune
    with pytest.raises(ValidationError, match="bỏ phiếu"):
        approve(users, n)
    assert rules_applied(n)["council"][0]["threshold_percent"] == 90
    record(users, n, 7, 7, minutes(users, n))
    assert approve(users, n).status == Status.IN_REVIEW and open_stage(n).org_unit.code == "LAOCAI"


def test_the_secretary_attaches_documents_only_where_the_council_must_vote(at_commune_decide, users):
    with pytest.raises(PermissionDenied):
        minutes(users, at_commune_decide)  # no rule: the commune's leader decides alone
    rule()
    assert minutes(users, at_commune_decide).uploaded_by == users["commune_secretary"]
