import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import Event
from roles import selectors
from roles.models import Level, OrgUnit, Role
from roles.services import grant_role, revoke_role


def test_levels_are_ordered_bottom_up():
    order = [Level.UNIT, Level.COMMUNE, Level.DISTRICT, Level.PROVINCE, Level.MINISTRY, Level.CENTRAL_BOARD,
             Level.GOVERNMENT]
    assert order == sorted(order)


def test_subtree_is_one_query_whatever_the_tree_size(org_tree):
    laocai = org_tree["LAOCAI"]
    with CaptureQueriesContext(connection) as small:
        codes_small = set(OrgUnit.objects.subtree_of([laocai]).values_list("code", flat=True))
    for i in range(50):
        OrgUnit.objects.create(code=f"LC-X{i}", name=f"Xã {i}", level=Level.COMMUNE, parent=laocai)
    with CaptureQueriesContext(connection) as large:
        codes_large = set(OrgUnit.objects.subtree_of([laocai]).values_list("code", flat=True))
    assert codes_small == {"LAOCAI", "LC-SAPA", "LC-SAPA-THCS", "LC-SAPA-TDP1", "LC-BACHA", "LC-SAPA-H"}
    assert len(codes_large) == len(codes_small) + 50
    assert len(small.captured_queries) == len(large.captured_queries) == 1


def test_grant_gives_the_object_permission_and_is_audited(org_tree, users):
    newcomer = get_user_model().objects.create(username="newcomer")
    unit = org_tree["LC-BACHA"]
    assert not selectors.holds_role_at(newcomer, Role.APPRAISER, unit)
    grant_role(actor=users["admin"], user=newcomer, org_unit=unit, role=Role.APPRAISER)
    assert selectors.holds_role_at(newcomer, Role.APPRAISER, unit)
    assert newcomer.has_perm("roles.appraise_at", unit)
    assert not selectors.holds_role_at(newcomer, Role.DECIDER, unit)
    assert Event.objects.filter(action="role.grant", data__user="newcomer").count() == 1


def test_revoke_takes_the_permission_away_and_is_audited(users, org_tree):
    assignment = users["bacha_staff"].role_assignments.get()
    revoke_role(actor=users["admin"], assignment=assignment)
    assert not selectors.holds_role_at(users["bacha_staff"], Role.APPRAISER, org_tree["LC-BACHA"])
    assert Event.objects.filter(action="role.revoke").count() == 1


def test_only_an_admin_of_the_unit_may_grant(org_tree, users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        grant_role(actor=users["commune_chair"], user=users["unit_head"], org_unit=org_tree["LC-SAPA"],
                   role=Role.DECIDER)


def test_expired_role_grants_nothing(org_tree, users):
    someone = get_user_model().objects.create(username="old_staff")
    grant_role(actor=users["admin"], user=someone, org_unit=org_tree["LC-SAPA"], role=Role.APPRAISER,
               valid_to=datetime.date(2020, 1, 1))
    assert not selectors.holds_role_at(someone, Role.APPRAISER, org_tree["LC-SAPA"])


def test_expired_unit_grants_nothing(org_tree, users):
    someone = get_user_model().objects.create(username="yb_staff")
    grant_role(actor=users["admin"], user=someone, org_unit=org_tree["YENBAI"], role=Role.APPRAISER)
    assert not selectors.holds_role_at(someone, Role.APPRAISER, org_tree["YENBAI"])


def test_inspector_reads_the_whole_subtree(users, org_tree):
    codes = set(selectors.inspectable_units(users["inspector"]).values_list("code", flat=True))
    assert "LC-SAPA-THCS" in codes and "LAOCAI" in codes
    assert "HANOI" not in codes and "HN-HK-THPT" not in codes
    assert selectors.inspectable_units(users["chief_inspector"]).count() == OrgUnit.objects.count()


def test_seed_demo_is_idempotent(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (OrgUnit.objects.count(), get_user_model().objects.count(), Event.objects.count())
    call_command("seed_demo")
    assert (OrgUnit.objects.count(), get_user_model().objects.count(), Event.objects.count()) == counts
    assert counts[0] == 14 and counts[1] == 23  # admin and 22 demo people, the four councils' secretaries among them


def test_seed_demo_refuses_without_debug(db, settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
