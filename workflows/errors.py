"""The workflow's error hierarchy and its one mapping to HTTP status codes.

Guard failures are Django `ValidationError` (400); a missing role is Django `PermissionDenied` (403).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404


class WorkflowError(Exception):
    status_code = 409

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidTransition(WorkflowError):
    """The action is not legal in the nomination's current status."""


class Conflict(WorkflowError):
    """The stage the actor acted on is no longer the open one (a double click, or another reviewer)."""


def http_status(exc: Exception) -> int:
    if isinstance(exc, WorkflowError):
        return exc.status_code
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, Http404):
        return 404
    if isinstance(exc, ValidationError):
        return 400
    raise TypeError(f"not a workflow error: {exc!r}")


def messages_of(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        return list(exc.messages)
    if isinstance(exc, WorkflowError):
        return [exc.message]
    return [str(exc)] if str(exc) else []


HANDLED = (WorkflowError, PermissionDenied, ValidationError)
