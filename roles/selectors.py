"""Reads of the organisation tree and of who may act where.

Every permission check reads the role assignment itself, at the moment of the check: the assignment and its unit
both in force on the day asked (today by default), the assignment not revoked. There is no copy of the grants to
keep in step: an assignment ended yesterday, or starting tomorrow, grants nothing today, whoever changed its dates
and however (tests/roles/test_selectors.py). Each check is one statement."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

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
    guessing. A request's user (roles.middleware) reads them once per request and day."""
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
    as the database holds them, in one statement (the partial unique index of live assignments finds the row)."""
    if not user or not user.is_authenticated:
        return False
    return RoleAssignment.objects.valid_on(day).filter(user=user, org_unit=unit, role=role).exists()


def role_holders(unit_id: int, role: str, day: datetime.date | None = None) -> list[tuple[int, str, str, str]]:
    """(user id, e-mail, the unit's code, the unit's name) of every active user holding `role` at the unit on
    `day` (today by default), by user id, in one statement: the check holds_role_at makes."""
    holders = RoleAssignment.objects.valid_on(day).filter(org_unit_id=unit_id, role=role, user__is_active=True)
    return list(holders.order_by("user_id").values_list("user_id", "user__email", "org_unit__code", "org_unit__name"))


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
