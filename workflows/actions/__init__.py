"""Every write to a nomination: one function per action (see DESIGN.md, "The one path")."""

from .dossier import attach_document, create_nomination, update_nomination
from .review import (
    approve_nomination,
    reject_nomination,
    resubmit_nomination,
    return_nomination,
    submit_nomination,
    withdraw_nomination,
)

__all__ = [
    "approve_nomination", "attach_document", "create_nomination", "reject_nomination", "resubmit_nomination",
    "return_nomination", "submit_nomination", "update_nomination", "withdraw_nomination",
]
