"""G4 holds: an inspector or administrator flags a nominee (with a document); their nominations in review wait
ON_HOLD with their open stage kept, and resume where they were when the last flag is cleared. Each step audited."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from nominations.documents import inspect_upload, safe_display_name
from nominations.holds import may_hold
from nominations.models import Hold, HoldReason, Nomination, Nominee, Status

from ..errors import InvalidTransition
from ..lifecycle import NominationLifecycle
from ..selectors import open_stage
from .review import _record, _save, security_log


def _nominations(nominee: Nominee, status: str) -> list[Nomination]:
    return list(
        Nomination.objects.select_for_update(of=("self",))
        .select_related("award", "round", "nominee__unit", "submitting_unit")
        .filter(nominee=nominee, status=status)
        .order_by("pk")
    )


def _move_each(actor, nominee: Nominee, status: str, transition: str, note: str, now, **data) -> None:
    """Fire `transition` (hold or release) on each of the nominee's nominations in `status`, each audited; the
    open stage stays as it is."""
    for nomination in _nominations(nominee, status):
        stage = open_stage(nomination)
        before = nomination.status
        getattr(NominationLifecycle(nomination, stage), transition)()
        _save(nomination, now)
        _record(transition, actor, nomination, before, stage, note, **data)


def _lock(nominee_pk: int) -> Nominee:
    """The nominee locked, after their nominations: the order submit and award take (the nomination, then the
    person), so a hold placed while one of them runs waits instead of deadlocking."""
    list(Nomination.objects.select_for_update(of=("self",)).filter(nominee_id=nominee_pk).order_by("pk")
         .values_list("pk", flat=True))
    return Nominee.objects.select_for_update(of=("self",)).select_related("unit").get(pk=nominee_pk)


def _require_holder(actor, nominee: Nominee, what: str) -> None:
    if not may_hold(actor, nominee.unit):
        security_log.warning("denied action=%s user=%s nominee=%s", what, getattr(actor, "pk", None), nominee.pk)
        raise PermissionDenied(_("Chỉ thanh tra hoặc quản trị của đơn vị quản lý đối tượng mới được tạm dừng hay "
                                 "gỡ tạm dừng xét khen thưởng."))


def place_hold(*, actor, nominee: Nominee | int, reason: str, upload, note: str = "") -> Hold:
    """Flag `nominee` (reason: discipline / investigation / complaint) with its document; returns the hold."""
    with transaction.atomic():
        nominee = _lock(nominee.pk if isinstance(nominee, Nominee) else nominee)
        _require_holder(actor, nominee, "hold")
        if reason not in HoldReason.values:
            raise ValidationError({"reason": _("Lý do tạm dừng không hợp lệ: %(reason)s.") % {"reason": reason}})
        if upload is None:
            raise ValidationError({"file": _("Hãy đính kèm văn bản làm căn cứ tạm dừng.")})
        try:
            _content_type, sha256, _size = inspect_upload(upload)
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc
        name = safe_display_name(upload.name)
        hold = Hold(nominee=nominee, reason=reason, note=(note or "").strip(), original_name=name, sha256=sha256,
                    placed_by=actor)
        hold.file.save(name, upload, save=False)
        try:
            hold.save()
            record(action="nominee.hold", actor=actor, obj=nominee, org_unit=nominee.unit, comment=hold.note,
                   data={"hold": hold.pk, "reason": reason, "document": name, "sha256": sha256})
            _move_each(actor, nominee, Status.IN_REVIEW, "hold", hold.note, timezone.now(), hold=hold.pk,
                       reason=reason)
        except BaseException:
            hold.file.delete(save=False)
            raise
    return hold


def clear_hold(*, actor, hold: Hold | int, note: str) -> Hold:
    """Clear a flag; when it was the nominee's last one, each ON_HOLD nomination resumes at its open stage."""
    with transaction.atomic():
        pk = hold.pk if isinstance(hold, Hold) else hold
        hold = Hold.objects.select_for_update(of=("self",)).select_related("nominee__unit").get(pk=pk)
        nominee = _lock(hold.nominee_id)
        if hold.cleared_at is not None:
            raise InvalidTransition(_("Việc tạm dừng này đã được gỡ."))
        _require_holder(actor, nominee, "clear_hold")
        note = (note or "").strip()
        if not note:
            raise ValidationError({"note": _("Hãy nêu căn cứ gỡ tạm dừng (kết luận, quyết định).")})
        now = timezone.now()
        hold.cleared_at, hold.cleared_by, hold.clear_note = now, actor, note
        hold.save(update_fields=["cleared_at", "cleared_by", "clear_note"])
        record(action="nominee.clear_hold", actor=actor, obj=nominee, org_unit=nominee.unit, comment=note,
               data={"hold": hold.pk, "reason": hold.reason})
        if Hold.objects.filter(nominee=nominee, cleared_at__isnull=True).exists():
            return hold  # another flag still holds the nominations
        _move_each(actor, nominee, Status.ON_HOLD, "release", note, now, hold=hold.pk)
    return hold
