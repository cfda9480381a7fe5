"""The one module that turns role assignments into django-guardian object permissions on `OrgUnit`.

`RoleAssignment` rows are the truth; guardian's `OrgUnitUserPermission` rows mirror the assignments that
are valid today (assignment and unit both in force, not revoked). `sync_user_permissions` is called on
every grant and revoke, and `manage.py sync_role_permissions` (run daily, and by the periodic job) applies
the dates as they pass: an assignment that starts tomorrow grants nothing today, one that ended yesterday
grants nothing today.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from .models import OrgUnit, OrgUnitUserPermission, Role, RoleAssignment

CODENAME_BY_ROLE = {
    Role.PROPOSER: "propose_at",
    Role.APPRAISER: "appraise_at",
    Role.DECIDER: "decide_at",
    Role.INSPECTOR: "inspect_at",
    Role.ADMIN: "administer_at",
}
ROLE_BY_CODENAME = {name: role for role, name in CODENAME_BY_ROLE.items()}


def codename(role: str) -> str:
    return CODENAME_BY_ROLE[Role(role)]


def _permission_ids() -> dict[str, int]:
    content_type = ContentType.objects.get_for_model(OrgUnit)
    return dict(
        Permission.objects.filter(content_type=content_type, codename__in=CODENAME_BY_ROLE.values()).values_list(
            "codename", "pk"
        )
    )


def sync_user_permissions(user, today: datetime.date | None = None) -> tuple[int, int]:
    """Make the user's guardian grants equal their valid assignments. Returns (added, removed)."""
    today = today or timezone.localdate()
    ids = _permission_ids()
    wanted = {
        (ids[codename(role)], unit_id)
        for role, unit_id in RoleAssignment.objects.valid_on(today).filter(user=user).values_list("role", "org_unit")
    }
    held = dict(
        ((perm_id, unit_id), pk)
        for pk, perm_id, unit_id in OrgUnitUserPermission.objects.filter(
            user=user, permission_id__in=ids.values()
        ).values_list("pk", "permission_id", "content_object_id")
    )
    missing = wanted - held.keys()
    extra = [pk for key, pk in held.items() if key not in wanted]
    OrgUnitUserPermission.objects.bulk_create(
        [OrgUnitUserPermission(user=user, permission_id=p, content_object_id=u) for p, u in missing]
    )
    OrgUnitUserPermission.objects.filter(pk__in=extra).delete()
    if getattr(user, "roles_memo", None):
        user.roles_memo.clear()  # a request that changed its own user's roles reads them afresh
    return len(missing), len(extra)


def sync_all_permissions(today: datetime.date | None = None) -> tuple[int, int]:
    """Re-mirror every user that holds or held a role. Idempotent."""
    users = get_user_model().objects.filter(
        pk__in=RoleAssignment.objects.values("user").union(OrgUnitUserPermission.objects.values("user"))
    )
    added = removed = 0
    for user in users.iterator():
        a, r = sync_user_permissions(user, today)
        added, removed = added + a, removed + r
    return added, removed
