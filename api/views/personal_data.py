"""A nominee's sensitive data (Decree 13/2023/NĐ-CP): masked in every other answer, read here by those allowed,
each read an audit event (workflows.actions.reveal_personal_data)."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows import actions, selectors

from .. import examples
from ..schema import WRITE
from ..serializers import PersonalDataSerializer
from .nominations import ID


class PersonalDataView(APIView):
    @extend_schema(operation_id="reveal_personal_data", parameters=[ID], request=None,
                   responses={200: PersonalDataSerializer, **WRITE}, examples=[examples.PERSONAL_DATA])
    def post(self, request, pk: int):
        """Reveal the nominee's identity number and hold notes, as far as my roles allow (403 if not at all);
        each call is recorded in the audit trail. POST: a read that writes the log."""
        nomination = selectors.readable_nomination(request.user, pk)
        revealed = actions.reveal_personal_data(actor=request.user, nomination=nomination)
        return Response(PersonalDataSerializer(revealed).data)
