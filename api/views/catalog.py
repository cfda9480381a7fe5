"""The catalogs, each item by its code: org units, awards, rounds, movements with their criteria."""

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.generics import ListAPIView

from nominations.models import AwardRule, AwardType, Movement, Round
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

    def get_queryset(self):
        """Each award with the level deciding it today: the AwardRule in force (nominations.rules.award_rule_on),
        else the award's own level; in one query, plus one for every award's rules."""
        in_force = AwardRule.objects.valid_on(timezone.localdate()).filter(award=OuterRef("pk")).order_by("-valid_from")
        return AwardType.objects.annotate(
            deciding_level_today=Coalesce(Subquery(in_force.values("deciding_level")[:1]), "deciding_level"),
        ).prefetch_related("rules").order_by("order", "code")


@_documented(RoundSerializer)
class RoundList(ListAPIView):
    serializer_class = RoundSerializer
    queryset = Round.objects.select_related("movement").order_by("opens_on", "code")


@_documented(MovementSerializer)
class MovementList(ListAPIView):
    serializer_class = MovementSerializer
    queryset = Movement.objects.prefetch_related("criteria").order_by("code")
