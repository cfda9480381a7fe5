"""Reminders before a stage's due date and escalation to the level's decider after it (DOMAIN.md §8).

Idempotent and safe to run concurrently: each (stage, kind) is sent under a row lock on the stage and recorded in
deadlines.StageAlert (unique) and in the audit log exactly once."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from deadlines.calendar import WorkingCalendar
from deadlines.models import StageAlert
from deadlines.policy import days_left
from notifications import services as notification_services
from notifications.models import Kind
from roles.models import Role, RoleAssignment

from .models import Stage


def _holders(stage: Stage, role: str, today: dt.date):
    ids = RoleAssignment.objects.valid_on(today).filter(org_unit_id=stage.org_unit_id, role=role).values("user_id")
    return get_user_model().objects.filter(pk__in=ids, is_active=True)


def _send(stage_pk: int, kind: str, left: int, today: dt.date) -> bool:
    with transaction.atomic():
        stage = (Stage.objects.select_for_update().select_related("nomination", "org_unit")
                 .filter(pk=stage_pk, closed_at__isnull=True).first())
        if stage is None or StageAlert.objects.filter(stage_id=stage_pk, kind=kind).exists():
            return False
        StageAlert.objects.create(stage_id=stage_pk, kind=kind)
        n = stage.nomination
        if kind == StageAlert.REMINDER:
            users = _holders(stage, stage.role, today)
            title = _("Nhắc hạn: hồ sơ %(n)s còn %(d)s ngày làm việc") % {"n": n, "d": left}
            body = _("Hồ sơ “%(n)s” tại %(u)s cần được xử lý trước hạn %(due)s.") % {
                "n": n, "u": stage.org_unit, "due": timezone.localdate(stage.due_at).strftime("%d/%m/%Y")}
            notify_kind = Kind.REMINDER
        else:
            users = _holders(stage, Role.DECIDER, today)
            title = _("Quá hạn: hồ sơ %(n)s quá hạn %(d)s ngày làm việc") % {"n": n, "d": -left}
            body = _("Hồ sơ “%(n)s” tại %(u)s đã quá hạn xử lý %(due)s; đề nghị lãnh đạo chỉ đạo giải quyết.") % {
                "n": n, "u": stage.org_unit, "due": timezone.localdate(stage.due_at).strftime("%d/%m/%Y")}
            notify_kind = Kind.ESCALATION
        users = list(users)
        record(action=f"nomination.{kind}", actor=None, obj=n, org_unit=stage.org_unit,
               from_status=n.status, to_status=n.status,
               data={"stage": stage.pk, "level": stage.level, "step": stage.step, "days_left": left,
                     "recipients": [u.pk for u in users]})
        notification_services.send(users=users, kind=notify_kind, nomination=n, title=title, body=body)
    return True


def run(today: dt.date | None = None) -> dict[str, int]:
    """Send due reminders and escalations; returns how many of each this run sent."""
    today = today or timezone.localdate()
    before = getattr(settings, "DEADLINE_REMIND_DAYS_BEFORE", 3)
    calendar = WorkingCalendar()
    sent = {StageAlert.REMINDER: 0, StageAlert.ESCALATION: 0}
    done = set(StageAlert.objects.values_list("stage_id", "kind"))
    for pk, due in Stage.objects.filter(closed_at__isnull=True, due_at__isnull=False).values_list("pk", "due_at"):
        left = days_left(due, today, calendar)
        if left < 0:
            kind = StageAlert.ESCALATION
        elif left <= before:
            kind = StageAlert.REMINDER
        else:
            continue
        if (pk, kind) not in done:
            sent[kind] += _send(pk, kind, left, today)
    return sent
