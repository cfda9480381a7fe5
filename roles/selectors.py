"""Reads of the organisation tree and of who may act where.

Every permission check reads the role assignment itself, at the moment of the check: the assignment and its unit
both in force on the day asked (today by default), the assignment not revoked. There is no copy of the grants to
keep in step: an assignment ended yesterday, or starting tomorrow, grants nothing today, whoever changed its dates
and however (tests/roles/test_selectors.py). Each check is one statement."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

import rows

from .models import Level, OrgUnit, Role, RoleAssignment, valid_on_q


def units_with_role(user, role: str, day: datetime.date | None = None) -> QuerySet[OrgUnit]:
    """Valid units where `user` holds `role` (one query; usable as a subquery)."""
    day = day or timezone.localdate()
    return OrgUnit.objects.valid_on(day).filter(  # one filter() call: every condition on the same assignment row
        valid_on_q(day, "role_assignments__"), role_assignments__user=user, role_assignments__role=role,
        role_assignments__revoked_at__isnull=True,
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
    grants = RoleAssignment.objects.valid_on(day).filter(user=user).order_by("org_unit__path", "role")
    for pk, path, role in grants.values_list("org_unit_id", "org_unit__path", "role"):
        held.setdefault(role, []).append((pk, path))
    if memo is not None:
        memo[day] = held
    return held


def holds_role_at(user, role: str, unit: OrgUnit, day: datetime.date | None = None) -> bool:
    """Whether `user` holds `role` at `unit` on `day` (today by default): the assignment's and the unit's dates
    as the database holds them, in one statement (every action asks: plain SQL)."""
    if not user or not user.is_authenticated:
        return False
    day = day or timezone.localdate()
    return bool(rows.fetch(HOLDS_ROLE_AT, [user.pk, unit.pk, str(role), day, day, day, day]))


# RoleAssignment.objects.valid_on(day).filter(user=…, org_unit=…, role=…).exists(), tested against it. The
# partial unique index of live assignments (user, org_unit, role) finds the row; the unit is read by its key.
HOLDS_ROLE_AT = """SELECT 1 FROM roles_roleassignment
JOIN roles_orgunit ON roles_orgunit.id = roles_roleassignment.org_unit_id
WHERE roles_roleassignment.user_id = %s AND roles_roleassignment.org_unit_id = %s AND roles_roleassignment.role = %s
AND roles_roleassignment.revoked_at IS NULL
AND (roles_roleassignment.valid_from IS NULL OR roles_roleassignment.valid_from <= %s)
AND (roles_roleassignment.valid_to IS NULL OR roles_roleassignment.valid_to >= %s)
AND (roles_orgunit.valid_from IS NULL OR roles_orgunit.valid_from <= %s)
AND (roles_orgunit.valid_to IS NULL OR roles_orgunit.valid_to >= %s)
LIMIT 1"""


def role_holders(unit_id: int, role: str, day: datetime.date | None = None) -> list[tuple[int, str, str, str]]:
    """(user id, e-mail, the unit's code, the unit's name) of every active user holding `role` at the unit on
    `day` (today by default), by user id: the check holds_role_at makes, in one statement (every forward asks
    whom to tell)."""
    day = day or timezone.localdate()
    return rows.fetch(ROLE_HOLDERS, [unit_id, str(role), day, day, day, day])


ROLE_HOLDERS = """SELECT auth_user.id, auth_user.email, roles_orgunit.code, roles_orgunit.name
FROM roles_roleassignment
JOIN auth_user ON auth_user.id = roles_roleassignment.user_id
JOIN roles_orgunit ON roles_orgunit.id = roles_roleassignment.org_unit_id
WHERE roles_roleassignment.org_unit_id = %s AND roles_roleassignment.role = %s
AND roles_roleassignment.revoked_at IS NULL
AND (roles_roleassignment.valid_from IS NULL OR roles_roleassignment.valid_from <= %s)
AND (roles_roleassignment.valid_to IS NULL OR roles_roleassignment.valid_to >= %s)
AND (roles_orgunit.valid_from IS NULL OR roles_orgunit.valid_from <= %s)
AND (roles_orgunit.valid_to IS NULL OR roles_orgunit.valid_to >= %s)
AND auth_user.is_active
ORDER BY auth_user.id"""


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
