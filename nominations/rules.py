"""Eligibility rules of a nomination that need no workflow: each raises a `ValidationError` a person can act on."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from roles.models import Level

from .models import (
    AwardRule,
    AwardType,
    BkTtgPath,
    Criterion,
    DocumentKind,
    Hold,
    Nomination,
    Round,
    Status,
)

# Statuses of nominations that hold or may still win an award (G3 counts nominations in progress).
LIVE_STATUSES = (Status.IN_REVIEW, Status.RETURNED, Status.ON_HOLD, Status.AWARDED)


def criteria_for(nomination: Nomination):
    return Criterion.objects.filter(movement_id=nomination.round.movement_id, group=nomination.nominee.group)


def dossier_gaps(nomination: Nomination) -> tuple[list[str], list[str]]:
    """What the dossier still lacks: the kinds of the award's required documents not attached, and the codes of
    the criteria for the nominee's group not yet answered (met or not, with the evidence)."""
    have = set(nomination.documents.values_list("kind", flat=True))
    missing = [kind for kind in nomination.award.required_documents if kind not in have]
    answers = {a.criterion_id: a for a in nomination.answers.all()}
    unanswered = [
        c.code for c in criteria_for(nomination) if c.pk not in answers or not answers[c.pk].note.strip()
    ]
    return missing, unanswered


def check_dossier_complete(nomination: Nomination) -> None:
    """G7: the award's documents are attached and every criterion for the nominee's group is answered."""
    missing, unanswered = dossier_gaps(nomination)
    problems = []
    if missing:
        labels = ", ".join(str(DocumentKind(k).label) for k in missing)
        problems.append(_("Hồ sơ còn thiếu: %(docs)s.") % {"docs": labels})
    if unanswered:
        problems.append(
            _("Chưa trả lời tiêu chí (đạt hay không, kèm minh chứng): %(codes)s.") % {"codes": ", ".join(unanswered)}
        )
    if problems:
        raise ValidationError(problems)


def check_window(round_: Round, day: datetime.date) -> None:
    """G10: the round accepts nominations on `day`."""
    if not round_.is_open_on(day):
        raise ValidationError(
            _("Đợt %(round)s chỉ nhận hồ sơ từ %(opens)s đến %(closes)s.")
            % {"round": round_.code, "opens": f"{round_.opens_on:%d/%m/%Y}", "closes": f"{round_.closes_on:%d/%m/%Y}"}
        )


def check_no_double_award(nomination: Nomination) -> None:
    """G3: one nominee, one achievement (movement and period), at most one award, nominations in progress included."""
    rnd = nomination.round
    other = (
        Nomination.objects.filter(
            nominee_id=nomination.nominee_id, status__in=LIVE_STATUSES, round__movement_id=rnd.movement_id,
            round__period_start=rnd.period_start, round__period_end=rnd.period_end,
        )
        .exclude(pk=nomination.pk)
        .select_related("award", "round")
        .first()
    )
    if other is not None:
        raise ValidationError(
            _("%(nominee)s đã có hồ sơ #%(id)s (%(award)s, %(status)s) cho cùng thành tích của đợt %(round)s: "
              "không khen thưởng nhiều lần cho một thành tích.")
            % {"nominee": nomination.nominee.name, "id": other.pk, "award": other.award.code,
               "status": other.get_status_display(), "round": other.round.code}
        )


def check_unit_valid(unit, day: datetime.date) -> None:
    """G12: no action on a unit that is no longer (or not yet) valid."""
    if not unit.is_valid_on(day):
        successor = f" {_('Đơn vị kế thừa')}: {unit.successor.code}." if unit.successor_id else ""
        raise ValidationError(
            _("Đơn vị %(unit)s không còn hiệu lực vào ngày %(day)s.") % {"unit": unit.code, "day": f"{day:%d/%m/%Y}"}
            + successor
        )


# --- rules by date (DOMAIN.md §4) -----------------------------------------------------------------------------

def award_rule_on(award: AwardType, day: datetime.date) -> AwardRule | None:
    """The rule in force on `day` for who decides `award`, if the award has rules by date."""
    return AwardRule.objects.valid_on(day).filter(award=award).order_by("-valid_from").first()


