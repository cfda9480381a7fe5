"""Excel exports of the lists (.xlsx, streamed from a temporary file): a tờ trình's items with the import
template's columns, the inbox and the nomination list with the same filters as their JSON lists. Each is scoped by
the same selector as the list it exports (a tờ trình out of scope is 404); built by proposals.exporting."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView

from proposals import exporting
from proposals import selectors as proposal_selectors
from workflows import selectors

from ..negotiation import ErrorsAsJSON
from ..schema import FILTERED, READ_ONE, binary_responses
from ..serializers import InboxFilterSerializer, NominationFilterSerializer

XLSX_EXAMPLE = "PK\x03\x04… (tệp .xlsx)"


def _xlsx(description: str) -> dict:
    return binary_responses([exporting.XLSX], description=description, example=XLSX_EXAMPLE)


class ProposalItemsExport(GenericAPIView):
    content_negotiation_class = ErrorsAsJSON

    @extend_schema(operation_id="export_proposal_items",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Số tờ trình."))],
                   responses={**_xlsx(_("Các hồ sơ của tờ trình, đúng các cột của mẫu nhập (trang “Danh sách”).")),
                              **READ_ONE})
    def get(self, request, pk: int):
        """The tờ trình's items as an .xlsx with exactly the import template's sheet and columns."""
        proposal = proposal_selectors.readable_proposal(request.user, pk)
        return exporting.response(exporting.items_export(proposal), f"to-trinh-{proposal.pk}.xlsx")


class InboxExport(GenericAPIView):
    content_negotiation_class = ErrorsAsJSON

    @extend_schema(operation_id="export_inbox", parameters=[InboxFilterSerializer],
                   responses={**_xlsx(_("Hộp việc với các bộ lọc đã chọn; ngày dạng dd/mm/yyyy.")), **FILTERED})
    def get(self, request):
        """My inbox, with the inbox list's filters, as an .xlsx."""
        filters = InboxFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        stages = selectors.filter_inbox(selectors.inbox(request.user), **filters.validated_data)
        return exporting.response(exporting.inbox_export(stages), "hop-viec.xlsx")


class NominationsExport(GenericAPIView):
    content_negotiation_class = ErrorsAsJSON

    @extend_schema(operation_id="export_nominations", parameters=[NominationFilterSerializer],
                   responses={**_xlsx(_("Danh sách hồ sơ với các bộ lọc đã chọn (kể cả tìm kiếm q).")), **FILTERED})
    def get(self, request):
        """The nominations I may read, with the list's filters (search q included), as an .xlsx."""
        filters = NominationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        nominations = selectors.filter_nominations(selectors.nomination_list(request.user), reader=request.user,
                                                   **filters.validated_data)
        return exporting.response(exporting.nominations_export(nominations), "ho-so.xlsx")
