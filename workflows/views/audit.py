"""The audit browser for inspectors: the events of their subtree, the chain check, the export."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.chain import verify_chain
from audit.export import export_lines
from audit.models import Event
from roles.models import OrgUnit
from roles.selectors import inspector_root_paths

from .. import selectors
from ..forms import AuditFilterForm

EVENTS_PER_PAGE = 50


def _inspector_roots(user) -> list[str]:
    roots = ["/"] if user.is_superuser else inspector_root_paths(user)
    if not roots:
        raise PermissionDenied(_("Chỉ thanh tra viên mới được xem nhật ký kiểm toán."))
    return roots


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _scoped_events(user, roots: list[str], data: dict):
    """Events recorded at a unit of the inspector's subtree, and every event of a nomination they may read."""
    scope = Q()
    for root in roots:
        scope |= Q(org_path__startswith=root)
    events = Event.objects.all()
    if data.get("nomination"):
        nomination = selectors.visible_nominations(user).filter(pk=data["nomination"]).first()
        if nomination is None:
            return events.none()
        events = events.filter(object_type=selectors.NOMINATION_TYPE, object_id=str(nomination.pk))
    else:
        events = events.filter(scope)
    if data.get("since"):
        events = events.filter(at__gte=_day_start(data["since"]))
    if data.get("until"):
        events = events.filter(at__lt=_day_start(data["until"] + datetime.timedelta(days=1)))
    if data.get("actor"):
        events = events.filter(actor_name=data["actor"].strip())
    if data.get("action"):
        events = events.filter(action=data["action"].strip())
    if data.get("unit"):
        unit = OrgUnit.objects.filter(code=data["unit"].strip().upper()).first()
        events = events.filter(org_path__startswith=unit.path) if unit else events.none()
    return events


@login_required
def audit_events(request):
    roots = _inspector_roots(request.user)
    form = AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    events = _scoped_events(request.user, roots, data).order_by("-seq")
    before = request.GET.get("before", "")
    if before.isdigit():
        events = events.filter(seq__lt=int(before))
    # Keyset pagination: one query a page whatever the size of the log (no COUNT over millions of rows).
    rows = list(events[: EVENTS_PER_PAGE + 1])
    params = request.GET.copy()
    params.pop("before", None)
    return render(request, "workflows/audit_events.html", {
        "form": form, "events": rows[:EVENTS_PER_PAGE],
        "next_before": rows[EVENTS_PER_PAGE - 1].seq if len(rows) > EVENTS_PER_PAGE else None,
        "query": params.urlencode(), "roots": roots,
    })


@login_required
@require_POST
def audit_verify(request):
    _inspector_roots(request.user)
    result = verify_chain()
    return render(request, "workflows/audit_verify.html", {"result": result}, status=200 if result.ok else 409)


@login_required
def audit_export(request):
    roots = _inspector_roots(request.user)
    form = AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    root = roots[0]
    if data.get("unit"):
        unit = OrgUnit.objects.filter(code=data["unit"].strip().upper()).first()
        if unit is None or not any(unit.path.startswith(r) for r in roots):
            raise PermissionDenied(_("Đơn vị này nằm ngoài phạm vi thanh tra của bạn."))
        root = unit.path
    lines = (line + "\n" for line in export_lines(org_path=root, since=data.get("since"), until=data.get("until")))
    response = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate():%Y%m%d}.jsonl"'
    return response
