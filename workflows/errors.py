"""The workflow's error hierarchy and its one mapping to HTTP status codes.

Guard failures are Django `ValidationError` (400); a missing role is Django `PermissionDenied` (403).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation, ValidationError
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


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


def refused_request(exc: Exception) -> tuple[int, str] | None:
    """A request Django refused while reading it, as (status, message): a body over DATA_UPLOAD_MAX_MEMORY_SIZE is
    413; too many fields or files, and any other SuspiciousOperation, 400. None for any other exception.

    The pages answer these through config.urls.handler400, the API through api.exceptions."""
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return 413, _("Dữ liệu gửi lên quá lớn: tối đa %(size)s (không tính tệp đính kèm).") % {
            "size": filesizeformat(limit)}
    if isinstance(exc, SuspiciousOperation):
        return 400, _("Yêu cầu không hợp lệ: quá nhiều trường hoặc tệp, hay dữ liệu không đọc được.")
    return None
