"""The review path's hand-written statements: a profile proves they pay. Every approve, return and reject asks
whether the actor holds the stage's role, and every stage opened asks whom to tell; through the ORM each of these
compiles a four-table validity filter (roles.selectors: the queries they replace, and a test holds them equal).
Run on Django's cursor, their values bound as the fields bind them."""

import datetime

from django.db import connections, models, router
from django.utils import timezone

from roles.models import RoleAssignment

# Each: a live assignment of the role at the unit, both valid on the day (the unit's dates as the database holds
# them); the four day parameters come last.
HOLDS_ROLE_AT = """SELECT 1 FROM roles_roleassignment
JOIN roles_orgunit ON roles_orgunit.id = roles_roleassignment.org_unit_id
WHERE roles_roleassignment.user_id = %s AND roles_roleassignment.org_unit_id = %s AND roles_roleassignment.role = %s
AND roles_roleassignment.revoked_at IS NULL
AND (roles_roleassignment.valid_from IS NULL OR roles_roleassignment.valid_from <= %s)
AND (roles_roleassignment.valid_to IS NULL OR roles_roleassignment.valid_to >= %s)
AND (roles_orgunit.valid_from IS NULL OR roles_orgunit.valid_from <= %s)
AND (roles_orgunit.valid_to IS NULL OR roles_orgunit.valid_to >= %s)
LIMIT 1"""

ROLE_HOLDERS = """SELECT auth_user.id, auth_user.email, roles_orgunit.code, roles_orgunit.name
FROM roles_roleassignment
JOIN auth_user ON auth_user.id = roles_roleassignment.user_id
JOIN roles_orgunit ON roles_orgunit.id = roles_roleassignment.org_unit_id
WHERE roles_roleassignment.org_unit_id = %s AND roles_roleassignment.role = %s AND auth_user.is_active
AND roles_roleassignment.revoked_at IS NULL
AND (roles_roleassignment.valid_from IS NULL OR roles_roleassignment.valid_from <= %s)
AND (roles_roleassignment.valid_to IS NULL OR roles_roleassignment.valid_to >= %s)
AND (roles_orgunit.valid_from IS NULL OR roles_orgunit.valid_from <= %s)
AND (roles_orgunit.valid_to IS NULL OR roles_orgunit.valid_to >= %s)
ORDER BY auth_user.id"""


def _rows(sql: str, params: list, day: datetime.date | None) -> list[tuple]:
    connection = connections[router.db_for_read(RoleAssignment)]
    value = models.DateField().get_db_prep_value(day or timezone.localdate(), connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, value, value, value, value])
        return cursor.fetchall()


def holds_role_at(user, role: str, unit, day: datetime.date | None = None) -> bool:
    """roles.selectors.holds_role_at, as one plain statement."""
    if not user or not user.is_authenticated:
        return False
    return bool(_rows(HOLDS_ROLE_AT, [user.pk, unit.pk, str(role)], day))


def role_holders(unit_id: int, role: str, day: datetime.date | None = None) -> list[tuple[int, str, str, str]]:
    """roles.selectors.role_holders, as one plain statement."""
    return _rows(ROLE_HOLDERS, [unit_id, str(role)], day)
