"""Tờ trình: list and draft, read with their items and what each lacks, add items, attach documents, submit;
review a selection of items in one request (answered per item); resubmit returned items; the inbox grouped by
tờ trình; decisions.

Reads go through proposals.selectors (a tờ trình out of the reader's scope is 404), writes through
proposals.actions, which run the engine's single-item actions for each item."""

from dataclasses import asdict

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from proposals import actions, importing, selectors
from proposals.models import DecisionItem, ImportBatch
from roles.models import Role
from roles.selectors import units_with_role

from .. import examples
from ..negotiation import ErrorsAsJSON
from ..proposal_serializers import (
    AddItemsSerializer,
    BulkResultSerializer,
    DecisionSerializer,
    ImportBatchSerializer,
    ImportUploadSerializer,
    InboxGroupSerializer,
    NewItemsSerializer,
    ProposalCreateSerializer,
    ProposalDocumentSerializer,
    ProposalDocumentUploadSerializer,
    ProposalSerializer,
    ProposalSummarySerializer,
    ResubmitSerializer,
    ReviewSerializer,
    SubmitSerializer,
)
from ..schema import READ, READ_ONE, WRITE

ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Số tờ trình."))
PROPOSAL_EXAMPLE = OpenApiExample("Tờ trình của trường", response_only=True, value={
    "id": 3, "issuing_unit": "LC-SAPA-THCS", "addressee": "LC-SAPA", "round": "1315-2026",
    "title": "Đề nghị tặng Giấy khen", "number": "12/TTr-THCS", "date": "2026-03-02", "signer": "unit_head",
    "status": "submitted", "created_at": "2026-03-01T08:00:00+07:00", "submitted_at": "2026-03-02T09:00:00+07:00",
    "item_count": 12})
DETAIL_EXAMPLE = OpenApiExample("Tờ trình đang lập", response_only=True, value={
    **PROPOSAL_EXAMPLE.value, "status": "draft", "number": "", "date": None, "submitted_at": None, "item_count": 0,
    "items": [], "documents": []})
SUBMITTED_EXAMPLE = OpenApiExample("Tờ trình đã trình", response_only=True, value={
    **PROPOSAL_EXAMPLE.value, "item_count": 0, "items": [], "documents": []})
RESULT_EXAMPLE = OpenApiExample("48 đồng ý, 2 bị từ chối", response_only=True, value={
    "action": "approve", "done": [101, 102], "forwarded_in": [9], "decision": None,
    "refused": [{"nomination": 103, "status": 409, "message": "Bước xét duyệt này đã được xử lý hoặc không còn mở; "
                                                            "hãy tải lại hồ sơ."}],
    "summary": "2 hồ sơ đã xử lý, 1 bị từ chối: #103: Bước xét duyệt này đã được xử lý hoặc không còn mở; "
               "hãy tải lại hồ sơ."})


def proposal_response(request, pk: int, code=status.HTTP_200_OK) -> Response:
    """The tờ trình as its reader sees it now, with its items (their open stage, what each lacks), its documents."""
    proposal = selectors.readable_proposal(request.user, pk)
    items = selectors.items_of(proposal)
    gaps = selectors.item_gaps(items)
    for item in items:
        item.lacks = gaps[item.nomination_id]
    proposal.items_read = items
    proposal.documents_read = proposal.documents.select_related("uploaded_by")
    data = ProposalSerializer(proposal).data
    return Response(data, status=code)


