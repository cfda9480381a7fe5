"""Tờ trình pages: the list and a new one, a tờ trình with its items and what each lacks, submitting it, the
bulk review with checkboxes, resubmitting returned items, and the Excel import (template, preview, confirm).
Reads through proposals.selectors, writes through proposals.actions and proposals.importing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nominations.models import Status
from proposals import actions, exporting, importing, selectors
from proposals.models import ImportBatch, ProposalStatus
from roles.models import Role
from roles.selectors import holds_role_at, units_with_role
from workflows.errors import HANDLED

from ..proposal_forms import ImportForm, ProposalCreateForm, ReviewForm, SubmitForm
from .common import paginate, parse_id, refused


@login_required
def proposal_list(request):
    units = units_with_role(request.user, Role.PROPOSER)
    form = ProposalCreateForm(request.POST or None, units=units)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "proposals/list.html", _list_context(request, form), status=400)
        try:
            proposal = actions.create_proposal(actor=request.user, **form.cleaned_data)
        except HANDLED as exc:
            return refused(request, "proposals/list.html", _list_context(request, form), exc)
        return redirect("proposal-detail", proposal.pk)
    return render(request, "proposals/list.html", _list_context(request, form))


def _list_context(request, form) -> dict:
    return {"page": paginate(request, selectors.proposal_list(request.user)), "form": form,
            "may_create": form.fields["issuing_unit"].queryset.exists()}


def _detail_context(request, pk: int, **forms) -> dict:
    proposal = selectors.readable_proposal(request.user, pk)
    items = selectors.items_of(proposal)
    gaps = selectors.item_gaps(items)
    for item in items:
        item.lacks = gaps[item.nomination_id]
    proposer = holds_role_at(request.user, Role.PROPOSER, proposal.issuing_unit)
    return {
        "proposal": proposal, "items": items,
        "is_draft": proposal.status == ProposalStatus.DRAFT, "proposer": proposer,
        "reviewable": any(i.open_stage is not None and i.nomination.status == Status.IN_REVIEW for i in items),
        "returned": [i for i in items if i.nomination.status == Status.RETURNED],
        "submit_form": forms.get("submit_form") or SubmitForm(),
        "review_form": forms.get("review_form") or ReviewForm(),
        "documents": proposal.documents.all(),
    }


@login_required
def proposal_detail(request, pk: int):
    return render(request, "proposals/detail.html", _detail_context(request, pk))


@login_required
@require_POST
def proposal_submit(request, pk: int):
    context = _detail_context(request, pk)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        return render(request, "proposals/detail.html", {**context, "submit_form": form}, status=400)
    try:
        actions.submit_proposal(actor=request.user, proposal=context["proposal"], **form.cleaned_data)
    except HANDLED as exc:
        return refused(request, "proposals/detail.html", {**context, "submit_form": form}, exc, form=form)
    messages.success(request, _("Đã trình tờ trình cùng %(n)d hồ sơ.") % {"n": len(context["items"])})
    return redirect("proposal-detail", pk)


def _selection(request) -> list[dict]:
    """The checked items, each "nomination:stage" (the stage the reviewer saw)."""
    chosen = []
    for value in request.POST.getlist("item"):
        nomination, _sep, stage = value.partition(":")
        if (n := parse_id(nomination)) is not None:
            chosen.append({"nomination": n, "stage": parse_id(stage)})
    return chosen


def _report(request, result) -> None:
    (messages.success if not result.refused else messages.warning)(request, result.summary)


@login_required
@require_POST
def proposal_review(request, pk: int):
    context = _detail_context(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return render(request, "proposals/detail.html", {**context, "review_form": form}, status=400)
    try:
        result = actions.review_items(actor=request.user, proposal=context["proposal"], items=_selection(request),
                                      **form.cleaned_data)
    except HANDLED as exc:
        return refused(request, "proposals/detail.html", {**context, "review_form": form}, exc, form=form)
    _report(request, result)
    return redirect("proposal-detail", pk)


@login_required
@require_POST
def proposal_resubmit(request, pk: int):
    context = _detail_context(request, pk)
    chosen = [n for n in (parse_id(v) for v in request.POST.getlist("item")) if n is not None]
    _report(request, actions.resubmit_items(actor=request.user, proposal=context["proposal"], nominations=chosen))
    return redirect("proposal-detail", pk)


@login_required
def import_template(request, pk: int):
    proposal = selectors.readable_proposal(request.user, pk)
    response = HttpResponse(importing.template(proposal), content_type=importing.XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-de-nghi.xlsx"'
    return response


@login_required
def items_export(request, pk: int):
    """The items as an .xlsx with the import template's columns (re-importable, comparable)."""
    proposal = selectors.readable_proposal(request.user, pk)
    return exporting.response(exporting.items_export(proposal), f"to-trinh-{proposal.pk}.xlsx")


@login_required
def import_upload(request, pk: int):
    proposal = selectors.readable_proposal(request.user, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"proposal": proposal, "form": form}
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "proposals/import.html", context, status=400)
        try:
            batch = importing.preview_import(actor=request.user, proposal=proposal, upload=form.cleaned_data["file"])
        except HANDLED as exc:
            return refused(request, "proposals/import.html", context, exc, form=form)
        return redirect("proposal-import-preview", pk, batch.pk)
    return render(request, "proposals/import.html", context)


def _batch(request, pk: int, batch: int) -> tuple:
    proposal = selectors.readable_proposal(request.user, pk)
    found = ImportBatch.objects.filter(pk=batch, proposal=proposal).first()
    if found is None:
        raise Http404(_("Không tìm thấy tệp nhập."))
    return proposal, found


@login_required
def import_preview(request, pk: int, batch: int):
    proposal, found = _batch(request, pk, batch)
    return render(request, "proposals/import_preview.html", {"proposal": proposal, "batch": found})


@login_required
@require_POST
def import_confirm(request, pk: int, batch: int):
    proposal, found = _batch(request, pk, batch)
    try:
        created = importing.confirm_import(actor=request.user, proposal=proposal, batch=found)
    except HANDLED as exc:
        return refused(request, "proposals/import_preview.html", {"proposal": proposal, "batch": found}, exc)
    messages.success(request, _("Đã nhập %(n)d hồ sơ vào tờ trình.") % {"n": created})
    return redirect("proposal-detail", pk)
