"""The review: the actions on a nomination and the inbox of open stages."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from deadlines.policy import with_days_left
from workflows import actions, registry, selectors

from .. import examples
from ..schema import FILTERED, WRITE
from ..serializers import (
    ActionSerializer,
    CouncilVoteRequestSerializer,
    CouncilVoteSerializer,
    InboxFilterSerializer,
    NominationSerializer,
    StageSerializer,
)
from .nominations import ID, nomination_response


class ActionView(GenericAPIView):
    serializer_class = ActionSerializer

    @extend_schema(
        operation_id="act_on_nomination",
        parameters=[ID, OpenApiParameter("action", str, OpenApiParameter.PATH, enum=registry.ACTION_NAMES)],
        request=ActionSerializer, responses={200: NominationSerializer, **WRITE}, examples=examples.ACTION,
    )
    def post(self, request, pk: int, action: str):
        """Submit, resubmit, withdraw, approve, return or reject. `stage` pins the open stage acted on (a stage
        already closed → 409); `reason` is required to return or reject; the decision fields apply when the
        approval awards."""
        if action not in registry.ACTION_NAMES:
            raise Http404(_("Không có thao tác này."))
        nomination = selectors.readable_nomination(request.user, pk)
        data = ActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actions.perform(action, actor=request.user, nomination=nomination, **data.validated_data)
        return nomination_response(request, selectors.readable_nomination(request.user, pk))


class CouncilVoteView(GenericAPIView):
    serializer_class = CouncilVoteRequestSerializer

    @extend_schema(operation_id="record_council_vote", parameters=[ID], request=CouncilVoteRequestSerializer,
                   responses={201: CouncilVoteSerializer, **WRITE}, examples=examples.COUNCIL_VOTE)
    def post(self, request, pk: int):
        """The council's secretary records the vote of the level's council at the open DECIDE stage: those present,
        the votes for, and the minutes (a `bien_ban_hoi_dong` document attached at this stage). The number of
        members is the council's membership on the day of the meeting; the vote must reach the level's quorum and
        threshold, and whoever records it cannot then decide (403 without the secretary's role, 409 when the stage
        is closed, needs no vote or has one)."""
        nomination = selectors.readable_nomination(request.user, pk)
        data = CouncilVoteRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vote = actions.record_council_vote(actor=request.user, nomination=nomination, **data.validated_data)
        return Response(CouncilVoteSerializer(vote).data, status=status.HTTP_201_CREATED)


class InboxView(GenericAPIView):
    serializer_class = StageSerializer

    @extend_schema(operation_id="list_inbox", parameters=[InboxFilterSerializer],
                   responses={200: StageSerializer(many=True), **FILTERED}, examples=[examples.STAGE])
    def get(self, request):
        """The open stages I may act on, oldest first (a nomination on hold waits outside every inbox)."""
        filters = InboxFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        stages = selectors.filter_inbox(selectors.inbox(request.user), **data)
        page = with_days_left(self.paginate_queryset(stages))
        return self.get_paginated_response(StageSerializer(page, many=True).data)
