"""Finding 3 of the outside examination (issue 22): separation of duties was bypassed by resubmitting. Whoever
took any proposer's part in a nomination (create, edit, upload while editable, submit, resubmit) never reviews
it, and no one acts at two levels or two steps of it: in the action, the inbox and the buttons alike. The users
here hold two roles each (proposer below and reviewer above; reviewer at two steps; reviewer at two levels)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from nominations.models import Nomination, Status
from roles.models import Role
from roles.services import grant_role
from workflows import actions, demo
from workflows.selectors import available_actions, inbox, open_stage

REVIEWS = ("approve", "return", "reject")


@pytest.fixture
def dual(users, org_tree):
    """dual_head: proposer at the school and appraiser at its commune; dual_steps: appraiser and decider at the
    commune; dual_levels: appraiser at the commune and at the province."""
    grants = {
        "dual_head": [(Role.PROPOSER, "LC-SAPA-THCS"), (Role.APPRAISER, "LC-SAPA")],
        "dual_steps": [(Role.APPRAISER, "LC-SAPA"), (Role.DECIDER, "LC-SAPA")],
        "dual_levels": [(Role.APPRAISER, "LC-SAPA"), (Role.APPRAISER, "LAOCAI")],
    }
    for username, roles in grants.items():
        user = get_user_model().objects.create(username=username)
        user.set_password("pw")
        user.save()
        for role, unit in roles:
            grant_role(actor=users["admin"], user=user, org_unit=org_tree[unit], role=role)
        users[username] = user
    return users


def returned_to_the_school(users, draft_factory):
    n = draft_factory(award="BK_TINH")
    actions.submit_nomination(actor=users["unit_head"], nomination=n)
    actions.return_nomination(actor=users["commune_staff"], nomination=n, stage=open_stage(n), reason="Bổ sung.")
    n.refresh_from_db()
    assert n.status == Status.RETURNED
    return n


def proposer_part(kind, users, draft_factory):
    """A nomination waiting at the commune's appraisal, in which dual_head took the proposer's part `kind`."""
    if kind == "create":
        n = draft_factory(proposer="dual_head", award="BK_TINH")
        actions.submit_nomination(actor=users["unit_head"], nomination=n)
        return n
    if kind == "submit":
        n = draft_factory(award="BK_TINH")
        actions.submit_nomination(actor=users["dual_head"], nomination=n)
        return n
    n = returned_to_the_school(users, draft_factory)
    if kind == "edit":
        actions.update_nomination(actor=users["dual_head"], nomination=n, achievement="Bổ sung thành tích.")
    elif kind == "upload":
        actions.attach_document(actor=users["dual_head"], nomination=n, kind="khac",
                                upload=ContentFile(demo.PDF, name="bo-sung.pdf"))
    resubmitter = "dual_head" if kind == "resubmit" else "unit_head"
    actions.resubmit_nomination(actor=users[resubmitter], nomination=n)
    return Nomination.objects.get(pk=n.pk)


def review(action, user, n):
    kwargs = {"reason": "Lý do."} if action != "approve" else {}
    call = {"approve": actions.approve_nomination, "return": actions.return_nomination,
            "reject": actions.reject_nomination}[action]
    return call(actor=user, nomination=n, stage=open_stage(n), **kwargs)


@pytest.mark.parametrize("part", ["create", "edit", "upload", "submit", "resubmit"])
def test_a_proposers_part_bars_reviewing_everywhere(part, api, dual, draft_factory):
    n = proposer_part(part, dual, draft_factory)
    stage = open_stage(n)
    assert (stage.org_unit.code, stage.step) == ("LC-SAPA", "appraise")
    for action in REVIEWS:
        with pytest.raises(ValidationError, match="không được thẩm định hay quyết định"):
            review(action, dual["dual_head"], n)
        response = api("dual_head").post(f"/api/nominations/{n.pk}/actions/{action}/",
                                         {"stage": stage.pk, "reason": "x"}, format="json")
        assert response.status_code == 400, response.json()
    assert n.pk not in [s.nomination_id for s in inbox(dual["dual_head"])]
    assert not set(available_actions(dual["dual_head"], n, stage)) & set(REVIEWS)
    assert not set(api("dual_head").get(f"/api/nominations/{n.pk}/").json()["available_actions"]) & set(REVIEWS)
    assert Nomination.objects.get(pk=n.pk).status == Status.IN_REVIEW


def test_without_a_proposers_part_the_same_dual_user_reviews(dual, draft_factory):
    """The control: the bar above comes from the part taken, not from holding two roles."""
    n = returned_to_the_school(dual, draft_factory)
    actions.resubmit_nomination(actor=dual["unit_head"], nomination=n)
    assert n.pk in [s.nomination_id for s in inbox(dual["dual_head"])]
    review("approve", dual["dual_head"], n)
    assert open_stage(n).step == "decide"


def test_a_reviewer_at_two_steps_of_one_level_acts_at_one(dual, draft_factory):
    n = draft_factory(award="BK_TINH")
    actions.submit_nomination(actor=dual["unit_head"], nomination=n)
    review("approve", dual["dual_steps"], n)
    assert n.pk not in [s.nomination_id for s in inbox(dual["dual_steps"])]
    with pytest.raises(ValidationError, match="một bước khác"):
        review("approve", dual["dual_steps"], n)


def test_a_reviewer_at_two_levels_acts_at_one(dual, draft_factory):
    n = draft_factory(award="BK_TINH")
    actions.submit_nomination(actor=dual["unit_head"], nomination=n)
    review("approve", dual["dual_levels"], n)
    review("approve", dual["commune_chair"], n)
    assert open_stage(n).org_unit.code == "LAOCAI"
    assert n.pk not in [s.nomination_id for s in inbox(dual["dual_levels"])]
    with pytest.raises(ValidationError, match="một bước khác"):
        review("approve", dual["dual_levels"], n)
