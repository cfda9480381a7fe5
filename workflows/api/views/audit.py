"""The audit log for inspectors: the events of their subtree, the export as JSON Lines, the chain check.

The scope is the audit browser's (workflows.views.audit): the same roots, the same filters. The chain check is
the on-demand one (audit.verification.verify_increment: the events after the last verified point), throttled per
user together with the page's (VerifyThrottle), and it tells each reader only what their scope covers
(verification_answer).
"""

import logging
import math

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, NotFound, Throttled, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from audit.export import export_lines
from audit.models import Event
from audit.verification import Verification, verify_increment
from roles.models import OrgUnit

from ... import selectors
from ..negotiation import ErrorsAsJSON
from ..schema import BAD_REQUEST, ERROR, FORBIDDEN, NOT_FOUND, UNAUTHORIZED
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


def export_root(user, roots: list[str], unit_code: str | None) -> str:
    """The subtree to export: my first inspection root, or a unit inside my subtrees (unknown or outside: 404, as
    for any object outside one's scope)."""
    if not unit_code:
        return roots[0]
    unit = OrgUnit.objects.filter(code=unit_code.strip().upper()).first()
    if unit is None or not any(unit.path.startswith(root) for root in roots):
        if unit is not None:
            security_log.warning("denied action=audit_export user=%s unit=%s", getattr(user, "pk", None), unit.code)
        raise Http404(_("Không tìm thấy đơn vị."))
    return unit.path


def national(roots: list[str]) -> bool:
    """True when the roots cover the whole country: a superuser's "/", or an inspector at every top unit."""
    return "/" in roots or not OrgUnit.objects.filter(parent__isnull=True).exclude(path__in=roots).exists()


def verification_answer(verification: Verification, roots: list[str]) -> dict:
    """What an on-demand check tells this reader: the verdict and the verified head's hash to everyone; the head's
    seq (the national event count), what the check read and where a break is to a reader of the whole country
    only; anyone else learns how many of the events it read were their own subtrees' (a count over the events this
    check read, so its cost does not grow with the log)."""
    answer = {
        "ok": verification.ok,
        "head_hash": verification.head_hash,
        "complete": verification.complete,
        "problem": verification.problem,
        "full_checked_at": verification.full_checked_at,
    }
    if national(roots):
        answer |= {
            "head_seq": verification.head_seq,
            "checked_from_seq": verification.checked_from,
            "events_checked": verification.result.events_checked,
            "first_bad_seq": verification.first_bad_seq,
            "message": verification.message,
        }
    else:
        scope = Q()
        for root in roots:
            scope |= Q(org_path__startswith=root)
        read = Event.objects.filter(seq__gt=verification.checked_from, seq__lte=verification.result.head_seq)
        answer["events_checked_in_scope"] = read.filter(scope).count() if verification.result.events_checked else 0
    return answer


def too_many_checks(wait: float | None) -> tuple[int, str]:
    """(seconds to wait, the message) for an on-demand check over the budget."""
    seconds = max(1, math.ceil(wait or 0))
    return seconds, ngettext(
        "Bạn đã kiểm tra quá nhiều lần. Vui lòng thử lại sau %(seconds)d giây.",
        "Bạn đã kiểm tra quá nhiều lần. Vui lòng thử lại sau %(seconds)d giây.",
        seconds,
    ) % {"seconds": seconds}


class VerifyThrottle(ScopedRateThrottle):
    """The on-demand check's budget per user: REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["audit_verify"] (the
    AUDIT_VERIFY_RATE setting), counted in the default cache; the page (workflows.views.audit) spends the same."""

    def get_rate(self):
        try:  # read when used (DRF's class attribute is read once at import)
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError as exc:
            raise ImproperlyConfigured(f"No throttle rate for the scope {self.scope!r}.") from exc


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
            "`python -m audit.verify_export --allow-gaps`.")), **INSPECTORS, 404: NOT_FOUND},
    )
    def get(self, request):
        """The log of my subtree (or of one unit in it) as JSON Lines, streamed."""
        roots = selectors.inspector_roots(request.user)
        data = _filters(request)
        root = export_root(request.user, roots, data.get("unit"))
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
                                                               "truncated.")
    full_checked_at = serializers.DateTimeField(allow_null=True, help_text="Lần kiểm tra toàn bộ gần nhất đã đạt.")
    events_checked_in_scope = serializers.IntegerField(required=False, help_text=(
        "Số sự kiện thuộc phạm vi của bạn trong số sự kiện lần này đã đọc (thanh tra không phải cấp toàn quốc)."))
    head_seq = serializers.IntegerField(required=False, help_text="Số thứ tự của điểm đã kiểm tra (chỉ cấp toàn quốc).")
    checked_from_seq = serializers.IntegerField(required=False, help_text="Lần này kiểm tra từ sau số thứ tự này.")
    events_checked = serializers.IntegerField(required=False, help_text="Số sự kiện lần này đã đọc.")
    first_bad_seq = serializers.IntegerField(required=False, allow_null=True)
    message = serializers.CharField(required=False, allow_blank=True)


class AuditVerify(APIView):
    throttle_classes = [VerifyThrottle]
    throttle_scope = "audit_verify"

    def check_throttles(self, request):
        """Throttled in get(), after the role check: someone without the role is told 403, not 429."""

    def throttled(self, request, wait):
        seconds, message = too_many_checks(wait)
        exc = Throttled(seconds)
        exc.detail = ErrorDetail(message, code=exc.default_code)
        raise exc

    @extend_schema(responses={200: VerifyAnswerSerializer, 409: VerifyAnswerSerializer, 401: UNAUTHORIZED,
                              403: FORBIDDEN, 429: OpenApiResponse(ERROR, description="Quá nhiều lần kiểm tra.")})
    def get(self, request):
        """Check the events recorded since the last verified point: 200 when the chain holds, 409 when it is broken.

        The whole chain from the first event is checked by a background job; its last outcome is reported here
        too. Only an inspector of the whole country is told the head's seq and where a break is."""
        roots = selectors.inspector_roots(request.user)
        super().check_throttles(request)
        verification = verify_increment()
        return Response(verification_answer(verification, roots), status=200 if verification.ok else 409)
