"""The tờ trình's actions: submitted whole, reviewed item by item through the engine's own actions, forwarded in
the level's own tờ trình, awarded in one decision; refusals per item change nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.chain import verify_chain
from audit.models import Event
from nominations.models import Nomination, Status
from proposals import actions as proposal_actions
from proposals.models import Decision, Proposal, ProposalStatus
from proposals.selectors import inbox_by_proposal, item_gaps, items_of
from workflows import actions
from workflows.errors import InvalidTransition
from workflows.models import Stage

from .conftest import pins

pytestmark = pytest.mark.django_db


def statuses(proposal):
    return list(proposal.items.order_by("position").values_list("nomination__status", flat=True))


def test_submitting_the_tờ_trình_submits_every_item_and_records_its_own_event(school_proposal, org_tree):
    proposal = school_proposal(["GK_XA", "GK_XA", "BK_TINH"], submit=True)
    assert proposal.status == ProposalStatus.SUBMITTED and proposal.number == "12/TTr-THCS"
    assert proposal.addressee == org_tree["LC-SAPA"] and proposal.signer.username == "unit_head"
    assert statuses(proposal) == [Status.IN_REVIEW] * 3
    event = Event.objects.get(action="proposal.submit", object_id=str(proposal.pk))
    assert event.data["nominations"] == list(proposal.items.order_by("position").values_list("nomination_id",
                                                                                              flat=True))
    assert Event.objects.filter(action="proposal.create", object_id=str(proposal.pk)).count() == 1
    assert verify_chain().ok


def test_an_incomplete_item_refuses_the_whole_submission_naming_it(school_proposal, draft_factory, users):
    proposal = school_proposal(["GK_XA", "GK_XA"])
    lacking = draft_factory(name="Thiếu hồ sơ", documents=["to_trinh"])
    proposal_actions.add_items(actor=users["unit_head"], proposal=proposal, nominations=[lacking.pk])
    gaps = item_gaps(items_of(proposal))
    assert [pk for pk, lacks in gaps.items() if lacks] == [lacking.pk]
    assert any("Báo cáo thành tích" in text for text in gaps[lacking.pk])
    before = Event.objects.count()
    with pytest.raises(ValidationError) as refused:
        proposal_actions.submit_proposal(actor=users["unit_head"], proposal=proposal)
    assert f"#{lacking.pk}" in str(refused.value)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT and statuses(proposal) == [Status.DRAFT] * 3
    assert Event.objects.count() == before


def test_only_the_issuing_unit_s_proposer_drafts_and_submits(school_proposal, users, org_tree):
    proposal = school_proposal(["GK_XA"])
    with pytest.raises(PermissionDenied):
        proposal_actions.submit_proposal(actor=users["tdp_head"], proposal=proposal)
    with pytest.raises(PermissionDenied):
        proposal_actions.create_proposal(actor=users["commune_staff"], issuing_unit=org_tree["LC-SAPA-THCS"],
                                         round=proposal.round)
    proposal_actions.submit_proposal(actor=users["unit_head"], proposal=proposal)
    with pytest.raises(InvalidTransition):
        proposal_actions.submit_proposal(actor=users["unit_head"], proposal=proposal)


def test_add_items_takes_only_the_unit_s_own_drafts(school_proposal, draft_factory, users):
    proposal = school_proposal(["GK_XA"])
    other = draft_factory(proposer="tdp_head", unit="LC-SAPA-TDP1", name="Khác")
    with pytest.raises(ValidationError):
        proposal_actions.add_items(actor=users["unit_head"], proposal=proposal, nominations=[other.pk])
    assert proposal.items.count() == 1


def test_bulk_approve_forwards_in_the_level_s_own_tờ_trình_and_awards_in_one_decision(school_proposal, users, org_tree):
    proposal = school_proposal(["GK_XA", "GK_XA", "BK_TINH", "BK_TINH"], submit=True)
    appraised = proposal_actions.review_items(actor=users["commune_staff"], proposal=proposal, action="approve",
                                              items=pins(proposal), comment="Đủ hồ sơ")
    assert len(appraised.done) == 4 and not appraised.refused and not appraised.forwarded_in
    decided = proposal_actions.review_items(actor=users["commune_chair"], proposal=proposal, action="approve",
                                            items=pins(proposal), number="5/TTr-UBND",
                                            decision_number="7/QĐ-UBND")
    assert len(decided.done) == 4 and not decided.refused
    assert statuses(proposal) == [Status.AWARDED, Status.AWARDED, Status.IN_REVIEW, Status.IN_REVIEW]
    decision = Decision.objects.get(pk=decided.decision)
    gk = list(proposal.items.order_by("position").values_list("nomination_id", flat=True))
    assert decision.number == "7/QĐ-UBND" and list(decision.items.values_list("nomination_id", flat=True)) == gk[:2]
    assert set(Nomination.objects.filter(pk__in=gk[:2]).values_list("decision_number", flat=True)) == {"7/QĐ-UBND"}
    [up] = decided.forwarded_in
    envelope = Proposal.objects.get(pk=up)
    assert (envelope.issuing_unit, envelope.addressee, envelope.number, envelope.status) == (
        org_tree["LC-SAPA"], org_tree["LAOCAI"], "5/TTr-UBND", ProposalStatus.SUBMITTED)
    assert list(envelope.items.values_list("nomination_id", flat=True)) == gk[2:]
    assert Event.objects.get(action="proposal.forward").data["nominations"] == gk[2:]
    assert Event.objects.get(action="proposal.decide").data["nominations"] == gk[:2]
    # the province sees the commune's tờ trình in its inbox, with its two items
    [group] = inbox_by_proposal(users["province_staff"])
    assert group["proposal"] == envelope and group["count"] == 2
    assert verify_chain().ok


def test_bulk_with_mixed_outcomes_refuses_per_item_and_changes_none_of_the_refused(school_proposal, users, draft_factory):
    proposal = school_proposal(["GK_XA", "GK_XA", "GK_XA", "GK_XA"], submit=True)
    first, second, third, fourth = pins(proposal)
    # the second already appraised (the chair's now: the staff lack the role, 403); the third acted on by someone else
    # since the reviewer saw it (a stale stage, 409); the fourth's nominee is held (the guard: on hold, no inbox)
    actions.approve_nomination(actor=users["commune_staff"], nomination=second["nomination"], stage=second["stage"])
    second = {**second, "stage": Stage.objects.get(nomination_id=second["nomination"], closed_at__isnull=True).pk}
    actions.approve_nomination(actor=users["commune_staff"], nomination=third["nomination"], stage=third["stage"])
    outsider = draft_factory(proposer="tdp_head", unit="LC-SAPA-TDP1", name="Ngoài tờ trình")
    before = {n.pk: (n.status, n.updated_at) for n in Nomination.objects.all()}
    events = Event.objects.count()
    result = proposal_actions.review_items(
        actor=users["commune_staff"], proposal=proposal, action="approve",
        items=[first, second, third, fourth, {"nomination": outsider.pk, "stage": None}])
    assert result.done == [first["nomination"], fourth["nomination"]]
    refused = {r.nomination: r.status for r in result.refused}
    assert refused == {second["nomination"]: 403, third["nomination"]: 409, outsider.pk: 404}
    for pk in refused:
        n = Nomination.objects.get(pk=pk)
        assert (n.status, n.updated_at) == before[pk]
    assert Event.objects.count() == events + 2  # one approve event per item done, none per refusal
    assert f"#{second['nomination']}" in result.summary and "2 hồ sơ đã xử lý, 3 bị từ chối" in result.summary


def test_bulk_return_and_reject_with_one_reason_then_resubmit_per_item(school_proposal, users):
    proposal = school_proposal(["GK_XA", "GK_XA", "GK_XA"], submit=True)
    a, b, c = pins(proposal)
    with pytest.raises(ValidationError):
        proposal_actions.review_items(actor=users["commune_staff"], proposal=proposal, action="return", items=[a])
    returned = proposal_actions.review_items(actor=users["commune_staff"], proposal=proposal, action="return",
                                             items=[a], reason="Thiếu minh chứng")
    rejected = proposal_actions.review_items(actor=users["commune_staff"], proposal=proposal, action="reject",
                                             items=[b], reason="Chưa đủ tiêu chuẩn")
    assert returned.done == [a["nomination"]] and rejected.done == [b["nomination"]]
    assert statuses(proposal) == [Status.RETURNED, Status.REJECTED, Status.IN_REVIEW]
    again = proposal_actions.resubmit_items(actor=users["unit_head"], proposal=proposal,
                                            nominations=[a["nomination"], b["nomination"]])
    assert again.done == [a["nomination"]] and [r.status for r in again.refused] == [409]
    assert statuses(proposal) == [Status.IN_REVIEW, Status.REJECTED, Status.IN_REVIEW]


def test_a_later_forward_gathers_items_from_another_unit_s_tờ_trình_into_the_same_one(school_proposal, users):
    school = school_proposal(["BK_TINH"], submit=True)
    tdp = school_proposal(["BK_TINH"], submit=True, unit="LC-SAPA-TDP1", proposer="tdp_head")
    for proposal in (school, tdp):
        proposal_actions.review_items(actor=users["commune_staff"], proposal=proposal, action="approve",
                                      items=pins(proposal))
    first = proposal_actions.review_items(actor=users["commune_chair"], proposal=school, action="approve",
                                          items=pins(school))
    [envelope] = first.forwarded_in
    with pytest.raises(ValidationError):  # only into a tờ trình the actor's level sent
        proposal_actions.review_items(actor=users["bacha_chair"], proposal=tdp, action="approve", items=pins(tdp),
                                      into=envelope)
    second = proposal_actions.review_items(actor=users["commune_chair"], proposal=tdp, action="approve",
                                           items=pins(tdp), into=envelope)
    assert second.forwarded_in == [envelope]
    gathered = list(Proposal.objects.get(pk=envelope).items.values_list("nomination_id", flat=True))
    assert gathered == [pins(school)[0]["nomination"], pins(tdp)[0]["nomination"]]
