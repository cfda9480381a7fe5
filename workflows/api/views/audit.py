"""The audit log for inspectors: the events of their subtree, the export as JSON Lines, the chain check.

The scope is the audit browser's (workflows.views.audit): the same roots, the same filters.
"""

from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.chain import verify_chain
from audit.export import export_lines
from roles.models import OrgUnit

from ... import selectors
from ..negotiation import ErrorsAsJSON
from ..schema import BAD_REQUEST, FORBIDDEN, UNAUTHORIZED
from ..serializers import EventFilterSerializer, EventSerializer, VerifySerializer

INSPECTORS = {400: BAD_REQUEST, 401: UNAUTHORIZED, 403: FORBIDDEN}


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


def _export_root(roots: list[str], data: dict) -> str:
    """The subtree to export: my first inspection root, or a unit inside my subtrees (outside → 403)."""
    if not data.get("unit"):
        return roots[0]
    unit = OrgUnit.objects.filter(code=data["unit"].strip().upper()).first()
    if unit is None or not any(unit.path.startswith(root) for root in roots):
        raise PermissionDenied(_("Đơn vị này nằm ngoài phạm vi thanh tra của bạn."))
    return unit.path


class AuditEvents(GenericAPIView):
    serializer_class = EventSerializer
    pagination_class = NewestFirst

    @extend_schema(parameters=[EventFilterSerializer], responses={200: EventSerializer(many=True), **INSPECTORS})
    def get(self, request):
        """Events recorded in my inspection subtree, and every event of a nomination I may read; newest first."""
        roots = selectors.inspector_roots(request.user)
        page = self.paginate_queryset(selectors.audit_events(request.user, roots, _filters(request)))
        return self.get_paginated_response(EventSerializer(page, many=True).data)


class AuditExport(APIView):
    content_negotiation_class = ErrorsAsJSON

    @extend_schema(
        parameters=[EventFilterSerializer],
        responses={(200, "application/x-ndjson"): OpenApiResponse(OpenApiTypes.STR, description=(
            "Một dòng JSON cho mỗi sự kiện (mọi trường, prev_hash và hash), theo thứ tự seq; kiểm tra bằng "
            "`python -m audit.verify_export --allow-gaps`.")), **INSPECTORS},
    )
    def get(self, request):
        """The log of my subtree (or of one unit in it) as JSON Lines, streamed."""
        roots = selectors.inspector_roots(request.user)
        data = _filters(request)
        root = _export_root(roots, data)
        lines = (line + "\n" for line in export_lines(org_path=root, since=data.get("since"),
                                                     until=data.get("until")))
        response = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate():%Y%m%d}.jsonl"'
        return response


class AuditVerify(APIView):
    @extend_schema(responses={200: VerifySerializer, 409: VerifySerializer, 401: UNAUTHORIZED, 403: FORBIDDEN})
    def get(self, request):
        """Recompute the whole hash chain: 200 when intact, 409 with the first bad seq when not."""
        selectors.inspector_roots(request.user)
        result = verify_chain()
        body = {"ok": result.ok, "events_checked": result.events_checked, "first_bad_seq": result.first_bad_seq,
                "problem": result.problem}
        return Response(VerifySerializer(body).data, status=200 if result.ok else 409)
