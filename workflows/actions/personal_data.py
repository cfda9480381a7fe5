"""Reveal a nominee's sensitive data (nominations.personal_data): the read and its audit event are one transaction,
so nothing is shown that the log does not hold. One event per reveal, never one per row of a list."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import record
from nominations.models import Hold, Nomination, Nominee
from nominations.personal_data import HOLD_NOTES, IDENTITY, revealable
from roles.models import OrgUnit

from .review import security_log


def reveal_personal_data(*, actor, nomination: Nomination) -> dict:
    """{"identity_number": str | None, "holds": [{"id", "reason", "placed_at", "cleared_at", "note", "clear_note"}]}
    of the nomination's nominee, each part only if `actor` may read it (None, [] otherwise); 403 if they may read
    none. `nomination` is one the actor may read (workflows.selectors.readable_nomination)."""
    with transaction.atomic():
        nominee = Nominee.objects.select_related("unit").get(pk=nomination.nominee_id)
        nomination.nominee = nominee
        fields = revealable(actor, nomination)
        if not fields:
            security_log.warning("denied action=reveal user=%s nomination=%s", getattr(actor, "pk", None),
                                 nomination.pk)
            raise PermissionDenied(_("Bạn không có vai trò được xem dữ liệu cá nhân của đối tượng này."))
        holds = []
        if HOLD_NOTES in fields:
            holds = [{"id": h.pk, "reason": h.reason, "placed_at": h.placed_at, "cleared_at": h.cleared_at,
                      "note": h.note, "clear_note": h.clear_note}
                     for h in Hold.objects.filter(nominee=nominee).order_by("-placed_at", "-pk")]
        record(action="nominee.reveal", actor=actor, obj=nominee, org_unit=nominee.unit,
               data={"nomination": nomination.pk, "fields": sorted(fields), "holds": [h["id"] for h in holds]})
    return {"identity_number": nominee.identity_number if IDENTITY in fields else None, "holds": holds}


def record_export(*, actor, root: str, since=None, until=None) -> None:
    """The audit export carries events whole, hold notes included (the chain is verified over them): each export
    is a read of them, recorded before its first line is read. `root`: the subtree exported."""
    with transaction.atomic():
        record(action="audit.export", actor=actor, org_unit=OrgUnit.objects.filter(path=root).first(),
               data={"root": root, "since": since, "until": until})