class ProposalListCreate(GenericAPIView):
    serializer_class = ProposalSummarySerializer

    @extend_schema(operation_id="proposals_list", responses={200: ProposalSummarySerializer(many=True), **READ},
                   examples=[PROPOSAL_EXAMPLE])
    def get(self, request):
        """The tờ trình I may read: my units' own, those sent to a unit where I review, an inspector's subtree."""
        page = self.paginate_queryset(selectors.proposal_list(request.user))
        return self.get_paginated_response(ProposalSummarySerializer(page, many=True).data)

    @extend_schema(operation_id="proposals_create", request=ProposalCreateSerializer,
                   responses={201: ProposalSerializer, **WRITE},
                   examples=[OpenApiExample("Lập tờ trình", request_only=True, value={
                       "issuing_unit": "LC-SAPA-THCS", "round": "1315-2026", "title": "Đề nghị tặng Giấy khen"}),
                             DETAIL_EXAMPLE])
    def post(self, request):
        """Draft a tờ trình of my unit (its proposer)."""
        if not units_with_role(request.user, Role.PROPOSER).exists():
            raise PermissionDenied(_("Chỉ thủ trưởng đơn vị trình mới được lập và trình tờ trình."))
        data = ProposalCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = actions.create_proposal(actor=request.user, **data.validated_data)
        return proposal_response(request, proposal.pk, status.HTTP_201_CREATED)


class ProposalDetail(GenericAPIView):
    serializer_class = ProposalSerializer

    @extend_schema(operation_id="proposals_retrieve", parameters=[ID], responses={200: ProposalSerializer, **READ_ONE},
                   examples=[SUBMITTED_EXAMPLE])
    def get(self, request, pk: int):
        """The tờ trình with its items (each with its open stage and what it still lacks) and its documents."""
        return proposal_response(request, pk)


class ProposalItems(GenericAPIView):
    serializer_class = AddItemsSerializer

    @extend_schema(operation_id="proposals_items_add", parameters=[ID], request=AddItemsSerializer,
                   responses={200: ProposalSerializer, **WRITE},
                   examples=[OpenApiExample("Thêm hồ sơ nháp", request_only=True, value={"nominations": [41, 42]}),
                             DETAIL_EXAMPLE])
    def post(self, request, pk: int):
        """Put drafts (or returned nominations) of the issuing unit, same round, on the list while it is drafted."""
        proposal = selectors.readable_proposal(request.user, pk)
        data = AddItemsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actions.add_items(actor=request.user, proposal=proposal, **data.validated_data)
        return proposal_response(request, pk)


class ProposalNewItems(GenericAPIView):
    serializer_class = NewItemsSerializer

    @extend_schema(operation_id="proposals_items_create", parameters=[ID], request=NewItemsSerializer,
                   responses={201: ProposalSerializer, **WRITE},
                   examples=[OpenApiExample("Hai người", request_only=True, value={"items": [
                       {"award": "GK_XA", "nominee": {"kind": "individual", "name": "Nguyễn Thị Lan"},
                        "achievement": "Giáo viên tích cực", "criteria": [{"code": "CN1", "met": True, "note": "…"}]},
                       {"award": "GK_XA", "nominee": {"kind": "collective", "name": "Tổ Toán"},
                        "achievement": "Tập thể học tập"}]}), DETAIL_EXAMPLE])
    def post(self, request, pk: int):
        """Draft one nomination per item and put them all on the list, in one transaction (one refused: none)."""
        proposal = selectors.readable_proposal(request.user, pk)
        data = NewItemsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actions.create_items(actor=request.user, proposal=proposal, rows=data.validated_data["items"])
        return proposal_response(request, pk, status.HTTP_201_CREATED)


