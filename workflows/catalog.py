"""Reference data of the workflow: the routing profiles in force by date and branch (DOMAIN.md §3)."""

import datetime

from django.db import transaction

from nominations.catalog import load_catalog
from roles.models import Level

from .models import RoutingProfile, Step

BOTH = [Step.APPRAISE, Step.DECIDE]
UNIT = {"level": Level.UNIT, "steps": [Step.DECIDE]}  # only when the unit itself decides the award
NATIONAL = [
    {"level": Level.CENTRAL_BOARD, "steps": [Step.APPRAISE]},
    {"level": Level.GOVERNMENT, "steps": [Step.DECIDE]},
]
PROFILES = [
    ("LOCAL-3TIER", "Địa phương 3 cấp (trước 01/07/2025)", RoutingProfile.Branch.LOCAL,
     [UNIT, {"level": Level.COMMUNE, "steps": BOTH}, {"level": Level.DISTRICT, "steps": BOTH},
      {"level": Level.PROVINCE, "steps": BOTH}, *NATIONAL], None, datetime.date(2025, 6, 30)),
    ("LOCAL-2TIER", "Địa phương 2 cấp (từ 01/07/2025)", RoutingProfile.Branch.LOCAL,
     [UNIT, {"level": Level.COMMUNE, "steps": BOTH}, {"level": Level.PROVINCE, "steps": BOTH}, *NATIONAL],
     datetime.date(2025, 7, 1), None),
    ("SECTOR", "Bộ, ngành Trung ương", RoutingProfile.Branch.SECTOR,
     [UNIT, {"level": Level.MINISTRY, "steps": BOTH}, *NATIONAL], None, None),
]


@transaction.atomic
def load_reference_data() -> None:
    """The catalog and the routing profiles; idempotent, keeps administrators' edits."""
    load_catalog()
    for code, name, branch, levels, valid_from, valid_to in PROFILES:
        plain = [{"level": int(e["level"]), "steps": [str(s) for s in e["steps"]]} for e in levels]
        RoutingProfile.objects.get_or_create(
            code=code,
            defaults={"name": name, "branch": branch, "levels": plain, "valid_from": valid_from, "valid_to": valid_to},
        )
