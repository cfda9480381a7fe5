"""Writes to roles: granting, re-dating and revoking a role, and adding, changing or moving a unit; each audited.

A role takes effect, ends and is withdrawn at the moment its row says so: every permission check reads the
assignment itself (roles.selectors), so there is nothing to keep in step here."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, Max, Value
from django.db.models.functions import Concat, Length, Substr
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record

from . import selectors
from .changes import diff, field_values
from .models import OrgUnit, Role, RoleAssignment

PATH_MAX_LENGTH = OrgUnit._meta.get_field("path").max_length


def _check_admin(actor, org_unit: OrgUnit | None, message: str | None = None) -> None:
    """An admin at `org_unit` or above it (None: the top of the tree, superusers only)."""
    if actor is None or actor.is_superuser:
        return  # None: the system itself (seed, migrations of data)
    if org_unit is None or not selectors.administers(actor, org_unit):
        raise PermissionDenied(message or _("Bạn không có quyền quản trị vai trò tại đơn vị này."))


def check_dates(valid_from: datetime.date | None, valid_to: datetime.date | None) -> None:
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError({"valid_to": _("Ngày hết hiệu lực phải sau ngày bắt đầu.")})


def _forget_roles(user) -> None:
    if getattr(user, "roles_memo", None):
        user.roles_memo.clear()  # a request that changed its own user's roles reads them afresh


def grant_role(
    *, actor, user, org_unit: OrgUnit, role: str,
    valid_from: datetime.date | None = None, valid_to: datetime.date | None = None,
) -> RoleAssignment:
    role = Role(role)
    check_dates(valid_from, valid_to)
    with transaction.atomic():
        _check_admin(actor, org_unit)
        if RoleAssignment.objects.filter(user=user, org_unit=org_unit, role=role, revoked_at__isnull=True).exists():
            raise ValidationError(_("Người dùng đã có vai trò này tại đơn vị."))
        assignment = RoleAssignment.objects.create(
            user=user, org_unit=org_unit, role=role, valid_from=valid_from, valid_to=valid_to, granted_by=actor
        )
        record(
            action="role.grant", actor=actor, obj=assignment, org_unit=org_unit,
            data={"user": user.get_username(), "role": role.value, "unit": org_unit.code,
                  "valid_from": valid_from, "valid_to": valid_to},
        )
    _forget_roles(user)
    return assignment


def _live_assignment(actor, assignment: RoleAssignment) -> RoleAssignment:
    """The assignment locked, once `actor` may administer its unit and it is not revoked."""
    assignment = RoleAssignment.objects.select_for_update().select_related("org_unit", "user").get(pk=assignment.pk)
    _check_admin(actor, assignment.org_unit)
    if assignment.revoked_at is not None:
        raise ValidationError(_("Vai trò này đã bị thu hồi."))
    return assignment


def change_role_dates(
    *, actor, assignment: RoleAssignment, valid_from: datetime.date | None, valid_to: datetime.date | None,
) -> RoleAssignment:
    """Move the start or the end of a live assignment (it holds from the new dates at once)."""
    check_dates(valid_from, valid_to)
    with transaction.atomic():
        assignment = _live_assignment(actor, assignment)
        before = field_values(assignment)
        assignment.valid_from, assignment.valid_to = valid_from, valid_to
        fields, _redacted = diff(before, field_values(assignment))
        if fields:
            assignment.save(update_fields=["valid_from", "valid_to"])
            record(
                action="role.change", actor=actor, obj=assignment, org_unit=assignment.org_unit,
                data={"model": "roles.roleassignment", "fields": fields, "user": assignment.user.get_username(),
                      "role": assignment.role, "unit": assignment.org_unit.code},
            )
    _forget_roles(assignment.user)
    return assignment


def revoke_role(*, actor, assignment: RoleAssignment) -> RoleAssignment:
    with transaction.atomic():
        assignment = _live_assignment(actor, assignment)
        assignment.revoked_at = timezone.now()
        assignment.revoked_by = actor
        assignment.save(update_fields=["revoked_at", "revoked_by"])
        record(
            action="role.revoke", actor=actor, obj=assignment, org_unit=assignment.org_unit,
            data={"user": assignment.user.get_username(), "role": assignment.role, "unit": assignment.org_unit.code},
        )
    _forget_roles(assignment.user)
    return assignment


# --- the organisation tree ---------------------------------------------------------------------------------------


def check_unit_placement(unit: OrgUnit, parent: OrgUnit | None, code: str) -> None:
    """Refuse to put `unit` (as stored: its current path) under itself or under a unit below it, or where the paths
    of its subtree would outgrow the column."""
    if unit.pk is not None and parent is not None and (parent.pk == unit.pk or parent.path.startswith(unit.path)):
        raise ValidationError({"parent": _("Không thể chuyển đơn vị vào chính nó hoặc vào đơn vị cấp dưới của nó.")})
    new_path = (parent.path if parent is not None else "/") + f"{code}/"
    longest = len(new_path)
    if unit.pk is not None and len(new_path) > len(unit.path):
        deepest = _subtree(unit.path).aggregate(deepest=Max(Length("path")))["deepest"] or len(unit.path)
        longest = deepest - len(unit.path) + len(new_path)
    if longest > PATH_MAX_LENGTH:
        raise ValidationError({"code": _("Đường dẫn của đơn vị hoặc của đơn vị cấp dưới sẽ dài quá %(n)s ký tự.")
                               % {"n": PATH_MAX_LENGTH}})


def save_unit(*, actor, unit: OrgUnit, action: str | None = None, data: dict | None = None) -> int:
    """Save `unit` as it now is, new or changed, in one transaction with one audit event (`action`, by default
    "orgunit.add" or "orgunit.change"; `data` and the changed fields before and after). When its code or parent
    changed, the path of every unit below it is rewritten by one UPDATE (the old prefix replaced by the new one),
    so subtree scopes see the whole subtree in its new place at once. Returns how many units below it were
    rewritten."""
    with transaction.atomic():
        # The unit and its new parent, locked in one statement in id order, and the placement checked against
        # the parent's path as it is now: two moves that would make a cycle together run one after the other,
        # and the second is refused.
        ids = [pk for pk in (unit.pk, unit.parent_id) if pk is not None]
        locked = {u.pk: u for u in OrgUnit.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
        stored = locked.get(unit.pk) if unit.pk is not None else None
        if unit.parent_id is not None:
            unit.parent = locked[unit.parent_id]
        refused = _("Bạn không có quyền quản trị đơn vị này hoặc đơn vị cấp trên mới của nó.")
        if stored is not None:
            _check_admin(actor, stored, refused)  # where it is, and where it goes: a move changes both scopes
        if stored is None or stored.parent_id != unit.parent_id:
            _check_admin(actor, unit.parent, refused)
        check_unit_placement(stored or OrgUnit(), unit.parent, unit.code)
        before = field_values(stored) if stored is not None else None
        unit.save()
        rewritten = 0
        if stored is not None and unit.path != stored.path:
            rewritten = _subtree(stored.path).update(
                path=Concat(Value(unit.path), Substr("path", len(stored.path) + 1), output_field=CharField())
            )
        fields, _redacted = diff(before, field_values(unit))
        if stored is None or fields:
            data = {**(data or {}), "model": "roles.orgunit", "fields": fields}
            if rewritten:
                data["descendants"] = rewritten
            record(action=action or ("orgunit.change" if stored is not None else "orgunit.add"), actor=actor,
                   obj=unit, org_unit=unit, data=data)
    return rewritten


def add_units(*, actor, units: list[OrgUnit], data=None) -> list[OrgUnit]:
    """Add new units under parents already in the tree, in bulk: what `save_unit` does for one new unit (an admin
    of its parent, the path checked, one "orgunit.add" event with `data(unit)` and its fields), in a few
    statements for the lot plus the events. One transaction: all or none."""
    with transaction.atomic():
        ids = {unit.parent_id for unit in units if unit.parent_id is not None}
        parents = {p.pk: p for p in OrgUnit.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
        refused = _("Bạn không có quyền quản trị đơn vị này hoặc đơn vị cấp trên mới của nó.")
        for parent in [*parents.values(), *([None] if any(u.parent_id is None for u in units) else [])]:
            _check_admin(actor, parent, refused)
        for unit in units:
            unit.parent = parents.get(unit.parent_id)
            unit.path = (unit.parent.path if unit.parent is not None else "/") + f"{unit.code}/"
            if len(unit.path) > PATH_MAX_LENGTH:
                raise ValidationError({"code": _("Đường dẫn của đơn vị hoặc của đơn vị cấp dưới sẽ dài quá "
                                                 "%(n)s ký tự.") % {"n": PATH_MAX_LENGTH}})
        OrgUnit.objects.bulk_create(units, batch_size=500)
        for unit in units:
            record(action="orgunit.add", actor=actor, obj=unit, org_unit=unit,
                   data={**(data(unit) if data else {}), "model": "roles.orgunit",
                         "fields": diff(None, field_values(unit))[0]})
    return units


def _subtree(path: str):
    """The units strictly below the unit at `path`: an indexed prefix match, made exact (SQLite's LIKE ignores
    case)."""
    return OrgUnit.objects.filter(Exact(Substr("path", 1, len(path)), Value(path)), path__startswith=path).exclude(
        path=path)
