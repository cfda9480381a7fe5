"""Pages of the API's lists: `limit` (at most MAX_LIMIT) and `offset`, both bounded so no value reaches the
database as an out-of-range integer."""

from rest_framework.pagination import LimitOffsetPagination

MAX_LIMIT = 500
MAX_OFFSET = 2**31 - 1


class LimitOffset(LimitOffsetPagination):
    max_limit = MAX_LIMIT

    def get_offset(self, request):
        return min(super().get_offset(request), MAX_OFFSET)
