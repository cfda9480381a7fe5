"""/api/notifications/: the signed-in user's notices (only theirs), how many are unread, and marking them read."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from notifications import selectors, services
from notifications.models import Kind

from ..schema import FILTERED, READ
from ..serializers import (
    MarkedReadSerializer,
    MarkReadSerializer,
    NotificationFilterSerializer,
    NotificationSerializer,
    UnreadCountSerializer,
)

EXAMPLE_NOTICE = {
    "id": 42, "kind": Kind.RETURNED.value, "kind_label": "Hồ sơ bị trả lại",
    "title": "Hồ sơ bị trả lại: #7 Nguyễn Thị Thu Hằng – Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh",
    "body": "Hồ sơ “#7 Nguyễn Thị Thu Hằng – Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh” đã bị Tỉnh Lào Cai "
            "trả lại về Phường Sa Pa. Lý do: Thiếu biên bản họp Hội đồng cấp xã. Hạn xử lý lại: 05/01/2027.",
    "nomination": 7, "created_at": "2026-12-05T09:30:00+07:00", "read_at": None, "read": False,
}


class NotificationList(GenericAPIView):
    serializer_class = NotificationSerializer

    @extend_schema(
        operation_id="notifications_list",
        parameters=[OpenApiParameter("unread", bool, description=_("true: chỉ thông báo chưa đọc."))],
        responses={200: NotificationSerializer(many=True), **FILTERED},
        examples=[OpenApiExample("Một hồ sơ bị trả lại", value=EXAMPLE_NOTICE, response_only=True)],
    )
    def get(self, request):
        """My notifications, newest first (a page of them); `unread=true` keeps the unread ones."""
        query = NotificationFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        notices = selectors.for_user(request.user)
        if query.validated_data["unread"] is not None:
            notices = notices.filter(read_at__isnull=query.validated_data["unread"])
        page = self.paginate_queryset(notices)
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)


class UnreadCount(GenericAPIView):
    serializer_class = UnreadCountSerializer
    pagination_class = None

    @extend_schema(operation_id="notifications_unread_count", responses={200: UnreadCountSerializer, **READ},
                   examples=[OpenApiExample("Ba thông báo chưa đọc", value={"unread": 3}, response_only=True)])
    def get(self, request):
        """How many of my notifications are unread (the badge beside the bell)."""
        return Response({"unread": selectors.unread_count(request.user)})


class MarkRead(GenericAPIView):
    serializer_class = MarkReadSerializer
    pagination_class = None

    @extend_schema(
        operation_id="notifications_mark_read", request=MarkReadSerializer,
        responses={200: MarkedReadSerializer, **FILTERED},
        examples=[
            OpenApiExample("Đánh dấu hai thông báo", value={"ids": [41, 42]}, request_only=True),
            OpenApiExample("Đánh dấu tất cả", value={}, request_only=True),
            OpenApiExample("Kết quả", value={"marked": 2, "unread": 1}, response_only=True),
        ],
    )
    def post(self, request):
        """Mark my notifications read: those whose ids are given (others' ids are ignored), or all of them."""
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        marked = services.mark_read(user=request.user, ids=data.validated_data.get("ids"))
        return Response({"marked": marked, "unread": selectors.unread_count(request.user)})
