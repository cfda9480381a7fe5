"""The permission names of the roles: `user.has_perm("roles.decide_at", unit)` asks whether `user` holds the role
at `unit` now, answered by `roles.backends.RoleAssignmentBackend` from the assignment itself (no grant table to keep
in step; roles.selectors). The names are `OrgUnit`'s Meta permissions.
"""

from .models import Role

CODENAME_BY_ROLE = {
    Role.PROPOSER: "propose_at",
    Role.APPRAISER: "appraise_at",
    Role.DECIDER: "decide_at",
    Role.INSPECTOR: "inspect_at",
    Role.ADMIN: "administer_at",
    Role.SECRETARY: "record_council_at",
}
ROLE_BY_CODENAME = {name: role for role, name in CODENAME_BY_ROLE.items()}
