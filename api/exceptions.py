"""Every API error as JSON: {"detail": "…"} and, for 400, each field's messages under its (dotted) name.

The workflow's own errors map through workflows.errors.http_status, like the pages: 400 bad input, 403 no role,
404 not found or out of scope, 409 wrong state or stale stage; a body Django refused to read through
workflows.errors.refused_request: 413 over the size limit, 400 too many fields or files. An unexpected failure
is logged and answered with a JSON 500, never an HTML page.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from workflows.errors import WorkflowError, http_status, messages_of, refused_request

logger = logging.getLogger(__name__)


def _flatten(errors, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as {"nominee.kind": ["…"], "criteria.0.code": ["…"]}."""
    if isinstance(errors, dict):
        flat = {}
        for key, value in errors.items():
            name = "detail" if key in ("non_field_errors", "__all__") and not prefix else f"{prefix}{key}"
            flat.update(_flatten(value, f"{name}."))
        return flat
    if isinstance(errors, list) and errors and all(not isinstance(e, dict | list) for e in errors):
        return {prefix.rstrip("."): [str(e) for e in errors]}
    if isinstance(errors, list):
        flat = {}
        for index, value in enumerate(errors):
            if value:
                flat.update(_flatten(value, f"{prefix}{index}."))
        return flat
    return {prefix.rstrip("."): [str(errors)]}


def bad_request_body(errors) -> dict:
    """{"detail": every message in one sentence, "<field>": [messages], …}."""
    fields = _flatten(errors)
    general = fields.pop("detail", [])
    messages = [*general, *(m for values in fields.values() for m in values)]
    return {"detail": " ".join(messages) or _("Dữ liệu không hợp lệ."), **fields}


def _workflow_response(exc: Exception) -> Response:
    code = http_status(exc)
    if code == 400 and hasattr(exc, "message_dict"):
        return Response(bad_request_body(exc.message_dict), status=400)
    messages = messages_of(exc)
    return Response({"detail": " ".join(messages) or _("Không được phép.")}, status=code)


def api_exception_handler(exc, context):
    if isinstance(exc, WorkflowError | DjangoValidationError):
        return _workflow_response(exc)
    if isinstance(exc, PermissionDenied):  # Django's: an action without the role
        return Response({"detail": str(exc) or _("Bạn không có quyền thực hiện thao tác này.")}, status=403)
    if isinstance(exc, Http404):
        return Response({"detail": str(exc) or _("Không tìm thấy.")}, status=404)
    if isinstance(exc, exceptions.ValidationError):
        return Response(bad_request_body(exc.detail), status=400)
    if (refusal := refused_request(exc)) is not None:  # a body over the size limit (413), too many fields (400)
        code, message = refusal
        return Response({"detail": message}, status=code)
    response = exception_handler(exc, context)
    if response is not None:
        if not isinstance(response.data, dict) or "detail" not in response.data:
            response.data = bad_request_body(response.data)
        return response
    logger.exception("API error", exc_info=exc)
    return Response({"detail": _("Lỗi máy chủ; sự cố đã được ghi lại.")}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any /api/ address no endpoint answers: JSON, like every other API error."""
    return JsonResponse({"detail": _("Không tìm thấy.")}, status=404)
