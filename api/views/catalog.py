"""The catalogs, each item by its code: org units, awards, rounds, movements with their criteria."""

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.generics import ListAPIView

from nominations.models import AwardRule, AwardType, Movement, Round
from roles.models import OrgUnit

from .. import examples
from ..schema import READ
from ..serializers import AwardSerializer, MovementSerializer, OrgUnitSerializer, RoundSerializer


def _documented(operation_id: str, serializer, example):
    return extend_schema_view(get=extend_schema(operation_id=operation_id, responses={200: serializer, **READ},
                                                examples=[example]))


@_documented("list_org_units", OrgUnitSerializer, examples.ORG_UNIT)
class OrgUnitList(ListAPIView):
    serializer_class = OrgUnitSerializer
    queryset = OrgUnit.objects.select_related("parent", "successor").order_by("path")


@_documented("list_awards", AwardSerializer, examples.AWARD)
class AwardList(ListAPIView):
    serializer_class = AwardSerializer

    def get_queryset(self):
        """Each award with the level deciding it today: the AwardRule in force (nominations.rules.award_rule_on),
        else the award's own level; in one query, plus one for every award's rules."""
        in_force = AwardRule.objects.valid_on(timezone.localdate()).filter(award=OuterRef("pk")).order_by("-valid_from")
        return AwardType.objects.annotate(
            deciding_level_today=Coalesce(Subquery(in_force.values("deciding_level")[:1]), "deciding_level"),
        ).prefetch_related("rules").order_by("order", "code")


@_documented("list_rounds", RoundSerializer, examples.ROUND)
class RoundList(ListAPIView):
    serializer_class = RoundSerializer
    queryset = Round.objects.select_related("movement").order_by("opens_on", "code")


@_documented("list_movements", MovementSerializer, examples.MOVEMENT)
class MovementList(ListAPIView):
    serializer_class = MovementSerializer
    queryset = Movement.objects.prefetch_related("criteria").order_by("code")
