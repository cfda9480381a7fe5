"""Council votes at a DECIDE step where the configuration asks for one (DOMAIN.md §5)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from audit.models import Event
from nominations.models import AwardType, Status
from roles.models import Level
from workflows import actions, demo
from workflows.models import CouncilRule, CouncilVote
from workflows.routing import rules_applied
from workflows.selectors import open_stage


@pytest.fixture
def at_commune_decide(draft_factory, users):
    n = draft_factory("tdp_head", "LC-SAPA-TDP1", "GK_XA", kind="household", name="Hộ Lù Văn Chứ")
    actions.submit_nomination(actor=users["tdp_head"], nomination=n)
    demo.approve_in_turn(users, n, "commune_staff")
    return n


def minutes(users, n):
    return actions.attach_document(actor=users["commune_chair"], nomination=n, kind="bien_ban_hoi_dong",
                                   upload=ContentFile(demo.PDF, name="bien-ban.pdf"))


def approve(users, n, vote=None):
    return actions.approve_nomination(actor=users["commune_chair"], nomination=n, stage=open_stage(n), vote=vote)


def rule(threshold=70, base=CouncilRule.Base.MEMBERS, quorum=50, award="GK_XA"):
    return CouncilRule.objects.create(level=Level.COMMUNE, award=AwardType.objects.get(code=award),
                                      quorum_percent=quorum, threshold_percent=threshold, threshold_base=base)


def test_without_a_rule_the_leader_decides_without_a_vote(at_commune_decide, users):
    assert approve(users, at_commune_decide).status == Status.AWARDED
    assert not CouncilVote.objects.exists()


def test_a_configured_level_refuses_a_decision_without_the_vote(at_commune_decide, users):
    rule()
    with pytest.raises(ValidationError, match="bỏ phiếu"):
        approve(users, at_commune_decide)
    at_commune_decide.refresh_from_db()
    assert at_commune_decide.status == Status.IN_REVIEW


def test_the_minutes_are_required_with_the_vote(at_commune_decide, users):
    rule()
    with pytest.raises(ValidationError, match="biên bản"):
        approve(users, at_commune_decide, {"members": 10, "present": 9, "votes_for": 9})


def test_minutes_from_before_this_stage_do_not_count(at_commune_decide, users):
    rule()
    earlier = at_commune_decide.documents.get(kind="bien_ban_hoi_dong")  # the proposer's own meeting
    with pytest.raises(ValidationError, match="biên bản"):
        approve(users, at_commune_decide, {"members": 10, "present": 9, "votes_for": 9, "minutes": earlier.pk})


def test_a_vote_below_the_threshold_of_all_members_cannot_award(at_commune_decide, users):
    rule(threshold=70)
    doc = minutes(users, at_commune_decide)
    with pytest.raises(ValidationError, match="6/10"):
        approve(users, at_commune_decide, {"members": 10, "present": 8, "votes_for": 6, "minutes": doc.pk})
    assert not CouncilVote.objects.exists()


def test_a_vote_without_quorum_cannot_award(at_commune_decide, users):
    rule(quorum=60, threshold=30)
    doc = minutes(users, at_commune_decide)
    with pytest.raises(ValidationError, match="không đủ số thành viên"):
        approve(users, at_commune_decide, {"members": 10, "present": 5, "votes_for": 5, "minutes": doc.pk})


def test_a_vote_reaching_the_threshold_awards_and_is_recorded(at_commune_decide, users):
    rule(threshold=70)
    doc = minutes(users, at_commune_decide)
    n = approve(users, at_commune_decide, {"members": 10, "present": 8, "votes_for": 7, "minutes": doc.pk})
    assert n.status == Status.AWARDED
    vote = CouncilVote.objects.get()
    assert (vote.members, vote.present, vote.votes_for, vote.minutes) == (10, 8, 7, doc)
    event = Event.objects.filter(action="nomination.award").latest("seq")
    assert event.data["council_vote"] == {"members": 10, "present": 8, "votes_for": 7, "minutes": doc.pk}


def test_the_threshold_may_be_a_share_of_those_present(at_commune_decide, users):
    rule(threshold=80, base=CouncilRule.Base.PRESENT)
    doc = minutes(users, at_commune_decide)
    # 5 of 6 present is 83 % of those present but only 50 % of the 10 members.
    n = approve(users, at_commune_decide, {"members": 10, "present": 6, "votes_for": 5, "minutes": doc.pk})
    assert n.status == Status.AWARDED


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
