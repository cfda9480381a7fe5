"""Every write to a nomination: one function per action (see DESIGN.md, "The one path")."""

from .council import record_council_vote
from .dispatch import perform
from .dossier import (
    attach_document,
    create_nomination,
    create_nominations,
    remove_document,
    replace_document,
    update_nomination,
)
from .duplicates import resolve_duplicate
from .holds import clear_hold, place_hold
from .personal_data import record_export, reveal_personal_data
from .review import (
    approve_nomination,
    reject_nomination,
    resubmit_nomination,
    return_nomination,
    submit_nomination,
    withdraw_nomination,
)

__all__ = [
    "approve_nomination", "attach_document", "clear_hold", "create_nomination", "create_nominations",
    "perform",
    "place_hold", "record_council_vote", "record_export", "reject_nomination", "remove_document",
    "replace_document", "resolve_duplicate", "resubmit_nomination", "return_nomination", "reveal_personal_data",
    "submit_nomination", "update_nomination", "withdraw_nomination",
]
