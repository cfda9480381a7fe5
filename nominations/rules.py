"""Eligibility rules of a nomination that need no workflow: each raises a `ValidationError` a person can act on."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from roles.models import Level

from .models import (
    AwardRule,
    AwardType,
    BkTtgPath,
    Criterion,
    DocumentKind,
    DuplicateFlag,
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


def same_achievement(nomination: Nomination):
    """G3's system view: the other nominations, anywhere in the country, that hold or may still win an award for
    the same achievement (movement and period) of the same person: the same record, or the same citizen (kind and
    identity number) recorded by another unit. Never shown as such to a reader (see check_no_double_award)."""
    nominee = nomination.nominee
    person = Q(nominee_id=nominee.pk)
    if nominee.identity_number:
        person |= Q(nominee__kind=nominee.kind, nominee__identity_number=nominee.identity_number)
    same_period = Round.objects.filter(
        pk=nomination.round_id, movement_id=OuterRef("round__movement_id"),
        period_start=OuterRef("round__period_start"), period_end=OuterRef("round__period_end"))
    return (
        Nomination.objects.filter(person, Exists(same_period), status__in=LIVE_STATUSES)
        .exclude(pk=nomination.pk)
        .select_related("award", "round", "submitting_unit")
        .order_by("pk")
    )


def _named(nomination: Nomination, other: Nomination) -> ValidationError:
    return ValidationError(
        _("%(nominee)s đã có hồ sơ #%(id)s (%(award)s, %(status)s) cho cùng thành tích của đợt %(round)s: "
          "không khen thưởng nhiều lần cho một thành tích.")
        % {"nominee": nomination.nominee.name, "id": other.pk, "award": other.award.code,
           "status": other.get_status_display(), "round": other.round.code}
    )


def _within(other: Nomination, scope_path: str) -> bool:
    return other.submitting_unit.path.startswith(scope_path)


def check_no_double_award(nomination: Nomination, scope_path: str) -> list[Nomination]:
    """G3 at a submission, for a proposer whose scope is the subtree at `scope_path`.

    A rival the proposer may read is named in the refusal; one awarded outside their scope refuses without a word
    about it. Rivals outside the scope still in progress are returned, not refused: who submitted first settles
    nothing, the caller puts the pair before the level above both (a DuplicateFlag)."""
    hidden = []
    for other in same_achievement(nomination):
        if _within(other, scope_path):
            raise _named(nomination, other)
        if other.status == Status.AWARDED:
            raise ValidationError(_(
                "Không thể trình: đối tượng này đã được khen thưởng cho cùng thành tích ở một đơn vị khác "
                "(không khen thưởng nhiều lần cho một thành tích)."))
        hidden.append(other)
    return hidden


def check_award_unique(nomination: Nomination, scope_path: str) -> None:
    """G3 again at the final decision: no other nomination of the same achievement may be live beside this one,
    unless the level above both chose this one (a resolved DuplicateFlag keeping it). A rival inside the decider's
    subtree (`scope_path`) is named; one outside is not.

    No lock is needed here: any live rival refuses, so of two decisions at once each sees the other live; and a
    rival submitted meanwhile either sees this one live (and waits at its flag, or is refused in scope) or sees it
    awarded (and is refused)."""
    kept_over = DuplicateFlag.objects.filter(kept_id=nomination.pk).filter(
        Q(first_id=OuterRef("pk")) | Q(second_id=OuterRef("pk")))
    other = same_achievement(nomination).exclude(Exists(kept_over)).first()
    if other is None:
        return
    if _within(other, scope_path):
        raise _named(nomination, other)
    raise ValidationError(_(
        "Đối tượng này có hồ sơ khác cho cùng thành tích ở ngoài phạm vi của cấp này; việc đối chiếu trùng lặp "
        "thuộc cấp trên có thẩm quyền với cả hai hồ sơ. Chưa thể quyết định khen thưởng hồ sơ này."))


def check_decision_date(nomination: Nomination, day: datetime.date | None, today: datetime.date) -> datetime.date:
    """The date of an award decision (today when not given): between the first submission and today."""
    first = timezone.localdate(nomination.submitted_at)
    day = day or today
    if not first <= day <= today:
        raise ValidationError({"decision_date": _(
            "Ngày quyết định phải từ ngày trình hồ sơ lần đầu (%(first)s) đến hôm nay (%(today)s).")
            % {"first": f"{first:%d/%m/%Y}", "today": f"{today:%d/%m/%Y}"}})
    return day


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
