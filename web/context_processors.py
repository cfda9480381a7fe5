"""What the navigation bar needs to know about the user, computed only if a page asks: the user's roles in one
query (both menu entries; none when the page's own scope has read them, roles.middleware), the unread count in
another."""

from functools import cache

from django.utils.functional import SimpleLazyObject

from notifications.selectors import unread_count
from roles.models import Role
from roles.selectors import roles_held


def navigation(request):
    user = request.user
    if not user.is_authenticated:
        return {}
    held = cache(lambda: roles_held(user))
    return {
        "nav_may_propose": SimpleLazyObject(lambda: bool(held().get(Role.PROPOSER))),
        "nav_may_inspect": SimpleLazyObject(lambda: user.is_superuser or bool(held().get(Role.INSPECTOR))),
        "nav_unread": SimpleLazyObject(lambda: unread_count(user)),
    }
