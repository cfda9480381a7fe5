"""A permission check reads the role assignment as it is at the moment of the check: no grant table to keep in
step, no daily job, no window in which an ended role still works or a future one already does."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from roles import selectors
from roles.models import OrgUnit, Role, RoleAssignment
from roles.services import grant_role, revoke_role
from workflows import actions
from workflows import selectors as review
from workflows.selectors import open_stage

HCM = datetime.timezone(datetime.timedelta(hours=7))


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def chair_api(users):
    client = APIClient()
    client.force_login(users["commune_chair"])
    return client


def approve_through_the_api(client, nomination):
    return client.post(f"/api/nominations/{nomination.pk}/actions/approve/",
                       {"stage": open_stage(nomination).pk, "comment": "Đồng ý."}, format="json")


def test_an_assignment_that_ended_yesterday_grants_nothing_today_with_no_job_run(in_review, users, chair_api):
    chair = users["commune_chair"]
    assert review.inbox(chair).filter(nomination=in_review).exists()  # given: the chair's decision is awaited
    # when the assignment is ended by a plain update (no service, no sync)
    RoleAssignment.objects.filter(user=chair).update(valid_to=today() - datetime.timedelta(days=1))

    # then nothing the role gave works any more, and every reader agrees (the nomination is now out of the
    # chair's scope: 404, as for anyone outside it; the action itself refuses with PermissionDenied)
    assert approve_through_the_api(chair_api, in_review).status_code == 404
    with pytest.raises(PermissionDenied):
        actions.approve_nomination(actor=chair, nomination=in_review, stage=open_stage(in_review))
    assert not review.inbox(chair).exists()
    assert chair_api.get("/api/inbox/").json()["count"] == 0
    assert chair_api.get("/api/me/").json()["roles"] == []
    assert selectors.roles_held(chair) == {}
    assert not chair.has_perm("roles.decide_at", in_review.submitting_unit.parent)


def test_an_assignment_starting_tomorrow_grants_nothing_today_and_works_tomorrow(in_review, users, chair_api):
    chair, commune = users["commune_chair"], OrgUnit.objects.get(code="LC-SAPA")
    tomorrow = today() + datetime.timedelta(days=1)
    RoleAssignment.objects.filter(user=chair).update(valid_from=tomorrow)

    assert not selectors.holds_role_at(chair, Role.DECIDER, commune)
    assert not review.inbox(chair).exists()
    assert chair_api.get("/api/me/").json()["roles"] == []
    assert approve_through_the_api(chair_api, in_review).status_code == 404

    with time_machine.travel(datetime.datetime.combine(tomorrow, datetime.time(8, 0), HCM), tick=False):
        assert selectors.holds_role_at(chair, Role.DECIDER, commune)
        assert [(r["org_unit"], r["role"]) for r in chair_api.get("/api/me/").json()["roles"]] == [
            ("LC-SAPA", "decider")]
        assert review.inbox(chair).filter(nomination=in_review).exists()
        assert approve_through_the_api(chair_api, in_review).status_code == 200


def test_a_role_ending_today_works_today_and_not_tomorrow(org_tree, users):
    someone = get_user_model().objects.create(username="temp_staff")
    grant_role(actor=users["admin"], user=someone, org_unit=org_tree["LC-SAPA"], role=Role.APPRAISER,
               valid_to=today())
    assert selectors.holds_role_at(someone, Role.APPRAISER, org_tree["LC-SAPA"])
    tomorrow = today() + datetime.timedelta(days=1)
    with time_machine.travel(datetime.datetime.combine(tomorrow, datetime.time(0, 1), HCM), tick=False):
        assert not selectors.holds_role_at(someone, Role.APPRAISER, org_tree["LC-SAPA"])
        assert not selectors.units_with_role(someone, Role.APPRAISER).exists()
        assert selectors.role_holders(org_tree["LC-SAPA"].pk, Role.APPRAISER) == [
            (users["commune_staff"].pk, users["commune_staff"].email, "LC-SAPA", "Phường Sa Pa")]


def test_a_unit_that_ended_yesterday_gives_its_roles_nothing(org_tree, users):
    commune = org_tree["LC-SAPA"]
    OrgUnit.objects.filter(pk=commune.pk).update(valid_to=today() - datetime.timedelta(days=1))
    assert not selectors.holds_role_at(users["commune_staff"], Role.APPRAISER, commune)  # the object is stale
    assert selectors.role_holders(commune.pk, Role.APPRAISER) == []
    assert selectors.roles_held(users["commune_staff"]) == {}


# --- holds_role_at and role_holders by every kind of validity, against the assignments themselves ----------------


def test_holds_role_at_and_role_holders_follow_every_kind_of_validity(org_tree, users):
    User = get_user_model()
    unit, day = org_tree["LC-BACHA"], today()
    d = datetime.timedelta
    cases = {  # username: (valid_from, valid_to, revoked, active)
        "live": (None, None, False, True),
        "from_today": (day, None, False, True),
        "to_today": (None, day, False, True),
        "ended": (None, day - d(days=1), False, True),
        "future": (day + d(days=1), None, False, True),
        "revoked": (None, None, True, True),
        "inactive": (None, None, False, False),
    }
    for name, (valid_from, valid_to, revoked, active) in cases.items():
        user = User.objects.create(username=name, is_active=active, email=f"{name}@example.vn")
        assignment = grant_role(actor=None, user=user, org_unit=unit, role=Role.DECIDER, valid_from=valid_from,
                                valid_to=valid_to)
        if revoked:
            revoke_role(actor=None, assignment=assignment)
    OrgUnit.objects.filter(pk=org_tree["HANOI"].pk).update(valid_to=day - d(days=1))
    grant_role(actor=None, user=User.objects.get(username="live"), org_unit=org_tree["HANOI"], role=Role.DECIDER)

    for when in (day - d(days=1), day, day + d(days=1)):
        for target in (unit, OrgUnit.objects.get(code="HANOI")):
            orm = RoleAssignment.objects.valid_on(when).filter(org_unit=target, role=Role.DECIDER)
            holders = set(orm.values_list("user__username", flat=True))
            for user in User.objects.filter(username__in=cases):
                assert selectors.holds_role_at(user, Role.DECIDER, target, when) == (user.username in holders), (
                    user.username, target.code, when)
            expected = [(u.pk, u.email, target.code, target.name)
                        for u in User.objects.filter(username__in=holders, is_active=True).order_by("pk")]
            assert selectors.role_holders(target.pk, Role.DECIDER, when) == expected, (target.code, when)


def test_each_check_is_one_statement(org_tree, users):
    chair, commune = users["commune_chair"], org_tree["LC-SAPA"]
    for check in (lambda: selectors.holds_role_at(chair, Role.DECIDER, commune),
                  lambda: selectors.role_holders(commune.pk, Role.DECIDER),
                  lambda: selectors.roles_held(chair),
                  lambda: list(selectors.units_with_role(chair, Role.DECIDER))):
        with CaptureQueriesContext(connection) as queries:
            assert check()
        assert len(queries) == 1


def test_a_user_with_two_roles_holds_each_at_its_own_unit_only(org_tree, users):
    head = users["unit_head"]
    grant_role(actor=users["admin"], user=head, org_unit=org_tree["LC-SAPA"], role=Role.APPRAISER)
    held = selectors.roles_held(head)
    assert held == {Role.PROPOSER: [(org_tree["LC-SAPA-THCS"].pk, org_tree["LC-SAPA-THCS"].path)],
                    Role.APPRAISER: [(org_tree["LC-SAPA"].pk, org_tree["LC-SAPA"].path)]}
    assert selectors.holds_role_at(head, Role.APPRAISER, org_tree["LC-SAPA"])
    assert not selectors.holds_role_at(head, Role.APPRAISER, org_tree["LC-SAPA-THCS"])
    assert not selectors.holds_role_at(head, Role.PROPOSER, org_tree["LC-SAPA"])
