"""Council votes at a level's DECIDE step, where a `CouncilRule` in force asks for one (DOMAIN.md §5)."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils.translation import gettext as _

from nominations.models import Document, DocumentKind, Nomination
from roles.models import Level, valid_on_q

from .models import CouncilRule, CouncilVote, Stage, Step


def council_rule(level: int, award_id: int, day: datetime.date) -> CouncilRule | None:
    """The rule in force on `day` for the level's council; a rule for the award wins over one for every award."""
    rules = CouncilRule.objects.filter(valid_on_q(day), Q(award_id=award_id) | Q(award__isnull=True), level=level)
    return rules.order_by(F("award_id").asc(nulls_last=True), F("valid_from").desc(nulls_last=True)).first()


def council_rules_for_route(nomination: Nomination) -> list[dict]:
    from .routing import route_of

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


def _count(vote: dict, key: str) -> int:
    try:
        value = int(vote.get(key))
    except (TypeError, ValueError):
        raise ValidationError({key: _("Hãy nhập số nguyên không âm.")}) from None
    if value < 0:
        raise ValidationError({key: _("Hãy nhập số nguyên không âm.")})
    return value


def check_council_vote(*, actor, nomination: Nomination, stage: Stage, vote: dict | None) -> CouncilVote | None:
    """Where the level's council must vote: the vote reaches quorum and threshold and its minutes are attached.

    `vote` is {"members", "present", "votes_for", "minutes": <Document id of kind bien_ban_hoi_dong>}. Records
    the vote (the caller's transaction rolls it back if a later step fails)."""
    if stage.step != Step.DECIDE:
        return None
    rule = council_rule(stage.level, nomination.award_id, nomination.route_date)
    if rule is None:
        return None
    if not vote:
        raise ValidationError({"vote": _("Cấp này cần kết quả bỏ phiếu của Hội đồng Thi đua - Khen thưởng "
                                         "(số thành viên, số có mặt, số phiếu tán thành) và biên bản họp.")})
    members, present, votes_for = _count(vote, "members"), _count(vote, "present"), _count(vote, "votes_for")
    if members == 0 or present > members or votes_for > present:
        raise ValidationError({"vote": _("Số liệu bỏ phiếu không hợp lệ: phiếu tán thành ≤ số có mặt ≤ số thành "
                                         "viên, và Hội đồng phải có thành viên.")})
    minutes = Document.objects.filter(
        pk=vote.get("minutes") or 0, nomination=nomination, kind=DocumentKind.BIEN_BAN_HOI_DONG,
        uploaded_at__gte=stage.opened_at,
    ).first() if str(vote.get("minutes") or "").isdigit() else None
    if minutes is None:
        raise ValidationError({"minutes": _("Hãy đính kèm biên bản họp Hội đồng và kết quả bỏ phiếu của lần xét "
                                            "này vào hồ sơ và chọn nó.")})
    if present * 100 < rule.quorum_percent * members:
        raise ValidationError({"vote": _("Hội đồng không đủ số thành viên dự họp: %(present)s/%(members)s, cần "
                                         "tối thiểu %(quorum)s%%.")
                               % {"present": present, "members": members, "quorum": rule.quorum_percent}})
    base = members if rule.threshold_base == CouncilRule.Base.MEMBERS else present
    if votes_for * 100 < rule.threshold_percent * base:
        raise ValidationError({"vote": _("Số phiếu tán thành %(votes)s/%(base)s (%(of)s) chưa đạt %(threshold)s%%: "
                                         "không thể trình hay quyết định khen thưởng.")
                               % {"votes": votes_for, "base": base, "of": rule.get_threshold_base_display().lower(),
                                  "threshold": rule.threshold_percent}})
    return CouncilVote.objects.create(stage=stage, rule=rule, members=members, present=present,
                                      votes_for=votes_for, minutes=minutes, recorded_by=actor)
