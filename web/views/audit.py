"""The audit browser for inspectors: the events of their subtree, the chain check, the export.

The chain check and the export follow the API's rules (workflows.verification): the same budget per user, the
same scoped answer, the same export root.
"""


from django.contrib.auth.decorators import login_required
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit.export import export_lines
from audit.verification import verify_increment
from workflows import actions, selectors, verification

from ..forms import AuditFilterForm
from .common import parse_id

EVENTS_PER_PAGE = 50


@login_required
def audit_events(request):
    roots = selectors.inspector_roots(request.user)
    form = AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_events(request.user, roots, data).order_by("-seq")
    before, errors = request.GET.get("before", ""), []
    if before and (seq := parse_id(before)) is None:
        errors.append(_("Tham số trang “before” phải là số thứ tự của một sự kiện (chữ số 0–9)."))
    elif before:
        events = events.filter(seq__lt=seq)
    # Keyset pagination: one query a page whatever the size of the log (no COUNT over millions of rows).
    rows = list(events.select_related("actor")[: EVENTS_PER_PAGE + 1])
    names = selectors.unit_names(e.org_unit for e in rows)
    for event in rows:  # people read names: the log keeps codes and usernames
        event.unit_name = names.get(event.org_unit, event.org_unit)
        event.actor_full_name = (event.actor.get_full_name() if event.actor else "") or event.actor_name
    params = request.GET.copy()
    params.pop("before", None)
    return render(request, "workflows/audit_events.html", {
        "form": form, "events": rows[:EVENTS_PER_PAGE],
        "next_before": rows[EVENTS_PER_PAGE - 1].seq if len(rows) > EVENTS_PER_PAGE else None,
        "query": params.urlencode(), "roots": roots, "errors": errors,
    }, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def audit_verify(request):
    roots = selectors.inspector_roots(request.user)
    if request.method == "GET":  # a bookmark or the back button: the check runs only from the log's button
        return redirect("audit-events")
    try:
        verification.spend_check(request.user)
    except verification.TooManyChecks as exc:
        response = render(request, "workflows/audit_verify.html", {"throttled": exc.message}, status=429)
        response["Retry-After"] = str(exc.seconds)
        return response
    checked = verify_increment()
    answer = verification.verification_answer(checked, roots)
    return render(request, "workflows/audit_verify.html", {"answer": answer}, status=200 if checked.ok else 409)


@login_required
def audit_export(request):
    roots = selectors.inspector_roots(request.user)
    form = AuditFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    root = verification.export_root(request.user, roots, data.get("unit"))
    actions.record_export(actor=request.user, root=root, since=data.get("since"), until=data.get("until"))
    lines = (line + "\n" for line in export_lines(org_path=root, since=data.get("since"), until=data.get("until")))
    response = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate():%Y%m%d}.jsonl"'
    return response
