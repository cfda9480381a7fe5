"""Writes to roles: granting and revoking a role, each audited and mirrored into guardian."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record

from . import selectors
from .models import OrgUnit, Role, RoleAssignment
from .permissions import sync_user_permissions


def _check_admin(actor, org_unit: OrgUnit) -> None:
    if actor is None or actor.is_superuser:
        return  # None: the system itself (seed, migrations of data)
    if not selectors.administers(actor, org_unit):
        raise PermissionDenied(_("Bạn không có quyền quản trị vai trò tại đơn vị này."))


def grant_role(
    *, actor, user, org_unit: OrgUnit, role: str,
    valid_from: datetime.date | None = None, valid_to: datetime.date | None = None,
) -> RoleAssignment:
    role = Role(role)
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError(_("Ngày hết hiệu lực phải sau ngày bắt đầu."))
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
        sync_user_permissions(user)
    return assignment


def revoke_role(*, actor, assignment: RoleAssignment) -> RoleAssignment:
    with transaction.atomic():
        assignment = RoleAssignment.objects.select_for_update().select_related("org_unit", "user").get(
            pk=assignment.pk
        )
        _check_admin(actor, assignment.org_unit)
        if assignment.revoked_at is not None:
            raise ValidationError(_("Vai trò này đã bị thu hồi."))
        assignment.revoked_at = timezone.now()
        assignment.revoked_by = actor
        assignment.save(update_fields=["revoked_at", "revoked_by"])
        record(
            action="role.revoke", actor=actor, obj=assignment, org_unit=assignment.org_unit,
            data={"user": assignment.user.get_username(), "role": assignment.role, "unit": assignment.org_unit.code},
        )
        sync_user_permissions(assignment.user)
    return assignment