def deciding_level_for(award: AwardType, day: datetime.date) -> int:
    """G1 by date: the level that decides `award` for a dossier of `day`."""
    rule = award_rule_on(award, day)
    return rule.deciding_level if rule is not None else award.deciding_level


# --- G4 hold --------------------------------------------------------------------------------------------------

def active_holds(nominee_id: int):
    return Hold.objects.filter(nominee_id=nominee_id, cleared_at__isnull=True)


def check_not_held(nomination: Nomination) -> None:
    """G4: a nominee under discipline, investigation or complaint cannot be forwarded or awarded.

    A nomination read with `held` (whether its nominee has an active hold: the review lock reads it) skips the
    query when it is False."""
    if getattr(nomination, "held", True) is False:
        return
    hold = active_holds(nomination.nominee_id).first()
    if hold is not None:
        raise ValidationError(
            _("%(nominee)s đang bị tạm dừng xét khen thưởng (%(reason)s) từ %(day)s: chưa thể trình hay quyết định.")
            % {"nominee": nomination.nominee.name, "reason": hold.get_reason_display(),
               "day": f"{timezone.localtime(hold.placed_at):%d/%m/%Y}"}
        )


# --- G5 thematic, G6 the paths to a Bằng khen of the Prime Minister -------------------------------------------

BK_TTG = "BK_TTG"
MERIT_PREREQUISITES = ("BK_TINH", "BK_BO")  # a Bằng khen of a ministry or a province


def merit_prerequisites(nomination: Nomination):
    """The nominee's earlier Bằng khen bộ/tỉnh awarded in the system from a non-thematic movement (G5)."""
    return Nomination.objects.filter(
        nominee_id=nomination.nominee_id, status=Status.AWARDED, award__code__in=MERIT_PREREQUISITES,
        round__movement__thematic=False,
    ).exclude(pk=nomination.pk)


def check_bk_ttg_path(nomination: Nomination) -> None:
    """G6 (with G5): the declared path of a BK_TTG nomination is open to it; says which condition fails."""
    if nomination.award.code != BK_TTG:
        return
    path = nomination.path
    if path == BkTtgPath.MOVEMENT:
        if nomination.round.kind not in (Round.Kind.SO_KET, Round.Kind.TONG_KET):
            raise ValidationError(
                _("Diện tiêu biểu trong phong trào chỉ xét ở đợt sơ kết hoặc tổng kết; đợt %(round)s là đợt hằng năm. "
                  "Hãy chọn diện theo công trạng hoặc thành tích đột xuất, hoặc đề nghị ở đợt sơ kết, tổng kết.")
                % {"round": nomination.round.code}
            )
    elif path == BkTtgPath.MERIT:
        if not merit_prerequisites(nomination).exists():
            thematic = Nomination.objects.filter(
                nominee_id=nomination.nominee_id, status=Status.AWARDED, award__code__in=MERIT_PREREQUISITES,
                round__movement__thematic=True,
            ).select_related("award", "round__movement").first()
            message = _("Diện theo công trạng chưa đạt điều kiện: chưa có Bằng khen cấp bộ, ngành, tỉnh "
                        "(không tính khen thưởng theo chuyên đề) trong hệ thống.")
            if thematic is not None:
                message += " " + _(
                    "Bằng khen %(award)s của hồ sơ #%(id)s thuộc phong trào thi đua theo chuyên đề %(movement)s "
                    "nên không được dùng làm căn cứ khen thưởng theo công trạng; hãy xét diện tiêu biểu trong "
                    "phong trào ở đợt sơ kết hoặc tổng kết."
                ) % {"award": thematic.award.code, "id": thematic.pk, "movement": thematic.round.movement.decision
                     or thematic.round.movement.code}
            raise ValidationError({"path": message})
    elif path == BkTtgPath.EXCEPTIONAL:
        if not nomination.documents.filter(kind=DocumentKind.XAC_NHAN).exists():
            raise ValidationError(
                {"path": _("Diện thành tích đột xuất cần văn bản xác nhận thành tích đột xuất của cơ quan có thẩm "
                           "quyền (loại tài liệu “Văn bản xác nhận”).")}
            )


def level_label(level: int) -> str:
    return str(Level(level).label)
