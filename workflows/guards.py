"""Guards that need the workflow's own records (stages, the audit trail): separation of duties and deciding
authority."""

from django.core.exceptions import ValidationError
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from audit.models import Event
from nominations.models import Nomination
from nominations.rules import deciding_level_for

from .lifecycle import EDITABLE
from .models import Stage
from .routing import Stop

NOMINATION_TYPE = "nominations.nomination"
# The proposer's part in a nomination, as the audit trail records it: creating, editing, submitting, resubmitting
# it, and adding a document while it was the proposer's to edit (a reviewer's minutes during review are not).
PROPOSER_ACTIONS = ("nomination.create", "nomination.update", "nomination.submit", "nomination.resubmit")


def proposer_events(nomination_id, user):
    """The events in which `user` took a proposer's part in the nomination; `nomination_id` may be an OuterRef."""
    object_id = nomination_id if isinstance(nomination_id, str) else Cast(nomination_id, CharField(max_length=64))
    return Event.objects.filter(object_type=NOMINATION_TYPE, object_id=object_id, actor=user).filter(
        Q(action__in=PROPOSER_ACTIONS) | Q(action="nomination.document_add", from_status__in=EDITABLE))


def took_proposer_part(actor, nomination: Nomination) -> bool:
    """Read from the audit trail, or from what the review lock read with the nomination (`proposed_by`)."""
    if actor.pk in (nomination.created_by_id, nomination.submitted_by_id):
        return True
    known = getattr(nomination, "proposed_by", {})
    if actor.pk in known:
        return known[actor.pk]
    return proposer_events(str(nomination.pk), actor).exists()


def check_separation_of_duties(actor, nomination: Nomination, stage: Stage, stages: list[Stage]) -> None:
    """Whoever took a proposer's part (created, edited, added a document to, submitted or resubmitted it) never
    reviews the nomination; no one acts at two levels, or at two steps of one level (DOMAIN.md §5).

    `stages`: every stage of the nomination (`selectors.stages_of`), read once by the caller."""
    if took_proposer_part(actor, nomination):
        raise ValidationError(_("Bạn đã lập, sửa hoặc trình hồ sơ này nên không được thẩm định hay quyết định nó."))
    if any(s.closed_by_id == actor.pk and (s.level, s.step) != (stage.level, stage.step) for s in stages):
        raise ValidationError(
            _("Bạn đã xử lý hồ sơ này ở một bước khác; mỗi người chỉ tham gia một bước của một hồ sơ.")
        )


def check_deciding_authority(nomination: Nomination, stop: Stop) -> None:
    """G1: only the level that decides the award (on the nomination's date) may award it."""
    if stop.level != deciding_level_for(nomination.award, nomination.route_date) or stop.step != "decide":
        raise ValidationError(_("Cấp này không có thẩm quyền quyết định hình thức khen thưởng này."))
