"""The user's notifications: the list, newest first, and marking them read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications import selectors, services

from .common import paginate


@login_required
def notification_list(request):
    page = paginate(request, selectors.for_user(request.user))
    return render(request, "workflows/notifications.html", {"page": page, "query": ""})


@login_required
@require_POST
def notifications_read(request):
    count = services.mark_read(user=request.user)
    messages.success(request, _("Đã đánh dấu %(n)s thông báo là đã đọc.") % {"n": count})
    return redirect("notification-list")
