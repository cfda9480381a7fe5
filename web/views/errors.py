"""The page for a request Django refused before a view could use it (config.urls handler400): a body over
DATA_UPLOAD_MAX_MEMORY_SIZE is 413, too many fields or files 400; the same as JSON under /api/ (a refusal inside an
API view is answered by api.exceptions)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from workflows.errors import refused_request


@requires_csrf_token
def bad_request(request, exception=None):
    code, message = refused_request(exception) or (400, _("Yêu cầu không hợp lệ."))
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=code)
    return render(request, "400.html", {"message": message, "too_large": code == 413}, status=code)
