"""Rules by date: who decides an award and which routing profile applies are data with effective dates, and
each nomination is judged by the rules in force on its date (DOMAIN.md §4, scenario 5 of §9)."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from nominations import rules
from nominations.models import AwardType, Nomination, Round, Status
from roles.models import Level, OrgUnit, Role
from roles.services import grant_role
from workflows import actions, demo
from workflows.guards import check_deciding_authority
from workflows.routing import plan_route, route_of
from workflows.selectors import rules_applied

D = datetime.date
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def district_branch(org_tree):
    """A district (abolished on 2025-07-01) with a commune and a school under it."""
    district = OrgUnit.objects.create(code="LC-BATXAT-H", name="Huyện Bát Xát", level=Level.DISTRICT,
                                      parent=org_tree["LAOCAI"], valid_to=D(2025, 6, 30))
    commune = OrgUnit.objects.create(code="LC-BANXEO", name="Xã Bản Xèo", level=Level.COMMUNE, parent=district)
    school = OrgUnit.objects.create(code="LC-BANXEO-TH", name="Trường Tiểu học Bản Xèo", level=Level.UNIT,
                                    parent=commune)
    return {u.code: u for u in (district, commune, school)}


def stops(route):
    return [(s.code, s.step) for s in route]


def test_who_decides_an_award_depends_on_the_date(reference_data):
    cstd = AwardType.objects.get(code="CSTD_CS")
    assert rules.deciding_level_for(cstd, D(2025, 6, 30)) == Level.DISTRICT
    assert rules.deciding_level_for(cstd, D(2025, 7, 1)) == Level.COMMUNE
    assert rules.deciding_level_for(AwardType.objects.get(code="BK_TINH"), D(2025, 7, 1)) == Level.PROVINCE


def test_cstd_co_so_climbs_to_the_district_before_the_reform_and_stops_at_the_commune_after(district_branch):
    cstd = AwardType.objects.get(code="CSTD_CS")
    school = district_branch["LC-BANXEO-TH"]
    assert stops(plan_route(submitting_unit=school, award=cstd, day=D(2025, 6, 30))) == [
        ("LC-BANXEO", "appraise"), ("LC-BANXEO", "decide"), ("LC-BATXAT-H", "appraise"), ("LC-BATXAT-H", "decide"),
    ]
    assert stops(plan_route(submitting_unit=school, award=cstd, day=D(2025, 7, 1))) == [
        ("LC-BANXEO", "appraise"), ("LC-BANXEO", "decide"),
    ]


def test_a_bang_khen_tinh_after_the_reform_skips_the_abolished_district(district_branch):
    """Scenario 4: after 2025-07-01 the stage after the commune is the province."""
    route = plan_route(submitting_unit=district_branch["LC-BANXEO-TH"], award=AwardType.objects.get(code="BK_TINH"),
                       day=D(2025, 7, 1))
    assert [s.code for s in route] == ["LC-BANXEO", "LC-BANXEO", "LAOCAI", "LAOCAI"]


def test_gk_huyen_is_no_longer_offered(draft_factory):
    with pytest.raises(ValidationError, match="không còn áp dụng"):
        draft_factory(award="GK_HUYEN", name="Người Huyện")


def test_a_2024_district_award_stays_readable_with_its_rules_and_counts_for_g3(district_branch, users):
    """Scenario 5."""
    people = {}
    with time_machine.travel(datetime.datetime(2024, 5, 2, 9, 0, tzinfo=HCM), tick=False):
        for name, role, code in [("bx_head", Role.PROPOSER, "LC-BANXEO-TH"), ("bx_staff", Role.APPRAISER, "LC-BANXEO"),
                                 ("bx_chair", Role.DECIDER, "LC-BANXEO"), ("bxh_staff", Role.APPRAISER, "LC-BATXAT-H"),
                                 ("bxh_chair", Role.DECIDER, "LC-BATXAT-H")]:
            people[name] = type(users["admin"]).objects.create(username=name)
            grant_role(actor=None, user=people[name], org_unit=district_branch[code], role=role)
        n = demo.prepare_draft(people, district_branch, "bx_head", "LC-BANXEO-TH", "GK_HUYEN", "1315-2024",
                               "individual", "Lò Thị Xèo", "Mở lớp học chữ cho phụ nữ.")
        actions.submit_nomination(actor=people["bx_head"], nomination=n)
        demo.approve_in_turn(people, n, "bx_staff", "bx_chair", "bxh_staff", "bxh_chair")

    n = Nomination.objects.get(pk=n.pk)
    assert n.status == Status.AWARDED and n.decision_date == D(2024, 5, 2)
    assert [s.code for s in route_of(n)][-1] == "LC-BATXAT-H"
    applied = rules_applied(n)
    assert applied["date"] == D(2024, 5, 2)
    assert applied["profile"]["code"] == "LOCAL-3TIER"
    assert applied["deciding_level"]["level"] == Level.DISTRICT
    check_deciding_authority(n, route_of(n)[-1])  # judged by the 2024 rules, the district still had authority
    again = Nomination(nominee=n.nominee, round=Round.objects.get(code="1315-2024"), award=n.award,
                       submitting_unit=n.submitting_unit)
    with pytest.raises(ValidationError, match="không khen thưởng nhiều lần"):
        rules.check_no_double_award(again, n.submitting_unit.path)


def test_a_nomination_of_today_is_judged_by_the_two_tier_rules(draft_factory):
    n = draft_factory(award="CSTD_CS", name="Người Hôm Nay")
    applied = rules_applied(n)
    assert applied["profile"]["code"] == "LOCAL-2TIER"
    assert applied["deciding_level"]["level"] == Level.COMMUNE
    assert applied["deciding_level"]["valid_from"] == D(2025, 7, 1)
    assert applied["council"] == []
