"""The catalogs, each item by its code: org units, awards, rounds, movements with their criteria."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.generics import ListAPIView

from nominations.models import AwardType, Movement, Round
from roles.models import OrgUnit

from ..schema import READ
from ..serializers import AwardSerializer, MovementSerializer, OrgUnitSerializer, RoundSerializer


def _documented(serializer):
    return extend_schema_view(get=extend_schema(responses={200: serializer, **READ}))


@_documented(OrgUnitSerializer)
class OrgUnitList(ListAPIView):
    serializer_class = OrgUnitSerializer
    queryset = OrgUnit.objects.select_related("parent", "successor").order_by("path")


@_documented(AwardSerializer)
class AwardList(ListAPIView):
    serializer_class = AwardSerializer
    queryset = AwardType.objects.order_by("order", "code")


@_documented(RoundSerializer)
class RoundList(ListAPIView):
    serializer_class = RoundSerializer
    queryset = Round.objects.select_related("movement").order_by("opens_on", "code")


@_documented(MovementSerializer)
class MovementList(ListAPIView):
    serializer_class = MovementSerializer
    queryset = Movement.objects.prefetch_related("criteria").order_by("code")
