"""Nomination pages: the list, a nomination with its dossier, route and timeline, the proposer's forms, document
upload and download, and the review actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deadlines.policy import with_days_left
from nominations import personal_data, rules
from nominations.holds import may_hold
from nominations.models import DocumentKind, Nomination
from proposals import exporting
from roles.models import Role
from roles.selectors import units_with_role
from workflows import actions, labels, registry, routing, selectors
from workflows.errors import HANDLED, InvalidTransition
from workflows.lifecycle import EDITABLE

from ..forms import (
    ActionForm,
    ClearHoldForm,
    CouncilVoteForm,
    DocumentForm,
    HoldForm,
    NominationCreateForm,
    NominationEditForm,
    NominationFilterForm,
)
from .common import paginate, query_without_page, refused


def _visible(request, pk: int) -> Nomination:
    """The nomination if the user may read it; anything else is 'not found', never 'forbidden'."""
    return selectors.readable_nomination(request.user, pk)


def _filtered(request, form: NominationFilterForm):
    """The reader's nominations with the form's filters (ignored when they do not validate, as the list shows it)."""
    nominations = selectors.nomination_list(request.user)
    if form.is_valid():
        data = form.cleaned_data
        nominations = selectors.filter_nominations(nominations, status=data["status"], award=data["award"],
                                                   round=data["round"], unit=data["unit"], q=data["q"],
                                                   reader=request.user)
    return nominations


@login_required
def nomination_list(request):
    form = NominationFilterForm(request.GET or None)
    page = paginate(request, selectors.IdsFirst(_filtered(request, form)))
    return render(request, "workflows/nomination_list.html",
                  {"form": form, "page": page, "query": query_without_page(request)})


@login_required
def nomination_export(request):
    """The list with its current filters (search included) as an .xlsx."""
    try:
        handle = exporting.nominations_export(_filtered(request, NominationFilterForm(request.GET or None)))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("nomination-list")
    return exporting.response(handle, "ho-so.xlsx")


def _council_context(request, nomination: Nomination, stage, form=None) -> dict:
    """The council's part of the page at an open DECIDE step whose council must vote: its rule, the vote recorded
    (and by whom), and the form for the council's secretary while none is recorded."""
    rule = selectors.council_rule_for(nomination, stage)
    if rule is None:
        return {"council": None, "council_vote": None, "council_form": None}
    vote = selectors.council_vote_of(stage)
    if form is None and vote is None and selectors.may_record_council_vote(request.user, nomination, stage):
        form = CouncilVoteForm(minutes=selectors.council_minutes(nomination, stage), initial={"stage": stage.pk})
    return {"council": rule, "council_vote": vote, "council_form": form if vote is None else None}


def _is_final(nomination: Nomination, stage) -> bool:
    """Whether the open stage is the route's last: its approval is the decision to award."""
    return stage is not None and stage.position == len(nomination.route) - 1


def _detail_context(request, nomination: Nomination, upload_form=None, hold_form=None, council_form=None) -> dict:
    stage = selectors.open_stage(nomination)
    if stage is not None:
        with_days_left([stage])
    may_hold_nominee = may_hold(request.user, nomination.nominee.unit)
    answers = {a.criterion_id: a for a in nomination.answers.all()}
    criteria = [(c, answers.get(c.pk)) for c in rules.criteria_for(nomination)]
    may_attach = selectors.may_attach(request.user, nomination)
    missing, _unanswered = rules.dossier_gaps(nomination)
    events = list(selectors.nomination_events(nomination))
    names = selectors.unit_names(e.org_unit for e in events)
    for event in events:
        event.unit_name = names.get(event.org_unit, event.org_unit)
    final = _is_final(nomination, stage)
    return {
        "nomination": nomination,
        "stage": stage,
        "returned": selectors.return_in_force(nomination, stage,
                                              selectors.latest_returns([nomination.pk]).get(nomination.pk)),
        "route": routing.route_with_state(nomination, stage),
        "documents": nomination.documents.select_related("uploaded_by").order_by("uploaded_at", "pk"),
        "missing_documents": [DocumentKind(k).label for k in missing],
        "criteria": criteria,
        "events": events,
        "actions": [(name, labels.action_label(name, stage, final))
                    for name in selectors.available_actions(request.user, nomination, stage)],
        "may_edit": selectors.may_edit(request.user, nomination),
        "upload_form": (upload_form or DocumentForm()) if may_attach else None,
        "rules": selectors.rules_applied(nomination),
        "holds": rules.active_holds(nomination.nominee_id).select_related("placed_by"),
        "identity_masked": personal_data.mask_identity(nomination.nominee.identity_number),
        "may_reveal": bool(personal_data.revealable(request.user, nomination)),
        "hold_form": (hold_form or HoldForm()) if may_hold_nominee else None,
        "clear_hold_form": ClearHoldForm() if may_hold_nominee else None,
        **_council_context(request, nomination, stage, council_form),
    }


