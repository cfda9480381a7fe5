"""A database that is locked or unreachable answers 503 with a clean page (JSON under /api/), not a 500.

Pages: the middleware below. The API: DRF turns every exception of a view into a response itself, so
`api_exception_handler` (REST_FRAMEWORK["EXCEPTION_HANDLER"]) answers these errors before the API's own handler.

The page needs no database: it is rendered without a request, so no context processor or session runs.
Django closes an unusable connection when the request finishes, so the next request connects afresh.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger("django.request")

RETRY_AFTER_SECONDS = 5
DATABASE_ERRORS = (OperationalError, InterfaceError)


def _message() -> str:
    return _("Hệ thống tạm thời không truy cập được cơ sở dữ liệu. Vui lòng thử lại sau ít phút.")


def _log(request, exception) -> None:
    logger.error("database unavailable path=%s: %s", request.path, exception, exc_info=exception)


def api_exception_handler(exc, context):
    """503 JSON for a database error; anything else goes to the API's own handler."""
    from rest_framework.response import Response

    from api.exceptions import api_exception_handler as handle

    if isinstance(exc, DATABASE_ERRORS):
        _log(context["request"], exc)
        return Response({"detail": _message()}, status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    return handle(exc, context)


class DatabaseErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        _log(request, exception)
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": _message()}, status=503)
        else:
            response = HttpResponse(loader.get_template("503.html").render({"message": _message()}), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
