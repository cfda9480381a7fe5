"""What the navigation bar needs to know about the user, computed only if a page asks (one query each)."""

from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count
from roles.models import Role
from roles.selectors import inspector_root_paths, units_with_role


def navigation(request):
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "nav_may_propose": SimpleLazyObject(lambda: units_with_role(user, Role.PROPOSER).exists()),
        "nav_may_inspect": SimpleLazyObject(lambda: user.is_superuser or bool(inspector_root_paths(user))),
        "nav_unread": SimpleLazyObject(lambda: unread_count(user)),
    }
