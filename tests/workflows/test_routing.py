import datetime

import pytest
from django.core.exceptions import ValidationError

from nominations.models import AwardType
from roles.models import Level, OrgUnit
from workflows.routing import plan_route

TODAY = datetime.date(2026, 11, 28)


def route(unit, award, day=TODAY):
    return [(s.code, s.step) for s in plan_route(submitting_unit=unit, award=AwardType.objects.get(code=award), day=day)]


def test_gk_xa_from_a_school_stops_at_the_commune(org_tree):
    assert route(org_tree["LC-SAPA-THCS"], "GK_XA") == [("LC-SAPA", "appraise"), ("LC-SAPA", "decide")]


def test_bk_tinh_climbs_to_the_province(org_tree):
    assert route(org_tree["LC-SAPA-THCS"], "BK_TINH") == [
        ("LC-SAPA", "appraise"), ("LC-SAPA", "decide"), ("LAOCAI", "appraise"), ("LAOCAI", "decide")]


def test_bk_ttg_passes_the_central_board_before_the_government(org_tree):
    assert route(org_tree["LC-SAPA-THCS"], "BK_TTG") == [
        ("LC-SAPA", "appraise"), ("LC-SAPA", "decide"), ("LAOCAI", "appraise"), ("LAOCAI", "decide"),
        ("BTDKTTW", "appraise"), ("CP", "decide")]


def test_ministry_branch(org_tree):
    unit = org_tree["BGDDT-VGDTX"]
    assert route(unit, "BK_BO") == [("BGDDT", "appraise"), ("BGDDT", "decide")]
    assert route(unit, "BK_TTG") == [("BGDDT", "appraise"), ("BGDDT", "decide"), ("BTDKTTW", "appraise"),
                                     ("CP", "decide")]


def test_gk_unit_is_decided_by_the_unit_itself(org_tree):
    assert route(org_tree["LC-SAPA-THCS"], "GK_UNIT") == [("LC-SAPA-THCS", "decide")]


def test_a_2025_route_passes_through_the_district(org_tree):
    province = org_tree["LAOCAI"]
    district = OrgUnit.objects.create(code="D-OLD", name="Huyện cũ", level=Level.DISTRICT, parent=province,
                                      valid_to=datetime.date(2025, 6, 30))
    commune = OrgUnit.objects.create(code="C-OLD", name="Xã cũ", level=Level.COMMUNE, parent=district)
    school = OrgUnit.objects.create(code="S-OLD", name="Trường", level=Level.UNIT, parent=commune)
    assert route(school, "BK_TINH", datetime.date(2025, 3, 1)) == [
        ("C-OLD", "appraise"), ("C-OLD", "decide"), ("D-OLD", "appraise"), ("D-OLD", "decide"),
        ("LAOCAI", "appraise"), ("LAOCAI", "decide")]
    # After 2025-07-01 the two-tier profile has no district (scenario 4).
    assert [c for c, _ in route(school, "BK_TINH", datetime.date(2025, 7, 1))] == ["C-OLD", "C-OLD", "LAOCAI", "LAOCAI"]


def test_an_award_no_level_of_the_branch_decides_is_refused(org_tree):
    with pytest.raises(ValidationError):
        route(org_tree["BGDDT-VGDTX"], "GK_XA")
    with pytest.raises(ValidationError):
        route(org_tree["LC-SAPA-THCS"], "GK_HUYEN")
