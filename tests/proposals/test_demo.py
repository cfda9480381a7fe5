"""The demo holds a school's tờ trình of twelve in mixed states and a commune's tờ trình gathering items from two
units, written through the actions (the audit chain verifies)."""

import pytest
from django.core.management import call_command

from audit.chain import verify_chain
from proposals.models import Decision, Proposal


@pytest.mark.django_db
def test_seed_demo_builds_the_tờ_trình(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    school = Proposal.objects.get(number="12/TTr-THCS")
    states = set(school.items.values_list("nomination__status", flat=True))
    assert school.items.count() == 12 and states == {"in_review", "awarded", "returned", "rejected"}
    commune = Proposal.objects.get(number="5/TTr-UBND")
    assert commune.issuing_unit.code == "LC-SAPA" and commune.addressee.code == "LAOCAI"
    units = set(commune.items.values_list("nomination__submitting_unit__code", flat=True))
    assert units == {"LC-SAPA-THCS", "LC-SAPA-TDP1"}
    assert Decision.objects.get().items.count() == 3
    assert verify_chain().ok
