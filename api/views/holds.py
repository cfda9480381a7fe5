"""G4 holds on a nomination's nominee: inspectors and administrators above the nominee's unit place and clear them
(workflows.actions.holds); while one is active the nominee's nominations in review wait ON_HOLD."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from nominations import rules
from workflows import actions, selectors

from .. import examples
from ..schema import READ_ONE, WRITE
from ..serializers import HoldClearSerializer, HoldPlaceSerializer, HoldSerializer
from .nominations import ID

HOLD_ID = OpenApiParameter("hold_id", int, OpenApiParameter.PATH, description=_("Số của lần tạm dừng."))


class HoldListCreate(APIView):
    parser_classes = [MultiPartParser]  # a file comes along; clearing a hold is JSON like the rest

    @extend_schema(operation_id="list_holds", parameters=[ID], responses={200: HoldSerializer(many=True), **READ_ONE},
                   examples=[examples.HOLDS])
    def get(self, request, pk: int):
        """The active holds on the nomination's nominee."""
        nomination = selectors.readable_nomination(request.user, pk)
        holds = rules.active_holds(nomination.nominee_id).select_related("placed_by", "cleared_by")
        return Response(HoldSerializer(holds, many=True).data)

    @extend_schema(operation_id="place_hold", parameters=[ID], request={"multipart/form-data": HoldPlaceSerializer},
                   responses={201: HoldSerializer, **WRITE}, examples=examples.HOLD_PLACE)
    def post(self, request, pk: int):
        """Flag the nominee (all their nominations in review wait), with the document it rests on."""
        nomination = selectors.readable_nomination(request.user, pk)
        data = HoldPlaceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        hold = actions.place_hold(actor=request.user, nominee=nomination.nominee, reason=values["reason"],
                                  upload=values["file"], note=values["note"])
        return Response(HoldSerializer(hold).data, status=status.HTTP_201_CREATED)


class HoldClear(APIView):
    @extend_schema(operation_id="clear_hold", parameters=[ID, HOLD_ID], request=HoldClearSerializer,
                   responses={200: HoldSerializer, **WRITE}, examples=examples.HOLD_CLEAR)
    def post(self, request, pk: int, hold_id: int):
        """Clear a flag; when it was the last, the nominations resume at the stage where they waited."""
        nomination = selectors.readable_nomination(request.user, pk)
        hold = get_object_or_404(rules.active_holds(nomination.nominee_id), pk=hold_id)
        data = HoldClearSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        hold = actions.clear_hold(actor=request.user, hold=hold, note=data.validated_data["note"])
        return Response(HoldSerializer(hold).data)
