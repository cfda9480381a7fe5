"""The audit browser for inspectors: the events of their subtree, the chain check, the export."""


from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.chain import verify_chain
from audit.export import export_lines
from roles.models import OrgUnit

from .. import selectors
from ..forms import AuditFilterForm

EVENTS_PER_PAGE = 50


@login_required
def audit_events(request):
    roots = selectors.inspector_roots(request.user)
    form = AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_events(request.user, roots, data).order_by("-seq")
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
    selectors.inspector_roots(request.user)
    result = verify_chain()
    return render(request, "workflows/audit_verify.html", {"result": result}, status=200 if result.ok else 409)


@login_required
def audit_export(request):
    roots = selectors.inspector_roots(request.user)
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
