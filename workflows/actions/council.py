"""The council's secretary records the vote of the level's Hội đồng Thi đua - Khen thưởng on a nomination at its
open DECIDE stage (DOMAIN.md §5). The number of members is counted from the council's membership (`CouncilMember`
of the stage's unit on the day of the meeting), never typed; the leader who then decides must be someone else
(workflows.council.check_council_vote, at approve)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from nominations.models import Document, DocumentKind, Nomination, Status
from roles.models import Role
from roles.selectors import holds_role_at

from ..council import check_vote_result, council_rule, council_size
from ..errors import Conflict, InvalidTransition
from ..models import CouncilVote, Stage, Step
from ..selectors import stages_of
from .dossier import attach_document
from .review import lock_nomination, security_log


def _whole(value) -> int | None:
    """A whole number given as an int or a string of digits, else None."""
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _count(value, field: str, most: int, message: str) -> int:
    """A whole number from 0 to `most`, else a 400 on `field` (so a count never overflows a column)."""
    number = _whole(value)
    if number is None:
        raise ValidationError({field: _("Hãy nhập số nguyên không âm.")})
    if not 0 <= number <= most:
        raise ValidationError({field: message})
    return number


def _minutes(nomination: Nomination, stage: Stage, minutes) -> Document:
    """The minutes cited: a document of kind bien_ban_hoi_dong of this nomination, attached since the stage opened."""
    pk = _whole(minutes.pk if isinstance(minutes, Document) else minutes)
    found = Document.objects.filter(
        pk=pk, nomination=nomination, kind=DocumentKind.BIEN_BAN_HOI_DONG, uploaded_at__gte=stage.opened_at,
    ).first() if pk is not None and 0 < pk < 2**63 else None
    if found is None:
        raise ValidationError({"minutes": _("Hãy đính kèm biên bản họp Hội đồng và kết quả bỏ phiếu của lần xét "
                                            "này vào hồ sơ và chọn nó.")})
    return found


def _attach_minutes(actor, nomination: Nomination, upload) -> Document:
    try:
        return attach_document(actor=actor, nomination=nomination, kind=DocumentKind.BIEN_BAN_HOI_DONG, upload=upload)
    except ValidationError as exc:
        raise ValidationError({"minutes_file": exc.messages}) from exc


def record_council_vote(
    *, actor, nomination: Nomination | int, stage: Stage | int, present, votes_for, minutes=None,
    meeting_date: datetime.date | None = None, minutes_file=None,
) -> CouncilVote:
    """Record the council's vote at the open DECIDE stage `stage`: `present` and `votes_for` as counted at the
    meeting of `meeting_date` (today when not given), `minutes` the Document (or its id) of the minutes, or
    `minutes_file` an upload of them, attached to the dossier in the same transaction (so the secretary is never
    sent elsewhere to attach them first)."""
    with transaction.atomic():
        nomination = lock_nomination(nomination)
        stages = stages_of(nomination)
        current = next((s for s in stages if s.closed_at is None), None)
        wanted = stage.pk if isinstance(stage, Stage) else stage
        if current is None or wanted is None or str(current.pk) != str(wanted):
            raise Conflict(_("Bước xét duyệt này đã được xử lý hoặc không còn mở; hãy tải lại hồ sơ."))
        if nomination.status != Status.IN_REVIEW:
            raise InvalidTransition(_("Không thể ghi kết quả bỏ phiếu của Hội đồng cho hồ sơ ở trạng thái "
                                      "“%(status)s”.") % {"status": nomination.get_status_display()})
        rule = council_rule(current.level, nomination.award_id, nomination.route_date) \
            if current.step == Step.DECIDE else None
        if rule is None:
            raise Conflict(_("Bước đang mở của hồ sơ không cần Hội đồng Thi đua - Khen thưởng bỏ phiếu."))
        if CouncilVote.objects.filter(stage_id=current.pk).exists():
            raise Conflict(_("Kết quả bỏ phiếu của Hội đồng ở bước này đã được ghi."))
        if not holds_role_at(actor, Role.SECRETARY, current.org_unit):
            security_log.warning("denied action=council_vote user=%s nomination=%s", getattr(actor, "pk", None),
                                 nomination.pk)
            raise PermissionDenied(_("Chỉ Thư ký Hội đồng Thi đua - Khen thưởng của cấp này mới được ghi kết quả "
                                     "bỏ phiếu."))
        if actor.pk in (nomination.created_by_id, nomination.submitted_by_id):
            raise ValidationError(_("Bạn đã lập hoặc trình hồ sơ này nên không được ghi kết quả bỏ phiếu cho nó."))
        now = timezone.now()
        today = timezone.localdate(now)
        opened = timezone.localdate(current.opened_at)
        meeting_date = meeting_date or today
        if not opened <= meeting_date <= today:
            raise ValidationError({"meeting_date": _("Ngày họp Hội đồng phải từ ngày hồ sơ đến bước này "
                                                     "(%(opened)s) đến hôm nay (%(today)s).")
                                   % {"opened": f"{opened:%d/%m/%Y}", "today": f"{today:%d/%m/%Y}"}})
        members = council_size(current.org_unit_id, meeting_date)
        if members == 0:
            raise ValidationError(_("Chưa có danh sách thành viên Hội đồng Thi đua - Khen thưởng của %(unit)s vào "
                                    "ngày %(day)s; quản trị viên cần nhập danh sách trước.")
                                  % {"unit": current.org_unit.name, "day": f"{meeting_date:%d/%m/%Y}"})
        present = _count(present, "present", members,
                         _("Số thành viên có mặt phải từ 0 đến %(members)s (số thành viên Hội đồng ngày %(day)s).")
                         % {"members": members, "day": f"{meeting_date:%d/%m/%Y}"})
        votes_for = _count(votes_for, "votes_for", present,
                           _("Số phiếu tán thành phải từ 0 đến số thành viên có mặt (%(present)s).")
                           % {"present": present})
        document = _minutes(nomination, current, minutes) if minutes_file is None else None
        check_vote_result(rule, members=members, present=present, votes_for=votes_for)
        if document is None:
            document = _attach_minutes(actor, nomination, minutes_file)
        try:
            vote = CouncilVote.objects.create(stage=current, rule=rule, members=members, present=present,
                                              votes_for=votes_for, minutes=document, recorded_by=actor,
                                              recorded_at=now, meeting_date=meeting_date)
        except BaseException:
            if minutes_file is not None:
                document.file.delete(save=False)  # its row is rolled back: leave no orphan file
            raise
        record(
            action="nomination.council_vote", actor=actor, obj=nomination, org_unit=current.org_unit,
            from_status=nomination.status, to_status=nomination.status,
            data={"stage": current.pk, "level": current.level, "step": current.step, "vote": vote.pk,
                  "members": members, "present": present, "votes_for": votes_for, "meeting_date": meeting_date,
                  "minutes": document.pk, "minutes_sha256": document.sha256, "rule": rule.pk,
                  "quorum_percent": rule.quorum_percent, "threshold_percent": rule.threshold_percent,
                  "threshold_base": rule.threshold_base},
        )
    return vote
