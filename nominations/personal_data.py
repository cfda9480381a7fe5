"""A nominee's sensitive data (Decree 13/2023/NĐ-CP): the identity number and the notes of holds (discipline,
investigation, complaint). Every page and API answer shows them masked; the few who must read them reveal them,
one nominee at a time, and each reveal is an audit event (workflows.actions.personal_data). docs/personal-data.md
says who and why."""

from roles.models import Role
from roles.selectors import holds_role_at

from .holds import may_hold
from .models import Nomination, Status

IDENTITY = "identity_number"
HOLD_NOTES = "hold_notes"
HIDDEN = "***"  # a masked note: there is text, and it is not shown
# Audit events whose comment is a hold's note or the grounds of its clearing.
HOLD_EVENTS = frozenset({"nominee.hold", "nominee.clear_hold", "nomination.hold", "nomination.release"})
NOMINEE_TYPE = "nominations.nominee"


def mask_identity(number: str) -> str:
    """The number with all but its last three characters as "*" (none shown when it is shorter than nine): enough
    to tell two records apart, or to see that two carry the same number, without reading it."""
    number = number or ""
    shown = 3 if len(number) >= 9 else 0
    return "*" * (len(number) - shown) + number[len(number) - shown:]


def mask_note(text: str) -> str:
    return HIDDEN if text else ""


def masked_comment(action: str, comment: str) -> str:
    """An audit event's comment as pages and answers show it: a hold's note masked."""
    return mask_note(comment) if action in HOLD_EVENTS else comment


def masked_data(object_type: str, data: dict) -> dict:
    """An audit event's data as pages and answers show it: an identity number an admin change recorded, masked."""
    fields = (data or {}).get("fields")
    if object_type != NOMINEE_TYPE or not isinstance(fields, dict) or IDENTITY not in fields:
        return data
    values = fields[IDENTITY]
    masked = [mask_identity(v) if isinstance(v, str) else v for v in values] if isinstance(values, list) else values
    return {**data, "fields": {**fields, IDENTITY: masked}}


def revealable(user, nomination: Nomination) -> frozenset[str]:
    """What of the nominee's sensitive data `user` may reveal through `nomination` (which they may already read):

    - inspectors and administrators over the nominee's managing unit (and superusers): the identity number and
      the hold notes: they place and clear holds (G4) and answer for the record;
    - the proposer of the nominee's managing unit while the dossier is being prepared (a draft, or returned to
      them): the identity number they typed, to check it;
    - nobody else: reviewers judge the achievement, and the guards compare identity numbers in the database
      (G3) and read holds as flags (G4) without anyone reading them."""
    nominee = nomination.nominee
    if may_hold(user, nominee.unit):
        return frozenset({IDENTITY, HOLD_NOTES})
    if nomination.status in (Status.DRAFT, Status.RETURNED) and holds_role_at(user, Role.PROPOSER, nominee.unit):
        return frozenset({IDENTITY})
    return frozenset()
