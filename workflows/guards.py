"""Guards that need the workflow's own records (stages): separation of duties and deciding authority."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from nominations.models import Nomination
from nominations.rules import deciding_level_for

from .models import Stage
from .routing import Stop


def check_separation_of_duties(actor, nomination: Nomination, stage: Stage, stages: list[Stage]) -> None:
    """The proposer never reviews their own nomination; no one acts at two levels, or at two steps of one level.

    `stages`: every stage of the nomination (`selectors.stages_of`), read once by the caller."""
    if actor.pk in (nomination.created_by_id, nomination.submitted_by_id):
        raise ValidationError(_("Bạn đã lập hoặc trình hồ sơ này nên không được thẩm định hay quyết định nó."))
    if any(s.closed_by_id == actor.pk and (s.level, s.step) != (stage.level, stage.step) for s in stages):
        raise ValidationError(
            _("Bạn đã xử lý hồ sơ này ở một bước khác; mỗi người chỉ tham gia một bước của một hồ sơ.")
        )


def check_deciding_authority(nomination: Nomination, stop: Stop) -> None:
    """G1: only the level that decides the award (on the nomination's date) may award it."""
    if stop.level != deciding_level_for(nomination.award, nomination.route_date) or stop.step != "decide":
        raise ValidationError(_("Cấp này không có thẩm quyền quyết định hình thức khen thưởng này."))
