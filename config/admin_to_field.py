"""Django's admin answers a change, delete or history page asked with an empty `_to_field` (`?_to_field=`) with a
FieldDoesNotExist, a 500: ModelAdmin.get_object looks the empty name up (django/contrib/admin/options.py, Django
5.2). Any other field the admin does not allow there is a 400 (DisallowedModelAdminToField); this middleware gives
the empty one the same 400 page, and lets every other FieldDoesNotExist through as the programming error it is.

Found by tests/security/test_fuzz.py; remove when Django refuses the empty name itself.
"""

from django.contrib.admin.exceptions import DisallowedModelAdminToField
from django.contrib.admin.options import TO_FIELD_VAR
from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse

from web.views.errors import bad_request


class EmptyAdminToFieldMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, FieldDoesNotExist) or not request.path.startswith(reverse("admin:index")):
            return None
        if request.GET.get(TO_FIELD_VAR) != "" and request.POST.get(TO_FIELD_VAR) != "":
            return None
        return bad_request(request, DisallowedModelAdminToField("The field '' cannot be referenced."))
