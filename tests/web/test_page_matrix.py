"""The permission matrix through the pages: every action x every demo user x every demo nomination.

Expected statuses come from the demo's role table and the stages on record, not from the code under test:
not in the reader's scope → 404; wrong state → 409; no role → 403; otherwise the action runs (302) or a guard
refuses it (400). Whatever is refused changes nothing.
"""

import pytest
from django.db import transaction
from django.urls import reverse

from nominations.models import Nomination
from roles.models import OrgUnit
from workflows import demo
from workflows.models import Stage
from workflows.selectors import open_stage

from ..workflows.test_permission_matrix import ROLE_OF, SOURCES, entitled, grant_second_roles, snapshot

READERS = {"proposer", "appraiser", "decider"}


def may_read(username: str, nomination: Nomination, paths: dict[str, str]) -> bool:
    stage_units = set(Stage.objects.filter(nomination=nomination).values_list("org_unit__code", flat=True))
    for (person, unit), role in ROLE_OF.items():
        if person != username:
            continue
        if role == "proposer" and unit == nomination.submitting_unit.code:
            return True
        if role in ("appraiser", "decider", "secretary") and unit in stage_units:
            return True
        if role == "inspector" and any(paths[code].startswith(paths[unit])
                                       for code in {nomination.submitting_unit.code, *stage_units}):
            return True
    return False


class _Undo(Exception):
    """Roll back a successful action so every combination starts from the same state."""


@pytest.mark.parametrize("action", list(SOURCES))
def test_page_permission_matrix(action, client, users, org_tree):
    demo.build_nominations(users, org_tree)
    grant_second_roles(users, org_tree)
    paths = dict(OrgUnit.objects.values_list("code", "path"))
    seen = {404: 0, 409: 0, 403: 0, 302: 0, 400: 0}
    for nomination in Nomination.objects.select_related("submitting_unit"):
        for username, user in users.items():
            if username == "admin":
                continue
            client.force_login(user)
            stage = open_stage(nomination)
            before = snapshot(nomination)
            if not may_read(username, nomination, paths):
                expected = {404}
            elif nomination.status not in SOURCES[action]:
                expected = {409}
            elif not entitled(action, username, nomination, stage):
                expected = {403}
            else:
                expected = {302, 400}
            data = {"stage": stage.pk if stage else "", "reason": "Lý do kiểm thử", "comment": ""}
            try:
                with transaction.atomic():
                    response = client.post(reverse("nomination-act", args=[nomination.pk, action]), data)
                    if response.status_code == 302:
                        raise _Undo
            except _Undo:
                pass
            assert response.status_code in expected, (action, username, nomination.status, response.status_code)
            seen[response.status_code] += 1
            if response.status_code != 302:
                assert snapshot(nomination) == before, (action, username, nomination.status)
    assert seen[404] and seen[403] and seen[409]
    assert seen[302] + seen[400] > 0
