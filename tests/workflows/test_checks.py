"""System checks of the routing configuration (workflows/checks.py): a configuration an administrator got wrong
is reported with its id; the reference (demo) configuration reports nothing."""

import datetime

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from nominations.models import AwardType
from roles.models import Level
from workflows.checks import check_council_rules, check_routing_profiles
from workflows.models import CouncilRule, RoutingProfile

D = datetime.date


def reported(check=check_routing_profiles) -> list[checks.CheckMessage]:
    return check(app_configs=None, databases=["default"])


def ids(messages) -> list[str]:
    return [m.id for m in messages]


def profile(code) -> RoutingProfile:
    return RoutingProfile.objects.get(code=code)


def edit(code, **fields) -> RoutingProfile:
    p = profile(code)
    for name, value in fields.items():
        setattr(p, name, value)
    p.save()
    return p


def test_the_reference_configuration_reports_nothing(org_tree):
    CouncilRule.objects.create(level=Level.COMMUNE, award=AwardType.objects.get(code="GK_XA"), threshold_percent=50)
    CouncilRule.objects.create(level=Level.DISTRICT, valid_to=D(2025, 6, 30), threshold_percent=50)

    assert reported() == []
    assert reported(check_council_rules) == []


def test_the_checks_are_database_checks():
    registered = {c: c.tags for c in checks.registry.registry.get_checks()}

    assert registered[check_routing_profiles] == (checks.Tags.database,)
    assert registered[check_council_rules] == (checks.Tags.database,)


def test_without_a_database_named_nothing_is_read(org_tree, django_assert_num_queries):
    edit("LOCAL-2TIER", valid_from=D(2025, 8, 1))

    with django_assert_num_queries(0):
        assert check_routing_profiles(app_configs=None, databases=None) == []


def test_tables_not_migrated_yet_report_nothing(org_tree, monkeypatch):
    edit("LOCAL-2TIER", valid_from=D(2025, 8, 1))
    monkeypatch.setattr(RoutingProfile._meta, "db_table", "workflows_not_migrated_yet")

    assert reported() == []
    monkeypatch.undo()
    assert RoutingProfile.objects.count() == 3  # the failed read left the test's transaction usable


def test_levels_out_of_order_or_with_an_unknown_step_are_e001(org_tree):
    edit("SECTOR", levels=[{"level": 50, "steps": ["appraise", "decide"]}, {"level": 10, "steps": ["decide"]},
                           {"level": 60, "steps": ["review"]}, {"level": 70, "steps": ["decide"]}])

    (error,) = [m for m in reported() if m.id == "workflows.E001"]
    assert "SECTOR" in error.msg and "mục 2" in error.msg and "mục 3" in error.msg
    assert error.obj == profile("SECTOR")


def test_a_profile_ending_before_it_starts_is_e002(org_tree):
    RoutingProfile.objects.create(code="BROKEN", name="Nhầm ngày", branch="local", levels=profile("LOCAL-2TIER").levels,
                                  valid_from=D(2030, 1, 1), valid_to=D(2029, 1, 1))

    assert ids(reported()) == ["workflows.E002"]


def test_a_branch_without_profiles_while_the_tree_has_a_ministry_is_e003(org_tree):
    profile("SECTOR").delete()

    assert "workflows.E003" in ids(reported())


def test_a_branch_no_unit_needs_is_no_e003_but_its_awards_stay_unreachable(reference_data):
    profile("SECTOR").delete()  # no org tree: no ministry routes through it

    (error,) = reported()
    assert error.id == "workflows.E006" and error.obj.code == "BK_BO"  # only the sector profile has a ministry


def test_a_gap_between_two_profiles_is_e004(org_tree):
    edit("LOCAL-2TIER", valid_from=D(2025, 8, 1))

    (error,) = reported()
    assert error.id == "workflows.E004"
    assert "từ 01/07/2025 đến 31/07/2025" in error.msg and "LOCAL-3TIER" in error.msg


def test_no_profile_after_the_last_one_ends_is_e004(org_tree):
    edit("LOCAL-2TIER", valid_to=D(2030, 12, 31))

    (error,) = reported()
    assert error.id == "workflows.E004" and "31/12/2030" in error.msg


def test_two_profiles_in_force_on_one_day_are_e005(org_tree):
    edit("LOCAL-3TIER", valid_to=D(2025, 12, 31))

    (error,) = reported()
    assert error.id == "workflows.E005" and "từ 01/07/2025 đến 31/12/2025" in error.msg


def test_a_deciding_level_no_profile_in_force_has_is_e006(org_tree):
    p = profile("LOCAL-2TIER")
    edit("LOCAL-2TIER", levels=[e for e in p.levels if e["level"] != Level.PROVINCE])

    errors = [m for m in reported() if m.id == "workflows.E006"]
    assert [e.obj.code for e in errors] == ["BK_TINH"]
    assert "từ 01/07/2025" in errors[0].msg


def test_a_deciding_level_that_only_appraises_is_e007(org_tree):
    p = profile("SECTOR")
    levels = [{**e, "steps": ["appraise"]} if e["level"] == Level.MINISTRY else e for e in p.levels]
    edit("SECTOR", levels=levels)

    (error,) = reported()
    assert error.id == "workflows.E007" and error.obj == profile("SECTOR") and "BK_BO" in error.msg


def test_a_bad_profile_fails_manage_py_check(org_tree):
    edit("LOCAL-2TIER", valid_from=D(2025, 8, 1))

    with pytest.raises(SystemCheckError, match=r"workflows\.E004"):
        call_command("check", "--database", "default")


def test_a_council_rule_for_no_level_is_e008(reference_data):
    CouncilRule.objects.create(level=25, threshold_percent=50)

    assert ids(reported(check_council_rules)) == ["workflows.E008"]


@pytest.mark.parametrize("level, valid_from", [
    (Level.CENTRAL_BOARD, None),  # the central board appraises only
    (Level.DISTRICT, D(2025, 7, 1)),  # no district after the reform
])
def test_a_council_rule_at_a_level_without_a_decide_step_is_w001(reference_data, level, valid_from):
    rule = CouncilRule.objects.create(level=level, valid_from=valid_from, threshold_percent=50)

    (warning,) = reported(check_council_rules)
    assert warning.id == "workflows.W001" and warning.obj == rule
    assert warning.level == checks.WARNING
