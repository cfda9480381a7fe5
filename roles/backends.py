"""`user.has_perm("roles.<codename>", unit)` answered from the role assignments (roles.permissions names them)."""

from django.contrib.auth.backends import BaseBackend

from .models import OrgUnit, RoleAssignment
from .permissions import CODENAME_BY_ROLE, ROLE_BY_CODENAME
from .selectors import holds_role_at


class RoleAssignmentBackend(BaseBackend):
    """Object permissions on units: the role's assignment at that unit, in force now (one statement). It answers
    nothing about other objects or model-wide permissions (ModelBackend does)."""

    def has_perm(self, user_obj, perm, obj=None):
        app_label, _, name = perm.partition(".")
        if not isinstance(obj, OrgUnit) or app_label != "roles" or name not in ROLE_BY_CODENAME:
            return False
        return user_obj.is_active and holds_role_at(user_obj, ROLE_BY_CODENAME[name], obj)

    def get_all_permissions(self, user_obj, obj=None):
        if not isinstance(obj, OrgUnit) or not user_obj.is_active or user_obj.is_anonymous:
            return set()
        roles = RoleAssignment.objects.valid_on().filter(user=user_obj, org_unit=obj).values_list("role", flat=True)
        return {f"roles.{CODENAME_BY_ROLE[role]}" for role in roles if role in CODENAME_BY_ROLE}
