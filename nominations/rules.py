"""Eligibility rules of a nomination that need no workflow: each raises a `ValidationError` a person can act on."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Criterion, DocumentKind, Nomination, Round, Status

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
