"""G3 across scopes: the pairs of nominations of one citizen for one achievement that come from units unable to
see each other's records. A submission opens the flag (neither proposer is told of the other); the reviewers of
the lowest unit above both choose the nomination to keep. Each step is audited on the flag, at that unit, so a
nomination's own timeline (which its proposer reads) never names the other."""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from nominations.models import DuplicateFlag, Nomination
from roles.models import OrgUnit, Role
from roles.selectors import holds_role_at

from ..errors import InvalidTransition

security_log = logging.getLogger("security")


def common_unit(a: OrgUnit, b: OrgUnit) -> OrgUnit:
    """The lowest unit whose subtree holds both `a` and `b` (their paths' longest common prefix)."""
    shared = []
    for x, y in zip(a.path.strip("/").split("/"), b.path.strip("/").split("/"), strict=False):
        if x != y:
            break
        shared.append(x)
    return OrgUnit.objects.get(path="/" + "".join(f"{code}/" for code in shared)) if shared else a


def flag_duplicates(actor, nomination: Nomination, rivals: list[Nomination]) -> list[DuplicateFlag]:
    """Open a flag for each (nomination, rival) pair that has none; called by submit and resubmit, in their
    transaction, under the person's lock."""
    flags = []
    for other in rivals:
        first, second = sorted((nomination, other), key=lambda n: n.pk)
        flag, created = DuplicateFlag.objects.get_or_create(
            first=first, second=second,
            defaults={"unit": common_unit(first.submitting_unit, second.submitting_unit)},
        )
        if created:
            record(action="duplicate.flag", actor=actor, obj=flag, org_unit=flag.unit,
                   data={"nominations": [first.pk, second.pk]})
        flags.append(flag)
    return flags


def may_resolve(user, flag: DuplicateFlag) -> bool:
    """The flag's unit's appraisers and deciders settle it."""
    return any(holds_role_at(user, role, flag.unit) for role in (Role.APPRAISER, Role.DECIDER))


def resolve_duplicate(*, actor, flag: DuplicateFlag | int, keep: int, note: str) -> DuplicateFlag:
    """Choose which of the pair stands: only the kept one may then be awarded (nominations.rules.check_award_unique);
    the other's reviewers see their decision refused until they return or reject it."""
    with transaction.atomic():
        pk = flag.pk if isinstance(flag, DuplicateFlag) else flag
        flag = DuplicateFlag.objects.select_for_update(of=("self",)).select_related("unit").get(pk=pk)
        if flag.resolved_at is not None:
            raise InvalidTransition(_("Việc đối chiếu này đã được quyết định."))
        if not may_resolve(actor, flag):
            security_log.warning("denied action=resolve_duplicate user=%s flag=%s", getattr(actor, "pk", None), pk)
            raise PermissionDenied(_("Chỉ cán bộ thẩm định hoặc lãnh đạo của %(unit)s mới được đối chiếu hồ sơ trùng.")
                                   % {"unit": flag.unit.name})
        try:
            keep = int(keep)
        except (TypeError, ValueError):
            keep = None
        if keep not in (flag.first_id, flag.second_id):
            raise ValidationError({"keep": _("Hãy chọn một trong hai hồ sơ: #%(a)s hoặc #%(b)s.")
                                   % {"a": flag.first_id, "b": flag.second_id}})
        note = (note or "").strip()
        if not note:
            raise ValidationError({"note": _("Hãy nêu căn cứ giữ hồ sơ này.")})
        flag.kept_id, flag.note, flag.resolved_by, flag.resolved_at = keep, note, actor, timezone.now()
        flag.save(update_fields=["kept", "note", "resolved_by", "resolved_at"])
        record(action="duplicate.resolve", actor=actor, obj=flag, org_unit=flag.unit, comment=note,
               data={"nominations": [flag.first_id, flag.second_id], "kept": keep})
    return flag
