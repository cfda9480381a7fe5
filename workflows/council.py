"""Council votes at a level's DECIDE step, where a `CouncilRule` in force asks for one (DOMAIN.md §5).

The council is data (`CouncilMember`, per unit and by date); its secretary records the vote
(actions.record_council_vote) and the leader who then decides must be someone else (`check_council_vote`)."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils.translation import gettext as _

from nominations.models import Nomination
from roles.models import Level, valid_on_q

from .models import CouncilMember, CouncilRule, CouncilVote, Stage, Step
from .routing import route_of


def council_rule(level: int, award_id: int, day: datetime.date) -> CouncilRule | None:
    """The rule in force on `day` for the level's council; a rule for the award wins over one for every award."""
    rules = CouncilRule.objects.filter(valid_on_q(day), Q(award_id=award_id) | Q(award__isnull=True), level=level)
    return rules.order_by(F("award_id").asc(nulls_last=True), F("valid_from").desc(nulls_last=True)).first()


def council_rules_for_route(nomination: Nomination) -> list[dict]:
    try:
        route = route_of(nomination)
    except ValidationError:
        return []
    out = []
    for level in sorted({s.level for s in route if s.step == Step.DECIDE}):
        rule = council_rule(level, nomination.award_id, nomination.route_date)
        if rule is not None:
            out.append({"level": level, "label": str(Level(level).label), "quorum_percent": rule.quorum_percent,
                        "threshold_percent": rule.threshold_percent, "threshold_base": rule.threshold_base})
    return out


def council_members(org_unit_id: int, day: datetime.date):
    """The seats of the unit's council on `day` (chair, vice chairs, members and the secretary)."""
    return CouncilMember.objects.filter(valid_on_q(day), org_unit_id=org_unit_id)


def council_size(org_unit_id: int, day: datetime.date) -> int:
    """How many members of the unit's council vote on `day`: counted from the data, never typed."""
    return council_members(org_unit_id, day).filter(position__in=CouncilMember.VOTING).count()


def check_vote_result(rule: CouncilRule, *, members: int, present: int, votes_for: int) -> None:
    """The vote reaches the rule's quorum (of all members) and threshold (of all members or of those present)."""
    if present * 100 < rule.quorum_percent * members:
        raise ValidationError({"present": _("Hội đồng không đủ số thành viên dự họp: %(present)s/%(members)s, cần "
                                            "tối thiểu %(quorum)s%%.")
                               % {"present": present, "members": members, "quorum": rule.quorum_percent}})
    base = members if rule.threshold_base == CouncilRule.Base.MEMBERS else present
    if votes_for * 100 < rule.threshold_percent * base:
        raise ValidationError({"votes_for": _("Số phiếu tán thành %(votes)s/%(base)s (%(of)s) chưa đạt "
                                              "%(threshold)s%%: không thể trình hay quyết định khen thưởng.")
                               % {"votes": votes_for, "base": base, "of": rule.get_threshold_base_display().lower(),
                                  "threshold": rule.threshold_percent}})


def check_council_vote(*, actor, nomination: Nomination, stage: Stage) -> CouncilVote | None:
    """Where the level's council must vote before `actor` decides or forwards at this DECIDE stage: the vote the
    council's secretary recorded for this very stage (actions.record_council_vote), which reached quorum and
    threshold, recorded by someone other than `actor`. None where no vote is needed."""
    if stage.step != Step.DECIDE:
        return None
    rule = council_rule(stage.level, nomination.award_id, nomination.route_date)
    if rule is None:
        return None
    vote = CouncilVote.objects.filter(stage_id=stage.pk).first()
    if vote is None:
        raise ValidationError({"vote": _("Cấp này cần kết quả bỏ phiếu của Hội đồng Thi đua - Khen thưởng: Thư ký "
                                         "Hội đồng phải ghi kết quả bỏ phiếu và biên bản họp trước khi lãnh đạo "
                                         "quyết định.")})
    if vote.recorded_by_id == actor.pk:
        raise ValidationError({"vote": _("Bạn đã ghi kết quả bỏ phiếu của Hội đồng ở bước này nên không được tự "
                                         "quyết định: người quyết định phải là người khác.")})
    check_vote_result(rule, members=vote.members, present=vote.present, votes_for=vote.votes_for)
    return vote
