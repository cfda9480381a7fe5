"""The completion of the unit filters: units in the reader's reach whose name contains what they typed."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from workflows import selectors


@login_required
@require_GET
def unit_suggest(request):
    """[{name, code}, …] for `?q=` (accents and case aside), at most a dozen."""
    return JsonResponse({"results": selectors.unit_suggestions(request.user, request.GET.get("q", "")[:100])})