@login_required
def nomination_detail(request, pk: int):
    nomination = _visible(request, pk)
    return render(request, "workflows/nomination_detail.html", _detail_context(request, nomination))


@login_required
@require_POST
def personal_data_reveal(request, pk: int):
    """The page with the nominee's identity number and hold notes shown, for those allowed; the read is audited."""
    nomination = _visible(request, pk)
    revealed = actions.reveal_personal_data(actor=request.user, nomination=nomination)
    return render(request, "workflows/nomination_detail.html",
                  {**_detail_context(request, nomination), "revealed": revealed})


@login_required
def nomination_create(request):
    units = units_with_role(request.user, Role.PROPOSER).order_by("code")
    if not units.exists():
        raise PermissionDenied(_("Chỉ thủ trưởng đơn vị đề nghị mới được lập hồ sơ."))
    form = NominationCreateForm(request.POST if request.method == "POST" else None, proposer_units=units)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            nomination = actions.create_nomination(
                actor=request.user, round=data["round"], award=data["award"], submitting_unit=data["submitting_unit"],
                nominee={"kind": data["nominee_kind"], "name": data["nominee_name"],
                         "identity_number": data["identity_number"], "details": data["nominee_details"]},
                achievement=data["achievement"], path=data["path"],
            )
        except HANDLED as exc:
            return refused(request, "workflows/nomination_create.html", context, exc)
        messages.success(request, _("Đã lập hồ sơ số %(id)s. Hãy trả lời các tiêu chí và đính kèm tài liệu.")
                         % {"id": nomination.pk})
        return redirect("nomination-edit", pk=nomination.pk)
    return render(request, "workflows/nomination_create.html", context, status=400 if form.errors else 200)


def _edit_context(request, nomination: Nomination, form=None, upload_form=None) -> dict:
    answers = {a.criterion_id: a for a in nomination.answers.all()}
    criteria = rules.criteria_for(nomination).order_by("order", "code")
    if form is None:
        form = NominationEditForm(criteria=criteria, answers=answers,
                                  initial={"achievement": nomination.achievement,
                                           "nominee_details": nomination.nominee_details})
    missing, unanswered = rules.dossier_gaps(nomination)
    return {
        "nomination": nomination, "form": form,
        "documents": nomination.documents.order_by("uploaded_at", "pk"),
        "missing_documents": [DocumentKind(k).label for k in missing],
        "required_documents": [DocumentKind(k).label for k in nomination.award.required_documents],
        "unanswered": unanswered,
        "upload_form": upload_form or DocumentForm(documents=nomination.documents.all()),
    }


