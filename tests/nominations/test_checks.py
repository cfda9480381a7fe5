"""System checks of the award rules by date (nominations/checks.py)."""

import datetime

import pytest
from django.core import checks

from nominations.checks import check_award_rules
from nominations.models import AwardRule, AwardType
from roles.models import Level

D = datetime.date


def reported() -> list[checks.CheckMessage]:
    return check_award_rules(app_configs=None, databases=["default"])


def rule(award, level, valid_from=None, valid_to=None) -> AwardRule:
    return AwardRule.objects.create(award=AwardType.objects.get(code=award), deciding_level=level,
                                    valid_from=valid_from, valid_to=valid_to)


def test_the_reference_rules_report_nothing(reference_data):
    assert AwardRule.objects.count() == 3
    assert reported() == []


def test_it_is_a_database_check(reference_data, django_assert_num_queries):
    registered = {c: c.tags for c in checks.registry.registry.get_checks()}
    assert registered[check_award_rules] == (checks.Tags.database,)
    with django_assert_num_queries(0):
        assert check_award_rules(app_configs=None, databases=None) == []


def test_a_rule_ending_before_it_starts_is_e001(reference_data):
    bad = rule("BK_TINH", Level.PROVINCE, D(2026, 1, 1), D(2025, 1, 1))

    (error,) = reported()
    assert error.id == "nominations.E001" and error.obj == bad


def test_two_rules_in_force_on_one_day_are_e002(reference_data):
    rule("CSTD_CS", Level.PROVINCE, D(2026, 1, 1), D(2026, 12, 31))

    (error,) = reported()
    assert error.id == "nominations.E002" and error.obj.code == "CSTD_CS"
    assert "từ 01/01/2026 đến 31/12/2026" in error.msg


def test_two_rules_both_open_at_the_start_are_e002(reference_data):
    # valid_from empty on both: which one wins would differ between SQLite and PostgreSQL.
    rule("GK_HUYEN", Level.COMMUNE, None, D(2024, 12, 31))

    assert [m.id for m in reported()] == ["nominations.E002"]


def test_a_rule_for_no_level_is_e003(reference_data):
    rule("BK_TINH", 45)

    assert [m.id for m in reported()] == ["nominations.E003"]


def test_a_gap_between_two_rules_is_w001(reference_data):
    AwardRule.objects.filter(award__code="CSTD_CS", valid_from=D(2025, 7, 1)).update(valid_from=D(2025, 9, 1))

    (warning,) = reported()
    assert warning.id == "nominations.W001" and warning.level == checks.WARNING
    assert "từ 01/07/2025 đến 31/08/2025" in warning.msg


def test_a_gap_is_cut_to_the_award_s_own_validity(reference_data):
    AwardRule.objects.filter(award__code="GK_HUYEN").update(valid_to=D(2024, 12, 31))
    rule("GK_HUYEN", Level.DISTRICT, D(2025, 9, 1))  # GK_HUYEN itself ends on 30/06/2025

    (warning,) = reported()
    assert "từ 01/01/2025 đến 30/06/2025" in warning.msg


@pytest.mark.parametrize("valid_from, valid_to", [
    (D(2025, 9, 1), None),  # the gap lies after GK_HUYEN's end
])
def test_a_gap_outside_the_award_s_validity_is_not_reported(reference_data, valid_from, valid_to):
    rule("GK_HUYEN", Level.DISTRICT, valid_from, valid_to)

    assert reported() == []


def test_days_before_the_first_rule_are_the_award_s_own_level_by_design(reference_data):
    rule("BK_TINH", Level.PROVINCE, D(2027, 1, 1))

    assert reported() == []
