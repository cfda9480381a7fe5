"""Reminders before each of a stage's clocks runs out, and escalation to the level's leader after it (DOMAIN.md §8).

A stage carries its own due date and may carry other clocks (deadlines.policy.extra_clocks: the central board's 5
working days to return an ineligible dossier beside its 20 to appraise); each clock has its own reminder and its own
escalation. Idempotent and safe to run concurrently: each (stage, clock, kind) is sent under a row lock on the stage
and recorded in deadlines.StageAlert (unique) and in the audit log exactly once."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from deadlines.calendar import WorkingCalendar
from deadlines.models import StageAlert
from deadlines.policy import RETURN_INELIGIBLE, days_left, due_after, extra_clocks
from notifications import services as notification_services
from notifications.models import Kind
from roles.models import Role, RoleAssignment

from .models import Stage

MAIN = ""  # the stage's own due date (Stage.due_at)


def _holders(stage: Stage, role: str, today: dt.date):
    ids = RoleAssignment.objects.valid_on(today).filter(org_unit_id=stage.org_unit_id, role=role).values("user_id")
    return get_user_model().objects.filter(pk__in=ids, is_active=True)


def escalation_recipients(stage: Stage, today: dt.date) -> tuple[list, str]:
    """Who an overdue stage is escalated to, and where: the level's deciders; with none, the leader of the next
    level up the route, then of the units above in the org tree; with none anywhere, the administrators. Never no
    one. Two queries."""
    units = [stage.org_unit_id] + [stop["unit"] for stop in (stage.nomination.route or [])[stage.position + 1:]
                                   if stop["level"] != stage.level]
    above = stage.org_unit.path.strip("/").split("/")[-2::-1]  # the units above, nearest first
    deciders = RoleAssignment.objects.valid_on(today).filter(role=Role.DECIDER, user__is_active=True)
    rows = deciders.filter(Q(org_unit_id__in=units) | Q(org_unit__code__in=above)).values_list(
        "org_unit_id", "org_unit__code", "org_unit__name", "user_id", "user__email")
    found: dict[int, tuple[str, list]] = {}
    ids_by_code = {}
    for unit_id, code, name, pk, email in rows:
        found.setdefault(unit_id, (name, []))[1].append(notification_services.Recipient(pk, email))
        ids_by_code[code] = unit_id
    for unit_id in [*units, *(ids_by_code.get(code) for code in above)]:
        if unit_id in found:
            name, users = found[unit_id]
            return users, name
    admins = get_user_model().objects.filter(is_superuser=True, is_active=True).values_list("pk", "email")
    return [notification_services.Recipient(*row) for row in admins], _("quản trị hệ thống")


def _send(stage_pk: int, clock: str, kind: str, left: int, due: dt.datetime, today: dt.date) -> bool:
    with transaction.atomic():
        stage = (Stage.objects.select_for_update(of=("self",))
                 .select_related("nomination__award", "nomination__nominee", "org_unit")
                 .filter(pk=stage_pk, closed_at__isnull=True).first())
        if stage is None or StageAlert.objects.filter(stage_id=stage_pk, clock=clock, kind=kind).exists():
            return False
        StageAlert.objects.create(stage_id=stage_pk, clock=clock, kind=kind)
        n = stage.nomination
        values = {"n": notification_services.label(n), "u": stage.org_unit.name,
                  "due": timezone.localdate(due).strftime("%d/%m/%Y"), "d": abs(left)}
        data = {}
        if kind == StageAlert.REMINDER:
            users = list(_holders(stage, stage.role, today))
            notify_kind = Kind.REMINDER
            if clock == RETURN_INELIGIBLE:
                title = _("Nhắc hạn: còn %(d)s ngày làm việc để trả lại hồ sơ %(n)s nếu không đủ điều kiện") % values
                body = _("Hồ sơ “%(n)s” tại %(u)s: nếu hồ sơ không đủ điều kiện, cần trả lại trước hạn %(due)s.") % values
            else:
                title = _("Nhắc hạn: hồ sơ %(n)s còn %(d)s ngày làm việc") % values
                body = _("Hồ sơ “%(n)s” tại %(u)s cần được xử lý trước hạn %(due)s.") % values
        else:
            users, values["to"] = escalation_recipients(stage, today)
            data["escalated_to"] = values["to"]
            notify_kind = Kind.ESCALATION
            if clock == RETURN_INELIGIBLE:
                title = _("Quá hạn: hồ sơ %(n)s quá hạn trả lại hồ sơ không đủ điều kiện") % values
                body = _("Hồ sơ “%(n)s” tại %(u)s đã quá hạn %(due)s để trả lại nếu không đủ điều kiện; "
                         "đề nghị lãnh đạo chỉ đạo giải quyết.") % values
            else:
                title = _("Quá hạn: hồ sơ %(n)s quá hạn %(d)s ngày làm việc") % values
                body = _("Hồ sơ “%(n)s” tại %(u)s đã quá hạn xử lý %(due)s; đề nghị lãnh đạo chỉ đạo giải quyết.") % values
        record(action=f"nomination.{kind}", actor=None, obj=n, org_unit=stage.org_unit,
               from_status=n.status, to_status=n.status,
               data={"stage": stage.pk, "level": stage.level, "step": stage.step, "clock": clock or "due",
                     "days_left": left, "recipients": [u.pk for u in users], **data})
        notification_services.send(users=users, kind=notify_kind, nomination=n, title=title, body=body)
    return True


def run(today: dt.date | None = None) -> dict[str, int]:
    """Send the due reminders and escalations of every clock of every open stage; returns how many of each this
    run sent."""
    today = today or timezone.localdate()
    before = getattr(settings, "DEADLINE_REMIND_DAYS_BEFORE", 3)
    calendar = WorkingCalendar()
    sent = {StageAlert.REMINDER: 0, StageAlert.ESCALATION: 0}
    done = set(StageAlert.objects.values_list("stage_id", "clock", "kind"))
    stages = Stage.objects.filter(closed_at__isnull=True, due_at__isnull=False)
    for pk, due, opened, level, step in stages.values_list("pk", "due_at", "opened_at", "level", "step"):
        clocks = [(MAIN, due)] + [(name, due_after(opened, days, calendar))
                                  for name, days in extra_clocks(level, step).items()]
        for clock, clock_due in clocks:
            left = days_left(clock_due, today, calendar)
            if left < 0:
                kind = StageAlert.ESCALATION
            elif left <= before:
                kind = StageAlert.REMINDER
            else:
                continue
            if (pk, clock, kind) not in done:
                sent[kind] += _send(pk, clock, kind, left, clock_due, today)
    return sent
