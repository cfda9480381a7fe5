"""G3 across scopes: the pairs of nominations put before the level above both units, and that level's choice."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from workflows import actions, selectors

from .. import examples
from ..schema import READ, WRITE
from ..serializers import DuplicateFlagSerializer, DuplicateResolveSerializer

FLAG_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description=_("Số của cặp hồ sơ trùng."))


class DuplicateList(GenericAPIView):
    serializer_class = DuplicateFlagSerializer

    @extend_schema(operation_id="list_duplicates", responses={200: DuplicateFlagSerializer(many=True), **READ},
                   examples=[examples.DUPLICATES])
    def get(self, request):
        """The open pairs waiting for my level's choice, oldest first."""
        page = self.paginate_queryset(selectors.duplicate_flags(request.user))
        return self.get_paginated_response(DuplicateFlagSerializer(page, many=True).data)


class DuplicateResolve(GenericAPIView):
    serializer_class = DuplicateResolveSerializer

    @extend_schema(operation_id="resolve_duplicate", parameters=[FLAG_ID], request=DuplicateResolveSerializer,
                   responses={200: DuplicateFlagSerializer, **WRITE}, examples=examples.DUPLICATE_RESOLVE)
    def post(self, request, pk: int):
        """Keep one of the pair: only it may then be awarded; the other's decision is refused until its level
        returns or rejects it."""
        flag = get_object_or_404(selectors.duplicate_flags(request.user), pk=pk)
        data = DuplicateResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        flag = actions.resolve_duplicate(actor=request.user, flag=flag, **data.validated_data)
        return Response(DuplicateFlagSerializer(selectors.resolved_flag(flag.pk)).data)
