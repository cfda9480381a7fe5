"""Per-request memo of the reader's roles: a page's own scope (workflows.selectors) and its navigation bar
(web.context_processors) both need them, and read them once between them."""

from django.utils.functional import SimpleLazyObject


def _with_roles_memo(user):
    user.roles_memo = {}  # roles.selectors.roles_held fills it, for this request's user object only
    return user


class RolesMemoMiddleware:
    """After AuthenticationMiddleware. The user is still loaded only if the request reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        request.user = SimpleLazyObject(lambda: _with_roles_memo(user))
        return self.get_response(request)
