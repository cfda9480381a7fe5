"""Nominations: list and create, read and edit, documents, the planned route and the timeline.

Reads go through workflows.selectors (a nomination out of the reader's scope is 404), writes through
workflows.actions; the checks and their order are the pages' (web.views.nominations).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from nominations.documents import ALLOWED_TYPES
from roles.models import Role
from roles.selectors import units_with_role
from workflows import actions, routing, selectors
from workflows.errors import InvalidTransition
from workflows.lifecycle import EDITABLE

from .. import examples
from ..negotiation import ErrorsAsJSON
from ..schema import FILTERED, READ_ONE, WRITE, binary_responses
from ..serializers import (
    DocumentSerializer,
    DocumentUploadSerializer,
    EventSerializer,
    NominationCreateSerializer,
    NominationFilterSerializer,
    NominationSerializer,
    NominationSummarySerializer,
    NominationUpdateSerializer,
    RouteEntrySerializer,
)

ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Số hồ sơ."))
# What a download may be: the types an upload is accepted as (nominations.documents), and octet-stream for a
# document without one (the type generators read as bytes).
DOCUMENT_TYPES = ["application/pdf", *sorted(set(ALLOWED_TYPES.values()) - {"application/pdf"}),
                  "application/octet-stream"]


def nomination_response(request, nomination, code=status.HTTP_200_OK) -> Response:
    """The nomination as its reader sees it now: answers, open stage, the actions they may take."""
    prefetch_related_objects([nomination], "answers__criterion")
    stage = selectors.open_stage(nomination)
    context = {
        "request": request, "stage": stage,
        "actions": selectors.available_actions(request.user, nomination, stage),
        "may_edit": selectors.may_edit(request.user, nomination),
        "may_attach": selectors.may_attach(request.user, nomination),
    }
    return Response(NominationSerializer(nomination, context=context).data, status=code)


class NominationListCreate(GenericAPIView):
    serializer_class = NominationSummarySerializer

    @extend_schema(operation_id="list_nominations", parameters=[NominationFilterSerializer],
                   responses={200: NominationSummarySerializer(many=True), **FILTERED}, examples=[examples.NOMINATIONS])
    def get(self, request):
        """The nominations I may read, most recently changed first."""
        filters = NominationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        nominations = selectors.filter_nominations(selectors.nomination_list(request.user), reader=request.user,
                                                   **filters.validated_data)
        page = self.paginate_queryset(selectors.IdsFirst(nominations))
        return self.get_paginated_response(NominationSummarySerializer(page, many=True).data)

    @extend_schema(operation_id="create_nomination", request=NominationCreateSerializer,
                   responses={201: NominationSerializer, **WRITE}, examples=examples.NOMINATION_CREATE)
    def post(self, request):
        """Draft a nomination (the proposer of the submitting unit); answers to the criteria may come along."""
        if not units_with_role(request.user, Role.PROPOSER).exists():
            raise PermissionDenied(_("Chỉ thủ trưởng đơn vị đề nghị mới được lập hồ sơ."))
        data = NominationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        nomination = actions.create_nomination(
            actor=request.user, round=values["round"], award=values["award"],
            submitting_unit=values["submitting_unit"], nominee=values["nominee"], achievement=values["achievement"],
            criteria=values["criteria"], path=values["path"],
        )
        return nomination_response(request, selectors.readable_nomination(request.user, nomination.pk),
                                   status.HTTP_201_CREATED)


class NominationDetail(APIView):
    @extend_schema(operation_id="get_nomination", parameters=[ID], responses={200: NominationSerializer, **READ_ONE},
                   examples=[examples.NOMINATION_READ])
    def get(self, request, pk: int):
        return nomination_response(request, selectors.readable_nomination(request.user, pk))

    @extend_schema(operation_id="update_nomination", parameters=[ID], request=NominationUpdateSerializer,
                   responses={200: NominationSerializer, **WRITE}, examples=examples.NOMINATION_UPDATE)
    def patch(self, request, pk: int):
        """Change the dossier while it is a draft or returned; criterion answers are created or changed by code."""
        nomination = selectors.readable_nomination(request.user, pk)
        if nomination.status not in EDITABLE:
            raise InvalidTransition(_("Không thể sửa hồ sơ ở trạng thái “%(status)s”.")
                                    % {"status": nomination.get_status_display()})
        if not selectors.may_edit(request.user, nomination):
            raise PermissionDenied(_("Chỉ thủ trưởng đơn vị đề nghị mới được lập và sửa hồ sơ."))
        data = NominationUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actions.update_nomination(actor=request.user, nomination=nomination, **data.validated_data)
        return nomination_response(request, selectors.readable_nomination(request.user, pk))


class DocumentListCreate(APIView):
    parser_classes = [MultiPartParser]  # a file comes along: not JSON

    @extend_schema(operation_id="list_documents", parameters=[ID],
                   responses={200: DocumentSerializer(many=True), **READ_ONE}, examples=[examples.DOCUMENTS])
    def get(self, request, pk: int):
        nomination = selectors.readable_nomination(request.user, pk)
        documents = nomination.documents.select_related("uploaded_by").order_by("uploaded_at", "pk")
        return Response(DocumentSerializer(documents, many=True).data)

    @extend_schema(operation_id="upload_document", parameters=[ID],
                   request={"multipart/form-data": DocumentUploadSerializer},
                   responses={201: DocumentSerializer, **WRITE}, examples=examples.DOCUMENT_UPLOAD)
    def post(self, request, pk: int):
        """Attach a file: the proposer while the dossier is editable, the open step's holder while in review."""
        nomination = selectors.readable_nomination(request.user, pk)
        data = DocumentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        document = actions.attach_document(actor=request.user, nomination=nomination,
                                           kind=data.validated_data["kind"], upload=data.validated_data["file"])
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentFile(APIView):
    content_negotiation_class = ErrorsAsJSON

    @extend_schema(
        operation_id="download_document",
        parameters=[ID, OpenApiParameter("document_id", int, OpenApiParameter.PATH, description=_("Số tài liệu."))],
        responses={**binary_responses(DOCUMENT_TYPES, example="%PDF-1.7 …",
                                      description=_("Tệp, dưới tên gốc đã làm sạch.")), **READ_ONE},
    )
    def get(self, request, pk: int, document_id: int):
        """Download a document of a nomination I may read (as an attachment)."""
        nomination = selectors.readable_nomination(request.user, pk)
        handle, document = selectors.document_file(nomination, document_id)
        return FileResponse(handle, as_attachment=True, filename=document.original_name,
                            content_type=document.content_type or "application/octet-stream")


class RouteView(APIView):
    @extend_schema(operation_id="get_route", parameters=[ID], responses={200: RouteEntrySerializer(many=True), **READ_ONE},
                   examples=[examples.ROUTE])
    def get(self, request, pk: int):
        """The planned route: fixed at first submission, planned for today before that; each stop done,
        current or planned."""
        nomination = selectors.readable_nomination(request.user, pk)
        entries = routing.route_with_state(nomination, selectors.open_stage(nomination))
        rows = [{"position": i, "stop": e.stop, "unit_name": e.unit_name, "state": e.state}
                for i, e in enumerate(entries)]
        return Response(RouteEntrySerializer(rows, many=True).data)


class NominationEvents(APIView):
    @extend_schema(operation_id="list_nomination_events", parameters=[ID],
                   responses={200: EventSerializer(many=True), **READ_ONE}, examples=[examples.EVENTS])
    def get(self, request, pk: int):
        """The nomination's timeline from the audit log (whoever may read the nomination reads all of it)."""
        nomination = selectors.readable_nomination(request.user, pk)
        return Response(EventSerializer(selectors.nomination_events(nomination), many=True).data)
