"""The effective-dated rules are reference data loaded idempotently, keeping administrators' edits."""

from nominations.models import AwardRule
from roles.models import Level
from workflows.catalog import load_reference_data


def test_loading_twice_keeps_one_rule_each_and_the_administrators_edit(reference_data):
    count = AwardRule.objects.count()
    assert count == 3
    edited = AwardRule.objects.get(award__code="CSTD_CS", valid_from__isnull=False)
    edited.basis = "Sửa bởi quản trị"
    edited.save()
    load_reference_data()
    assert AwardRule.objects.count() == count
    edited.refresh_from_db()
    assert edited.basis == "Sửa bởi quản trị" and edited.deciding_level == Level.COMMUNE
