"""One entry for the pages and the API: an action's name (as in their URLs) → its function."""

from .review import (
    approve_nomination,
    reject_nomination,
    resubmit_nomination,
    return_nomination,
    submit_nomination,
    withdraw_nomination,
)

# The names the pages and the API accept, in the order their buttons show.
ACTION_NAMES = ("submit", "resubmit", "withdraw", "approve", "return", "reject")


def perform(
    action: str, *, actor, nomination, stage=None, comment: str = "", reason: str = "", reason_code: str = "",
    decision_number: str = "", decision_date=None,
):
    """Run the named action with the arguments it takes (the others are ignored); returns the nomination."""
    common = {"actor": actor, "nomination": nomination, "comment": comment or ""}
    review = {**common, "stage": stage}
    if action == "submit":
        return submit_nomination(**common)
    if action == "resubmit":
        return resubmit_nomination(**common)
    if action == "withdraw":
        return withdraw_nomination(**common, reason=reason or "")
    if action == "approve":
        return approve_nomination(**review, decision_number=decision_number or "", decision_date=decision_date)
    if action == "return":
        return return_nomination(**review, reason=reason or "", reason_code=reason_code or "")
    if action == "reject":
        return reject_nomination(**review, reason=reason or "", reason_code=reason_code or "")
    raise ValueError(f"unknown action {action!r}")
