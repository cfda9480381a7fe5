"""Reads of the organisation tree and of who may act where (through guardian's grants)."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

import rows

from .models import Level, OrgUnit, OrgUnitUserPermission, Role
from .permissions import ROLE_BY_CODENAME, codename


def units_with_role(user, role: str, day: datetime.date | None = None) -> QuerySet[OrgUnit]:
    """Valid units where `user` holds `role` (one query; usable as a subquery)."""
    return OrgUnit.objects.valid_on(day).filter(
        orgunituserpermission__user=user, orgunituserpermission__permission__codename=codename(role)
    )


def roles_held(user, day: datetime.date | None = None) -> dict[str, list[tuple[int, str]]]:
    """{role: [(unit id, unit path), ...]} of every role `user` holds at a valid unit (one query). Scopes built
    from these constants let PostgreSQL plan a list from the units' own indexes, where a subquery left it
    guessing (docs/benchmarks.md). A request's user (roles.middleware) reads them once per request and day."""
    held: dict[str, list[tuple[int, str]]] = {}
    if not user or not user.is_authenticated:
        return held
    day = day or timezone.localdate()
    memo = getattr(user, "roles_memo", None)
    if memo is not None and day in memo:
        return memo[day]
    grants = OrgUnit.objects.valid_on(day).filter(
        orgunituserpermission__user=user, orgunituserpermission__permission__codename__in=ROLE_BY_CODENAME
    ).values_list("pk", "path", "orgunituserpermission__permission__codename")
    for pk, path, name in grants:
        held.setdefault(ROLE_BY_CODENAME[name], []).append((pk, path))
    if memo is not None:
        memo[day] = held
    return held


def holds_role_at(user, role: str, unit: OrgUnit, day: datetime.date | None = None) -> bool:
    """Whether `user` holds `role` at `unit` (valid on `day`): the unit's dates from the object, the grant in one
    query on guardian's table."""
    if not user or not user.is_authenticated or not unit.is_valid_on(day or timezone.localdate()):
        return False
    return bool(rows.fetch(HOLDS_ROLE_AT, [user.pk, unit.pk, codename(role)]))  # every action asks: plain SQL


HOLDS_ROLE_AT = """SELECT 1 FROM roles_orgunituserpermission
JOIN auth_permission ON auth_permission.id = roles_orgunituserpermission.permission_id
WHERE roles_orgunituserpermission.user_id = %s AND roles_orgunituserpermission.content_object_id = %s
AND auth_permission.codename = %s LIMIT 1"""


def role_holders(unit_id: int, role: str) -> list[tuple[int, str, str, str]]:
    """(user id, e-mail, the unit's code, the unit's name) of every active user holding `role` at the unit, by
    user id: the grant holds_role_at checks, in one statement (every forward asks whom to tell)."""
    return rows.fetch(ROLE_HOLDERS, [unit_id, codename(role)])


ROLE_HOLDERS = """SELECT auth_user.id, auth_user.email, roles_orgunit.code, roles_orgunit.name
FROM roles_orgunituserpermission
JOIN auth_permission ON auth_permission.id = roles_orgunituserpermission.permission_id
JOIN auth_user ON auth_user.id = roles_orgunituserpermission.user_id
JOIN roles_orgunit ON roles_orgunit.id = roles_orgunituserpermission.content_object_id
WHERE roles_orgunituserpermission.content_object_id = %s AND auth_permission.codename = %s AND auth_user.is_active
ORDER BY auth_user.id"""


def grant_rows(user) -> QuerySet[OrgUnitUserPermission]:
    """The user's guardian grants on units, with the unit and the permission (for "my roles")."""
    return OrgUnitUserPermission.objects.filter(user=user).select_related("content_object", "permission")


def inspectable_units(user, day: datetime.date | None = None) -> QuerySet[OrgUnit]:
    """Every unit in the subtree of a unit where `user` is an inspector (superusers: every unit)."""
    if user.is_superuser:
        return OrgUnit.objects.all()
    roots = list(units_with_role(user, Role.INSPECTOR, day))
    return OrgUnit.objects.subtree_of(roots)


def inspector_root_paths(user, day: datetime.date | None = None) -> list[str]:
    if user.is_superuser:
        return ["/"]
    return list(units_with_role(user, Role.INSPECTOR, day).values_list("path", flat=True))


def administers(user, unit: OrgUnit, day: datetime.date | None = None) -> bool:
    """True when `user` is an admin at `unit` or at a unit above it."""
    return units_with_role(user, Role.ADMIN, day).filter(path__in=unit.ancestor_paths()).exists()


def ancestors(unit: OrgUnit) -> QuerySet[OrgUnit]:
    """The unit and every unit above it, from the top down (one query)."""
    return OrgUnit.objects.filter(path__in=unit.ancestor_paths()).order_by("path")


def national_unit(level: int, day: datetime.date | None = None) -> OrgUnit | None:
    """The single valid unit of a national level (the central board, the government)."""
    assert level in (Level.CENTRAL_BOARD, Level.GOVERNMENT)
    return OrgUnit.objects.valid_on(day).filter(level=level).order_by("pk").first()