@login_required
def nomination_edit(request, pk: int):
    """The dossier's one form: the text, the criteria and a file to attach (or to put in place of one attached), so
    that uploading a file keeps what was typed: "Tải lên" saves the text, then attaches."""
    nomination = _visible(request, pk)
    if nomination.status not in EDITABLE:
        exc = InvalidTransition(_("Không thể sửa hồ sơ ở trạng thái “%(status)s”.")
                                % {"status": nomination.get_status_display()})
        return refused(request, "workflows/nomination_detail.html", _detail_context(request, nomination), exc)
    if not selectors.may_edit(request.user, nomination):
        raise PermissionDenied(_("Chỉ thủ trưởng đơn vị đề nghị mới được lập và sửa hồ sơ."))
    if request.method != "POST":
        return render(request, "workflows/nomination_edit.html", _edit_context(request, nomination))
    answers = {a.criterion_id: a for a in nomination.answers.all()}
    form = NominationEditForm(request.POST, criteria=rules.criteria_for(nomination).order_by("order", "code"),
                              answers=answers, initial={"achievement": nomination.achievement,
                                                        "nominee_details": nomination.nominee_details})
    uploading = "upload" in request.POST
    upload_form = DocumentForm(request.POST, request.FILES, documents=nomination.documents.all()) if uploading \
        else None
    context = _edit_context(request, nomination, form=form, upload_form=upload_form)
    if not form.is_valid() or (uploading and not upload_form.is_valid()):
        return render(request, "workflows/nomination_edit.html", context, status=400)
    try:
        if not uploading or form.has_changed():
            actions.update_nomination(actor=request.user, nomination=nomination,
                                      achievement=form.cleaned_data["achievement"], criteria=form.answers(),
                                      nominee_details=form.cleaned_data["nominee_details"])
        document = _attach(request.user, nomination, upload_form.cleaned_data) if uploading else None
    except HANDLED as exc:
        return refused(request, "workflows/nomination_edit.html", context, exc, form=upload_form or form)
    if document is not None:
        messages.success(request, _("Đã lưu hồ sơ và đính kèm “%(name)s”.") % {"name": document.original_name})
    else:
        messages.success(request, _("Đã lưu hồ sơ."))
    return redirect("nomination-edit", pk=nomination.pk)


def _attach(actor, nomination: Nomination, data: dict):
    """Attach the file, or put it in place of the document chosen in "replaces"."""
    if data.get("replaces"):
        return actions.replace_document(actor=actor, nomination=nomination, document=data["replaces"],
                                        upload=data["file"])
    return actions.attach_document(actor=actor, nomination=nomination, kind=data["kind"], upload=data["file"])


@login_required
@require_POST
def document_remove(request, pk: int, document_id: int):
    nomination = _visible(request, pk)
    document = get_object_or_404(nomination.documents, pk=document_id)
    try:
        actions.remove_document(actor=request.user, nomination=nomination, document=document)
    except HANDLED as exc:
        return refused(request, "workflows/nomination_detail.html", _detail_context(request, nomination), exc)
    messages.success(request, _("Đã xóa “%(name)s” khỏi hồ sơ.") % {"name": document.original_name})
    return redirect("nomination-edit", pk=nomination.pk)


@login_required
@require_POST
def document_upload(request, pk: int):
    """A file attached from the nomination's page (the edit page attaches through its own form, nomination_edit)."""
    nomination = _visible(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "workflows/nomination_detail.html",
                      _detail_context(request, nomination, upload_form=form), status=400)
    try:
        document = actions.attach_document(actor=request.user, nomination=nomination, kind=form.cleaned_data["kind"],
                                           upload=form.cleaned_data["file"])
    except HANDLED as exc:
        return refused(request, "workflows/nomination_detail.html",
                       _detail_context(request, nomination, upload_form=form), exc, form=form)
    messages.success(request, _("Đã đính kèm “%(name)s”.") % {"name": document.original_name})
    return redirect("nomination-detail", pk=nomination.pk)


@login_required
def document_download(request, pk: int, document_id: int):
    nomination = _visible(request, pk)
    handle, document = selectors.document_file(nomination, document_id)
    return FileResponse(handle, as_attachment=True, filename=document.original_name,
                        content_type=document.content_type or "application/octet-stream")


