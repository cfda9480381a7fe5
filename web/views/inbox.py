"""The home page: a proposer's own dossiers (returned first, with the reason), the stages waiting for me, oldest
first (with the reason when a return sent one back to my level), and the duplicate pairs my level must settle (G3)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deadlines.policy import with_days_left
from proposals import exporting
from proposals.selectors import inbox_by_proposal
from workflows import actions, selectors
from workflows.errors import HANDLED

from ..forms import DuplicateResolveForm, InboxFilterForm
from .common import paginate, query_without_page, refused


def _stages(request, form: InboxFilterForm):
    """The inbox with the form's filters (ignored when they do not validate, as the page shows it)."""
    stages = selectors.inbox(request.user)
    return selectors.filter_inbox(stages, **form.cleaned_data) if form.is_valid() else stages


def _context(request, bound: DuplicateResolveForm | None = None) -> dict:
    form = InboxFilterForm(request.GET or None)
    stages = _stages(request, form)
    page = paginate(request, stages)
    today = timezone.localdate()
    page.object_list = with_days_left(page.object_list, today)
    returns = selectors.latest_returns(stage.nomination_id for stage in page.object_list)
    for stage in page.object_list:
        stage.days_waiting = (today - timezone.localdate(stage.opened_at)).days
        stage.returned = selectors.return_in_force(stage.nomination, stage, returns.get(stage.nomination_id))
    flags = [bound if bound is not None and bound.flag.pk == flag.pk else DuplicateResolveForm(flag=flag)
             for flag in selectors.duplicate_flags(request.user)]
    return {"form": form, "page": page, "query": query_without_page(request), "flags": flags,
            "own": selectors.own_dossiers(request.user), "reviews": selectors.reviews_anywhere(request.user),
            "proposal_groups": inbox_by_proposal(request.user)}


@login_required
def inbox(request):
    return render(request, "workflows/inbox.html", _context(request))


@login_required
def inbox_export(request):
    """The inbox with its current filters as an .xlsx."""
    try:
        handle = exporting.inbox_export(_stages(request, InboxFilterForm(request.GET or None)))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("home")
    return exporting.response(handle, "hop-viec.xlsx")


@login_required
@require_POST
def duplicate_resolve(request, pk: int):
    flag = get_object_or_404(selectors.duplicate_flags(request.user), pk=pk)
    form = DuplicateResolveForm(request.POST, flag=flag)
    if not form.is_valid():
        return render(request, "workflows/inbox.html", _context(request, form), status=400)
    try:
        actions.resolve_duplicate(actor=request.user, flag=flag, **form.cleaned_data)
    except HANDLED as exc:
        return refused(request, "workflows/inbox.html", _context(request, form), exc, form=form)
    messages.success(request, _("Đã giữ hồ sơ #%(id)s; hồ sơ còn lại không thể được khen thưởng cho cùng thành "
                                "tích.") % {"id": form.cleaned_data["keep"]})
    return redirect("home")
