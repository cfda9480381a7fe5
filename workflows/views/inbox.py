"""The home page: the stages waiting for me, oldest first."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from deadlines.policy import with_days_left

from .. import selectors
from ..forms import InboxFilterForm
from .common import paginate, query_without_page


@login_required
def inbox(request):
    form = InboxFilterForm(request.GET or None)
    stages = selectors.inbox(request.user)
    if form.is_valid():
        stages = selectors.filter_inbox(stages, **form.cleaned_data)
    page = paginate(request, stages)
    today = timezone.localdate()
    page.object_list = with_days_left(page.object_list, today)
    for stage in page.object_list:
        stage.days_waiting = (today - timezone.localdate(stage.opened_at)).days
    return render(request, "workflows/inbox.html", {"form": form, "page": page, "query": query_without_page(request)})
