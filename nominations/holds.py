"""G4 reads: who may flag a nominee (an inspector or administrator over the nominee's managing unit)."""

from roles.models import OrgUnit, Role
from roles.selectors import units_with_role


def may_hold(user, unit: OrgUnit) -> bool:
    """Inspectors and administrators of the unit or of a unit above it place and clear holds."""
    if not user or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    paths = unit.ancestor_paths()
    return any(
        units_with_role(user, role).filter(path__in=paths).exists() for role in (Role.INSPECTOR, Role.ADMIN)
    )
