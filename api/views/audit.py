"""The audit log for inspectors: the events of their subtree, the export as JSON Lines, the chain check.

The scope is the audit browser's (web.views.audit): the same roots, the same filters. The chain check is
the on-demand one (audit.verification.verify_increment: the events after the last verified point), counted against
the user's budget together with the page's, and it tells each reader only what their scope covers
(workflows.verification).
"""

import logging

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, NotFound, Throttled, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.export import export_lines
from audit.verification import verify_increment
from workflows import actions, selectors, verification

from .. import examples
from ..negotiation import ErrorsAsJSON
from ..schema import BAD_REQUEST, ERROR, FORBIDDEN, NOT_FOUND, UNAUTHORIZED, binary_responses
from ..serializers import EventFilterSerializer, EventSerializer

INSPECTORS = {400: BAD_REQUEST, 401: UNAUTHORIZED, 403: FORBIDDEN}
security_log = logging.getLogger("security")


class NewestFirst(CursorPagination):
    """Keyset pages over the log: one query a page whatever its size (no COUNT over millions of rows)."""

    ordering = "-seq"
    page_size = 50

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound as exc:  # a cursor this API did not hand out is bad input, not a missing resource
            raise ValidationError({"cursor": [_("Con trỏ trang không hợp lệ.")]}) from exc


def _filters(request) -> dict:
    filters = EventFilterSerializer(data=request.query_params)
    filters.is_valid(raise_exception=True)
    return filters.validated_data


class AuditEvents(GenericAPIView):
    serializer_class = EventSerializer
    pagination_class = NewestFirst

    @extend_schema(operation_id="list_audit_events", parameters=[EventFilterSerializer],
                   responses={200: EventSerializer(many=True), **INSPECTORS}, examples=[examples.EVENTS])
    def get(self, request):
        """Events recorded in my inspection subtree, and every event of a nomination I may read; newest first."""
        roots = selectors.inspector_roots(request.user)
        page = self.paginate_queryset(selectors.audit_events(request.user, roots, _filters(request)))
        return self.get_paginated_response(EventSerializer(page, many=True).data)


class AuditExport(APIView):
    content_negotiation_class = ErrorsAsJSON

    @extend_schema(
        operation_id="export_audit_events", parameters=[EventFilterSerializer],
        responses={**binary_responses(["application/x-ndjson"], example=examples.EXPORT_LINE, description=(
            "Một dòng JSON cho mỗi sự kiện (mọi trường, prev_hash và hash), theo thứ tự seq; kiểm tra bằng "
            "`python -m audit.verify_export --allow-gaps`.")), **INSPECTORS, 404: NOT_FOUND},
    )
    def get(self, request):
        """The log of my subtree (or of one unit in it) as JSON Lines, streamed."""
        roots = selectors.inspector_roots(request.user)
        data = _filters(request)
        root = verification.export_root(request.user, roots, data.get("unit"))
        actions.record_export(actor=request.user, root=root, since=data.get("since"), until=data.get("until"))
        lines = (line + "\n" for line in export_lines(org_path=root, since=data.get("since"),
                                                     until=data.get("until")))
        response = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate():%Y%m%d}.jsonl"'
        return response


class VerifyAnswerSerializer(serializers.Serializer):
    """The schema of an on-demand check's answer (verification_answer builds it)."""

    ok = serializers.BooleanField()
    head_hash = serializers.CharField(help_text="Mã băm của sự kiện cuối đã kiểm tra (điểm đã kiểm tra).")
    complete = serializers.BooleanField(help_text="Đã kiểm tra đến sự kiện mới nhất (false: phần còn lại ở lần sau).")
    problem = serializers.CharField(allow_null=True, help_text="Loại sai lệch: changed, missing, reordered, inserted, "
                                                               "truncated; checkpoint: điểm kiểm tra đã ký số không "
                                                               "kiểm chứng được.")
    full_checked_at = serializers.DateTimeField(allow_null=True, help_text="Lần kiểm tra toàn bộ gần nhất đã đạt.")
    checkpoint_at = serializers.DateTimeField(allow_null=True, help_text=(
        "Thời điểm của điểm kiểm tra đã ký số mới nhất (lưu ngoài cơ sở dữ liệu) mà nhật ký phải khớp; null: chưa có."))
    checkpoint_seq = serializers.IntegerField(required=False, allow_null=True, help_text=(
        "Số thứ tự của điểm kiểm tra đó (chỉ cấp toàn quốc)."))
    events_checked_in_scope = serializers.IntegerField(required=False, help_text=(
        "Số sự kiện thuộc phạm vi của bạn trong số sự kiện lần này đã đọc (thanh tra không phải cấp toàn quốc)."))
    head_seq = serializers.IntegerField(required=False, help_text="Số thứ tự của điểm đã kiểm tra (chỉ cấp toàn quốc).")
    checked_from_seq = serializers.IntegerField(required=False, help_text="Lần này kiểm tra từ sau số thứ tự này.")
    events_checked = serializers.IntegerField(required=False, help_text="Số sự kiện lần này đã đọc.")
    first_bad_seq = serializers.IntegerField(required=False, allow_null=True)
    message = serializers.CharField(required=False, allow_blank=True)


class AuditVerify(APIView):
    @extend_schema(operation_id="verify_audit_chain", examples=examples.VERIFIED,
                   responses={200: VerifyAnswerSerializer, 409: VerifyAnswerSerializer, 401: UNAUTHORIZED,
                              403: FORBIDDEN, 429: OpenApiResponse(ERROR, description="Quá nhiều lần kiểm tra.")})
    def get(self, request):
        """Check the events recorded since the last verified point: 200 when the chain holds, 409 when it is broken.

        The whole chain from the first event is checked by a background job; its last outcome is reported here
        too. Only an inspector of the whole country is told the head's seq and where a break is."""
        roots = selectors.inspector_roots(request.user)  # the role first: without it, 403 and nothing spent
        try:
            verification.spend_check(request.user)
        except verification.TooManyChecks as exc:
            throttled = Throttled(exc.seconds)
            throttled.detail = ErrorDetail(exc.message, code=throttled.default_code)
            raise throttled from exc
        checked = verify_increment()
        return Response(verification.verification_answer(checked, roots), status=200 if checked.ok else 409)