class ProposalDocuments(GenericAPIView):
    serializer_class = ProposalDocumentUploadSerializer
    parser_classes = [MultiPartParser]

    @extend_schema(operation_id="proposals_documents_create", parameters=[ID],
                   request={"multipart/form-data": ProposalDocumentUploadSerializer},
                   responses={201: ProposalDocumentSerializer, **WRITE},
                   examples=[examples.upload({"kind": "bien_ban_hoi_dong", "file": "(the file: bien-ban.pdf)"}),
                             OpenApiExample("Biên bản", response_only=True, value={
                       "id": 5, "kind": "bien_ban_hoi_dong", "original_name": "bien-ban.pdf",
                       "content_type": "application/pdf", "size": 20480, "sha256": "ab" * 32,
                       "uploaded_by": "unit_head", "uploaded_at": "2026-03-01T08:00:00+07:00"})])
    def post(self, request, pk: int):
        """Attach a document of the whole list (the council's minutes) while the tờ trình is drafted."""
        proposal = selectors.readable_proposal(request.user, pk)
        data = ProposalDocumentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = actions.attach_proposal_document(actor=request.user, proposal=proposal,
                                                    kind=data.validated_data["kind"], upload=data.validated_data["file"])
        return Response(ProposalDocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class ProposalSubmit(GenericAPIView):
    serializer_class = SubmitSerializer

    @extend_schema(operation_id="proposals_submit", parameters=[ID], request=SubmitSerializer,
                   responses={200: ProposalSerializer, **WRITE},
                   examples=[OpenApiExample("Trình", request_only=True, value={"number": "12/TTr-THCS",
                                                                              "date": "2026-03-02"}),
                             SUBMITTED_EXAMPLE])
    def post(self, request, pk: int):
        """Submit the tờ trình and all its items, all or nothing: an item refused names itself (400), a tờ trình
        already submitted is 409."""
        proposal = selectors.readable_proposal(request.user, pk)
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actions.submit_proposal(actor=request.user, proposal=proposal, **data.validated_data)
        return proposal_response(request, pk)


class ProposalReview(GenericAPIView):
    serializer_class = ReviewSerializer

    @extend_schema(operation_id="proposals_review", parameters=[ID], request=ReviewSerializer,
                   responses={200: BulkResultSerializer, **WRITE},
                   examples=[OpenApiExample("Đồng ý hai hồ sơ", request_only=True, value={
                       "action": "approve", "items": [{"nomination": 101, "stage": 301},
                                                      {"nomination": 102, "stage": 302}],
                       "comment": "Đủ điều kiện", "number": "5/TTr-UBND"}), RESULT_EXAMPLE])
    def post(self, request, pk: int):
        """Approve, return or reject a selection of the tờ trình's items with one comment or reason. Each item is
        acted on alone, with its own checks and audit event; the answer lists those done and those refused (with
        the status the single action would answer). Items sent to the next level go in this level's own tờ trình
        (`number`, or `into` one it sent already); items awarded go in one decision."""
        proposal = selectors.readable_proposal(request.user, pk)
        data = ReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = actions.review_items(actor=request.user, proposal=proposal, **data.validated_data)
        return Response(BulkResultSerializer({**asdict(result), "summary": result.summary}).data)


class ProposalResubmit(GenericAPIView):
    serializer_class = ResubmitSerializer

    @extend_schema(operation_id="proposals_resubmit", parameters=[ID], request=ResubmitSerializer,
                   responses={200: BulkResultSerializer, **WRITE},
                   examples=[OpenApiExample("Trình lại", request_only=True, value={"nominations": [103]}),
                             RESULT_EXAMPLE])
    def post(self, request, pk: int):
        """Resubmit returned items of the tờ trình, each to the level that returned it; answered per item."""
        proposal = selectors.readable_proposal(request.user, pk)
        data = ResubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = actions.resubmit_items(actor=request.user, proposal=proposal, **data.validated_data)
        return Response(BulkResultSerializer({**asdict(result), "summary": result.summary}).data)


class ProposalInbox(GenericAPIView):
    serializer_class = InboxGroupSerializer
    pagination_class = None

    @extend_schema(operation_id="inbox_proposals", responses={200: InboxGroupSerializer(many=True), **READ},
                   examples=[OpenApiExample("Một tờ trình", response_only=True, value={
                       "proposal": PROPOSAL_EXAMPLE.value, "count": 12, "oldest_due": "2026-03-30T17:00:00+07:00"})])
    def get(self, request):
        """My inbox grouped by the tờ trình that brought the items: the count waiting for me, the oldest deadline."""
        return Response(InboxGroupSerializer(selectors.inbox_by_proposal(request.user), many=True).data)


class DecisionList(GenericAPIView):
    serializer_class = DecisionSerializer

    @extend_schema(operation_id="decisions_list", responses={200: DecisionSerializer(many=True), **READ},
                   examples=[OpenApiExample("Quyết định", response_only=True, value={
                       "id": 2, "unit": "LC-SAPA", "number": "7/QĐ-UBND", "date": "2026-03-20",
                       "signer": "commune_chair", "created_at": "2026-03-20T10:00:00+07:00", "item_count": 2,
                       "nominations": [101, 102]})])
    def get(self, request):
        """The decisions of the units where I hold a role (an inspector: the subtree), newest first."""
        decisions = selectors.decisions_of(request.user).prefetch_related(
            Prefetch("items", queryset=DecisionItem.objects.only("decision_id", "nomination_id", "position")))
        page = self.paginate_queryset(decisions)
        return self.get_paginated_response(DecisionSerializer(page, many=True).data)


class ProposalImportTemplate(GenericAPIView):
    content_negotiation_class = ErrorsAsJSON

    @extend_schema(operation_id="proposals_import_template", parameters=[ID],
                   responses={(200, importing.XLSX): OpenApiResponse(OpenApiTypes.BINARY, description=_(
                       "Mẫu .xlsx: trang “Danh sách” và trang “Mã hợp lệ” cho các danh sách chọn.")), **READ_ONE},
                   examples=[OpenApiExample("Mẫu", response_only=True, value="(tệp .xlsx)",
                                            media_type=importing.XLSX)])
    def get(self, request, pk: int):
        """The Excel template of the list for this tờ trình's round (Vietnamese headers, drop-downs of codes)."""
        proposal = selectors.readable_proposal(request.user, pk)
        response = HttpResponse(importing.template(proposal), content_type=importing.XLSX)
        response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-de-nghi.xlsx"'
        return response


BATCH_EXAMPLE = OpenApiExample("Hai lỗi", response_only=True, value={
    "id": 4, "original_name": "danh-sach.xlsx", "size": 10240, "sha256": "ab" * 32, "rows": 12, "good_rows": 10,
    "problem_count": 2, "problems": [
        {"row": 5, "column": "D (Hình thức khen thưởng (mã))", "message": "Hình thức khen thưởng “GK_X” không có."},
        {"row": 9, "column": "B (Tên cá nhân, tập thể)", "message": "Trùng với dòng 3."}],
    "uploaded_at": "2026-03-01T08:00:00+07:00", "confirmed_at": None})


class ProposalImport(GenericAPIView):
    serializer_class = ImportUploadSerializer
    parser_classes = [MultiPartParser]

    @extend_schema(operation_id="proposals_import_preview", parameters=[ID],
                   request={"multipart/form-data": ImportUploadSerializer},
                   responses={201: ImportBatchSerializer, **WRITE},
                   examples=[examples.upload({"file": "(the file: danh-sach.xlsx)"}), BATCH_EXAMPLE])
    def post(self, request, pk: int):
        """Upload a filled template: the answer lists every problem by row and column; nothing is created until
        the import is confirmed. A file that is not a workbook, too large, or without the template's sheet: 400."""
        proposal = selectors.readable_proposal(request.user, pk)
        data = ImportUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = importing.preview_import(actor=request.user, proposal=proposal, upload=data.validated_data["file"])
        return Response(ImportBatchSerializer(batch).data, status=status.HTTP_201_CREATED)


class ProposalImportConfirm(GenericAPIView):
    serializer_class = ImportBatchSerializer

    @extend_schema(operation_id="proposals_import_confirm", parameters=[
        ID, OpenApiParameter("batch", int, OpenApiParameter.PATH, description=_("Số lần tải tệp lên."))],
        request=None, responses={200: ProposalSerializer, **WRITE}, examples=[DETAIL_EXAMPLE])
    def post(self, request, pk: int, batch: int):
        """Create every row of the previewed workbook in one transaction, checked again: any problem, nothing."""
        proposal = selectors.readable_proposal(request.user, pk)
        found = ImportBatch.objects.filter(pk=batch, proposal=proposal).first()
        if found is None:
            raise Http404(_("Không tìm thấy tệp nhập."))
        importing.confirm_import(actor=request.user, proposal=proposal, batch=found)
        return proposal_response(request, pk)
