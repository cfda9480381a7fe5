"""Moving or renaming a unit rewrites the path of its whole subtree in one transaction, audited; a unit cannot
be put under itself."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.chain import verify_chain
from audit.models import Event
from roles import selectors
from roles.models import Level, OrgUnit, Role
from roles.services import grant_role, save_unit
from tests.admin_forms import post_change_form

SAPA_SUBTREE = {"LC-SAPA", "LC-SAPA-THCS", "LC-SAPA-TDP1"}


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["admin"])
    return client


def paths(*codes) -> dict[str, str]:
    return dict(OrgUnit.objects.filter(code__in=codes).values_list("code", "path"))


def test_moving_a_unit_in_the_admin_moves_its_subtree_and_the_scopes_follow(admin_client, org_tree, users):
    hanoi_inspector = users["hanoi_staff"]
    grant_role(actor=users["admin"], user=hanoi_inspector, org_unit=org_tree["HANOI"], role=Role.INSPECTOR)
    laocai_before = set(selectors.inspectable_units(users["inspector"]).values_list("code", flat=True))
    assert SAPA_SUBTREE <= laocai_before
    since = Event.objects.count()

    response = post_change_form(admin_client, org_tree["LC-SAPA"], parent=org_tree["HANOI"].pk)

    assert response.status_code == 302
    assert paths(*SAPA_SUBTREE) == {
        "LC-SAPA": "/CP/HANOI/LC-SAPA/",
        "LC-SAPA-THCS": "/CP/HANOI/LC-SAPA/LC-SAPA-THCS/",
        "LC-SAPA-TDP1": "/CP/HANOI/LC-SAPA/LC-SAPA-TDP1/",
    }
    assert SAPA_SUBTREE <= set(OrgUnit.objects.subtree_of([org_tree["HANOI"]]).values_list("code", flat=True))
    assert SAPA_SUBTREE <= set(selectors.inspectable_units(hanoi_inspector).values_list("code", flat=True))
    assert not SAPA_SUBTREE & set(selectors.inspectable_units(users["inspector"]).values_list("code", flat=True))
    assert not SAPA_SUBTREE & set(OrgUnit.objects.subtree_of([org_tree["LAOCAI"]]).values_list("code", flat=True))
    [event] = Event.objects.filter(seq__gt=since)
    assert event.action == "orgunit.change" and event.object_id == str(org_tree["LC-SAPA"].pk)
    assert event.data == {"model": "roles.orgunit", "descendants": 2, "fields": {
        "parent": [org_tree["LAOCAI"].pk, org_tree["HANOI"].pk],
        "path": ["/CP/LAOCAI/LC-SAPA/", "/CP/HANOI/LC-SAPA/"]}}
    assert event.org_path == "/CP/HANOI/LC-SAPA/"
    assert verify_chain().ok


def test_renaming_a_units_code_rewrites_the_paths_below_it(admin_client, org_tree):
    response = post_change_form(admin_client, org_tree["LC-SAPA"], code="LC-SAPAP")
    assert response.status_code == 302
    assert paths("LC-SAPAP", "LC-SAPA-THCS", "LC-SAPA-TDP1") == {
        "LC-SAPAP": "/CP/LAOCAI/LC-SAPAP/",
        "LC-SAPA-THCS": "/CP/LAOCAI/LC-SAPAP/LC-SAPA-THCS/",
        "LC-SAPA-TDP1": "/CP/LAOCAI/LC-SAPAP/LC-SAPA-TDP1/",
    }
    event = Event.objects.order_by("-seq").first()
    assert event.data["fields"]["code"] == ["LC-SAPA", "LC-SAPAP"] and event.data["descendants"] == 2


@pytest.mark.parametrize("under", ["LC-SAPA", "LC-SAPA-THCS"])
def test_a_unit_cannot_be_moved_under_itself_or_its_descendant(admin_client, org_tree, under):
    before, events = paths(*SAPA_SUBTREE), Event.objects.count()

    response = post_change_form(admin_client, org_tree["LC-SAPA"], parent=org_tree[under].pk)

    assert response.status_code == 200
    assert "Không thể chuyển đơn vị vào chính nó hoặc vào đơn vị cấp dưới của nó." in str(
        response.context["adminform"].form.errors["parent"])
    assert paths(*SAPA_SUBTREE) == before and Event.objects.count() == events
    unit = OrgUnit.objects.get(code="LC-SAPA")
    unit.parent = OrgUnit.objects.get(code=under)
    with pytest.raises(ValidationError):
        save_unit(actor=None, unit=unit)
    assert paths(*SAPA_SUBTREE) == before and Event.objects.count() == events


def test_the_subtree_is_rewritten_by_one_statement_whatever_its_size(org_tree):
    def move(unit, parent):
        unit.parent = parent
        with CaptureQueriesContext(connection) as queries:
            save_unit(actor=None, unit=unit)
        return sum(q["sql"].startswith('UPDATE "roles_orgunit"') for q in queries.captured_queries)

    small = move(OrgUnit.objects.get(code="LC-SAPA"), org_tree["HANOI"])
    school = OrgUnit.objects.get(code="LC-SAPA-THCS")
    for i in range(30):
        OrgUnit.objects.create(code=f"LC-SAPA-THCS-T{i}", name=f"Tổ {i}", level=Level.UNIT, parent=school)
    large = move(OrgUnit.objects.get(code="LC-SAPA"), org_tree["LAOCAI"])
    assert small == large == 2  # the unit, then every unit under it
    assert OrgUnit.objects.filter(path__startswith="/CP/LAOCAI/LC-SAPA/LC-SAPA-THCS/").count() == 31
    assert not OrgUnit.objects.filter(path__startswith="/CP/HANOI/LC-SAPA/").exists()


def test_only_an_admin_of_both_places_may_move_a_unit(org_tree, users):
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied

    laocai_admin = get_user_model().objects.create(username="laocai_admin")
    grant_role(actor=None, user=laocai_admin, org_unit=org_tree["LAOCAI"], role=Role.ADMIN)
    group = OrgUnit.objects.get(code="LC-SAPA-TDP1")
    group.parent = org_tree["HANOI"]
    with pytest.raises(PermissionDenied):
        save_unit(actor=laocai_admin, unit=group)
    group.parent = org_tree["LC-BACHA"]
    save_unit(actor=laocai_admin, unit=group)
    assert OrgUnit.objects.get(code="LC-SAPA-TDP1").path == "/CP/LAOCAI/LC-BACHA/LC-SAPA-TDP1/"


def test_units_added_in_bulk_are_checked_and_audited_like_one(org_tree):
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied

    from roles.services import add_units

    laocai_admin = get_user_model().objects.create(username="laocai_admin")
    grant_role(actor=None, user=laocai_admin, org_unit=org_tree["LAOCAI"], role=Role.ADMIN)
    since = Event.objects.count()
    with pytest.raises(PermissionDenied):
        add_units(actor=laocai_admin, units=[
            OrgUnit(code="LC-X1", name="Thôn 1", level=Level.UNIT, parent=org_tree["LC-SAPA"]),
            OrgUnit(code="HN-X1", name="Tổ 1", level=Level.UNIT, parent=org_tree["HN-HOANKIEM"])])
    assert not OrgUnit.objects.filter(code__in=["LC-X1", "HN-X1"]).exists() and Event.objects.count() == since

    added = add_units(actor=laocai_admin, data=lambda unit: {"note": unit.code}, units=[
        OrgUnit(code="LC-X1", name="Thôn 1", level=Level.UNIT, parent=org_tree["LC-SAPA"]),
        OrgUnit(code="LC-X2", name="Thôn 2", level=Level.UNIT, parent=org_tree["LC-BACHA"])])

    assert paths("LC-X1", "LC-X2") == {"LC-X1": "/CP/LAOCAI/LC-SAPA/LC-X1/", "LC-X2": "/CP/LAOCAI/LC-BACHA/LC-X2/"}
    events = list(Event.objects.filter(seq__gt=since))
    assert [(e.action, e.object_id, e.data["note"], e.org_path) for e in events] == [
        ("orgunit.add", str(unit.pk), unit.code, unit.path) for unit in added]
    assert events[0].data["fields"]["name"] == [None, "Thôn 1"] and verify_chain().ok
