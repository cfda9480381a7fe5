"""Pages of the API's lists: `limit` (at most MAX_LIMIT) and `offset`, both bounded so no value reaches the
database as an out-of-range integer; `count` stops above COUNT_CAP, and `count_is_capped` says when it did."""

from django.db.models import QuerySet
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

from workflows import selectors

MAX_LIMIT = 500
MAX_OFFSET = 2**31 - 1


class LimitOffset(LimitOffsetPagination):
    max_limit = MAX_LIMIT

    def get_offset(self, request):
        return min(super().get_offset(request), MAX_OFFSET)

    def get_count(self, queryset) -> int:
        return selectors.count_capped(queryset) if isinstance(queryset, QuerySet) else len(queryset)

    def get_paginated_response(self, data):
        return Response({"count": self.count, "count_is_capped": self.count > selectors.COUNT_CAP,
                         "next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_is_capped"] = {
            "type": "boolean", "example": False,
            "description": f"true when there are more than {selectors.COUNT_CAP} rows (the count stops there)"}
        response["required"].append("count_is_capped")
        return response
