"""Every action x every demo user x every demo nomination (all states): no unauthorized success, and a
refusal changes nothing. Expectations come from the demo's role table, not from the code under test."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from audit.models import Event
from nominations.models import Nomination, Status
from roles.services import grant_role
from workflows import actions, demo
from workflows.errors import Conflict, InvalidTransition
from workflows.models import Stage
from workflows.selectors import open_stage

# One person with two roles: the head of a residents' group who also appraises at its commune (the roles are read
# per unit, so each holds at its own unit only).
SECOND_ROLES = [("tdp_head", "appraiser", "LC-SAPA")]
ROLE_OF = {(username, unit): role for username, _name, role, unit in demo.PEOPLE} | {
    (username, unit): role for username, role, unit in SECOND_ROLES}
SOURCES = {
    "submit": {Status.DRAFT}, "resubmit": {Status.RETURNED},
    "withdraw": {Status.DRAFT, Status.IN_REVIEW, Status.RETURNED, Status.ON_HOLD},
    "approve": {Status.IN_REVIEW}, "return": {Status.IN_REVIEW}, "reject": {Status.IN_REVIEW},
}
STEP_ROLE = {"appraise": "appraiser", "decide": "decider"}


def grant_second_roles(users, org_tree):
    for username, role, unit in SECOND_ROLES:
        grant_role(actor=None, user=users[username], org_unit=org_tree[unit], role=role)


def call(action, user, nomination, stage):
    if action in ("submit", "resubmit"):
        return getattr(actions, f"{action}_nomination")(actor=user, nomination=nomination)
    if action == "withdraw":
        return actions.withdraw_nomination(actor=user, nomination=nomination)
    if action == "approve":
        return actions.approve_nomination(actor=user, nomination=nomination, stage=stage)
    return getattr(actions, f"{action}_nomination")(actor=user, nomination=nomination, stage=stage, reason="Lý do")


def entitled(action, username, nomination, stage) -> bool:
    if action in ("submit", "resubmit", "withdraw"):
        return ROLE_OF.get((username, nomination.submitting_unit.code)) == "proposer"
    return stage is not None and ROLE_OF.get((username, stage.org_unit.code)) == STEP_ROLE[stage.step]


def snapshot(nomination):
    nomination.refresh_from_db()
    return (nomination.status, Stage.objects.filter(nomination=nomination).count(),
            Stage.objects.filter(nomination=nomination, closed_at__isnull=True).values_list("pk", flat=True).first(),
            Event.objects.count())


@pytest.mark.parametrize("action", list(SOURCES))
def test_permission_matrix(action, users, org_tree):
    demo.build_nominations(users, org_tree)
    demo.prepare_draft(users, org_tree, "tdp_head", "LC-SAPA-TDP1", "GK_XA", "1315-2026", "clan", "Dòng họ Lý", "x")
    grant_second_roles(users, org_tree)
    successes = refusals = 0
    for nomination in Nomination.objects.select_related("submitting_unit"):
        for username, user in users.items():
            if username == "admin":
                continue
            stage = open_stage(nomination)
            before = snapshot(nomination)
            legal_state = nomination.status in SOURCES[action]
            try:
                with transaction.atomic():
                    call(action, user, nomination, stage)
                    successes += 1
                    assert legal_state and entitled(action, username, nomination, stage), (action, username, nomination)
                    raise _Undo
            except _Undo:
                pass
            except (PermissionDenied, InvalidTransition, Conflict, ValidationError) as exc:
                refusals += 1
                assert snapshot(nomination) == before
                if legal_state and entitled(action, username, nomination, stage):
                    assert isinstance(exc, ValidationError), (action, username, nomination.status, exc)
                if not legal_state:
                    assert isinstance(exc, (InvalidTransition, Conflict)), (action, username, nomination.status, exc)
                elif not entitled(action, username, nomination, stage):
                    assert isinstance(exc, PermissionDenied), (action, username, nomination.status, exc)
    assert successes > 0 and refusals > successes


class _Undo(Exception):
    """Roll back a successful action so every combination starts from the same state."""
