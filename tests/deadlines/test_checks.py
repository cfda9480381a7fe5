"""System checks of settings.DEADLINE_WORKING_DAYS (deadlines/checks.py)."""

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from deadlines.checks import check_deadline_award_codes, check_deadline_setting
from roles.models import Level
from workflows.models import Step


def ids(messages) -> list[str]:
    return [m.id for m in messages]


def test_no_setting_reports_nothing(settings):
    del settings.DEADLINE_WORKING_DAYS

    assert check_deadline_setting() == []


def test_every_key_shape_the_policy_reads_reports_nothing(settings):
    settings.DEADLINE_WORKING_DAYS = {(Level.COMMUNE, Step.APPRAISE, "GK_XA"): 5, (Level.COMMUNE, Step.APPRAISE): 10,
                                      (40, "decide"): 20, "appraise": 15}

    assert check_deadline_setting() == []


def test_the_setting_check_needs_no_database():
    registered = {c: c.tags for c in checks.registry.registry.get_checks()}

    assert registered[check_deadline_setting] == ()
    assert registered[check_deadline_award_codes] == (checks.Tags.database,)


def test_not_a_dict_is_e001(settings):
    settings.DEADLINE_WORKING_DAYS = [((20, "appraise"), 10)]

    assert ids(check_deadline_setting()) == ["deadlines.E001"]


@pytest.mark.parametrize("key", [20, ("appraise", 20), (20,), (20, "appraise", "GK_XA", "x"), (20, Step.DECIDE, 1)])
def test_a_key_the_policy_never_looks_up_is_e002(settings, key):
    settings.DEADLINE_WORKING_DAYS = {key: 10}

    assert ids(check_deadline_setting()) == ["deadlines.E002"]


@pytest.mark.parametrize("level", [25, "COMMUNE", "20", True])
def test_a_key_naming_no_level_is_e003(settings, level):
    settings.DEADLINE_WORKING_DAYS = {(level, "appraise"): 10}

    assert ids(check_deadline_setting()) == ["deadlines.E003"]


@pytest.mark.parametrize("key", ["approve", (20, "APPRAISE"), (20, "review", "GK_XA")])
def test_a_key_naming_no_step_is_e004(settings, key):
    settings.DEADLINE_WORKING_DAYS = {key: 10}

    assert ids(check_deadline_setting()) == ["deadlines.E004"]


@pytest.mark.parametrize("days", [0, -5, "20", 2.5, None])
def test_a_limit_that_is_no_number_of_working_days_is_e005(settings, days):
    settings.DEADLINE_WORKING_DAYS = {"appraise": days}

    assert ids(check_deadline_setting()) == ["deadlines.E005"]


def test_a_bad_key_fails_manage_py_check_without_a_database(settings):
    settings.DEADLINE_WORKING_DAYS = {(Level.COMMUNE, "approve"): 10}

    with pytest.raises(SystemCheckError, match=r"deadlines\.E004"):
        call_command("check")


def test_an_award_code_not_in_the_catalog_is_w001(settings, reference_data):
    settings.DEADLINE_WORKING_DAYS = {(20, "appraise", "GK_XA"): 5, (20, "appraise", "GK_XXA"): 5}

    (warning,) = check_deadline_award_codes(app_configs=None, databases=["default"])
    assert warning.id == "deadlines.W001" and "GK_XXA" in warning.msg
    assert check_deadline_award_codes(app_configs=None, databases=None) == []


def test_the_default_extra_clocks_and_a_well_formed_setting_report_nothing(settings):
    from deadlines.checks import check_extra_clocks

    assert check_extra_clocks() == []
    settings.DEADLINE_EXTRA_CLOCKS = {(Level.CENTRAL_BOARD, Step.APPRAISE): {"return_ineligible": 3},
                                      (Level.PROVINCE, "decide"): {"sign": 2}}
    assert check_extra_clocks() == []


@pytest.mark.parametrize("table", [
    [((60, "appraise"), {"return_ineligible": 5})],  # not a dict
    {60: {"return_ineligible": 5}},  # no step
    {(65, "appraise"): {"return_ineligible": 5}},  # no such level
    {(60, "sign"): {"return_ineligible": 5}},  # no such step
    {(60, "appraise"): 5},  # no clock name
    {(60, "appraise"): {"return_ineligible": 0}},  # not ≥ 1 day
    {(60, "appraise"): {"return_ineligible": "5"}},
])
def test_an_extra_clock_the_policy_would_never_read_is_e006(settings, table):
    from deadlines.checks import check_extra_clocks

    settings.DEADLINE_EXTRA_CLOCKS = table
    assert ids(check_extra_clocks()) == ["deadlines.E006"]