@login_required
def nomination_act(request, pk: int, action: str):
    if action not in registry.ACTION_NAMES:
        raise Http404(_("Không có thao tác này."))
    nomination = _visible(request, pk)
    stage = selectors.open_stage(nomination)
    entry = registry.get(action)
    final = _is_final(nomination, stage)
    title = labels.action_label(action, stage, final)
    form = ActionForm(request.POST if request.method == "POST" else None, action=entry, final=final,
                      initial={"stage": stage.pk if stage else None})
    context = {"nomination": nomination, "stage": stage, "form": form, "action": action, "title": title,
               "final": final, **_council_context(request, nomination, stage)}
    if request.method != "POST":
        return render(request, "workflows/nomination_act.html", context)
    if not form.is_valid():
        return render(request, "workflows/nomination_act.html", context, status=400)
    try:
        actions.perform(action, actor=request.user, nomination=nomination, **form.cleaned_data)
    except HANDLED as exc:
        return refused(request, "workflows/nomination_act.html", context, exc)
    messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": title})
    return redirect("nomination-detail", pk=nomination.pk)


@login_required
@require_POST
def council_vote_record(request, pk: int):
    """The council's secretary records the council's vote at the open DECIDE stage (actions.record_council_vote)."""
    nomination = _visible(request, pk)
    # Any minutes of the nomination parse: the action says which may be cited, and a closed stage is a 409.
    form = CouncilVoteForm(request.POST, request.FILES,
                           minutes=nomination.documents.filter(kind=DocumentKind.BIEN_BAN_HOI_DONG))
    if not form.is_valid():
        return render(request, "workflows/nomination_detail.html",
                      _detail_context(request, nomination, council_form=form), status=400)
    try:
        actions.record_council_vote(actor=request.user, nomination=nomination, **form.cleaned_data)
    except HANDLED as exc:
        return refused(request, "workflows/nomination_detail.html",
                       _detail_context(request, nomination, council_form=form), exc, form=form)
    messages.success(request, _("Đã ghi kết quả bỏ phiếu của Hội đồng."))
    return redirect("nomination-detail", pk=nomination.pk)


@login_required
@require_POST
def hold_place(request, pk: int):
    """G4: an inspector or administrator flags the nominee of this nomination (all their nominations wait)."""
    nomination = _visible(request, pk)
    form = HoldForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "workflows/nomination_detail.html", _detail_context(request, nomination, hold_form=form),
                      status=400)
    try:
        actions.place_hold(actor=request.user, nominee=nomination.nominee, reason=form.cleaned_data["reason"],
                           upload=form.cleaned_data["file"], note=form.cleaned_data["note"])
    except HANDLED as exc:
        return refused(request, "workflows/nomination_detail.html",
                       _detail_context(request, nomination, hold_form=form), exc, form=form)
    messages.success(request, _("Đã tạm dừng xét khen thưởng đối với “%(name)s”.") % {"name": nomination.nominee.name})
    return redirect("nomination-detail", pk=nomination.pk)


@login_required
@require_POST
def hold_clear(request, pk: int, hold_id: int):
    nomination = _visible(request, pk)
    hold = get_object_or_404(rules.active_holds(nomination.nominee_id), pk=hold_id)
    form = ClearHoldForm(request.POST)
    if not form.is_valid():
        return render(request, "workflows/nomination_detail.html",
                      {**_detail_context(request, nomination), "clear_hold_form": form}, status=400)
    try:
        actions.clear_hold(actor=request.user, hold=hold, note=form.cleaned_data["note"])
    except HANDLED as exc:
        return refused(request, "workflows/nomination_detail.html",
                       {**_detail_context(request, nomination), "clear_hold_form": form}, exc, form=form)
    messages.success(request, _("Đã gỡ tạm dừng xét khen thưởng."))
    return redirect("nomination-detail", pk=nomination.pk)
