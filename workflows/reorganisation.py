"""Reorganisation of units: merge a unit into another (YENBAI into LAOCAI on 2025-07-01) or abolish it with a
successor of the same level. Its child units move under the successor; nominations still open under it follow
with their stages (the open one changes unit, closed ones keep their history); nominees it manages move; the
roles held at it end; then it closes. Every move is an audit event. `dry_run` shows the plan and writes nothing.

Finished nominations stay where they were, readable with their original units, and keep counting for G3
(which follows the nominee, not the unit)."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from nominations.models import Nomination, Nominee, Status
from roles import selectors as org
from roles.models import OrgUnit, RoleAssignment
from roles.services import revoke_role, save_unit

from .models import Stage

OPEN_STATUSES = (Status.DRAFT, Status.IN_REVIEW, Status.RETURNED, Status.ON_HOLD)


@dataclass
class NominationMove:
    nomination: int
    status: str
    submitting_unit: str
    new_submitting_unit: str
    open_stage: int | None  # the open stage that changes unit, if it was at the old unit
    route_stops: int  # how many stops of the fixed route are re-pointed


@dataclass
class ReorganisationPlan:
    unit: str
    successor: str
    day: datetime.date
    children: list[str] = field(default_factory=list)
    nominations: list[NominationMove] = field(default_factory=list)
    nominees: list[int] = field(default_factory=list)
    roles: list[dict] = field(default_factory=list)
    applied: bool = False

    def summary(self) -> dict:
        return {"unit": self.unit, "successor": self.successor, "day": self.day, "children": self.children,
                "nominations": [vars(m) for m in self.nominations], "nominees": self.nominees,
                "roles": self.roles, "applied": self.applied}


def _check(unit: OrgUnit, successor: OrgUnit, day: datetime.date) -> None:
    if successor.pk == unit.pk or successor.path.startswith(unit.path):
        raise ValidationError(_("Đơn vị kế thừa không được là chính đơn vị bị sắp xếp hay đơn vị trực thuộc nó."))
    if successor.level != unit.level:
        raise ValidationError(_("Đơn vị kế thừa phải cùng cấp với đơn vị bị sắp xếp."))
    if not successor.is_valid_on(day):
        raise ValidationError(_("Đơn vị kế thừa %(unit)s không có hiệu lực vào ngày %(day)s.")
                              % {"unit": successor.code, "day": f"{day:%d/%m/%Y}"})
    if unit.successor_id and unit.successor_id != successor.pk:
        raise ValidationError(_("Đơn vị %(unit)s đã được sắp xếp vào %(other)s.")
                              % {"unit": unit.code, "other": unit.successor.code})


def plan_reorganisation(unit: OrgUnit, successor: OrgUnit, day: datetime.date) -> ReorganisationPlan:
    """What a reorganisation would move, without writing anything."""
    _check(unit, successor, day)
    plan = ReorganisationPlan(unit=unit.code, successor=successor.code, day=day)
    plan.children = list(unit.children.order_by("code").values_list("code", flat=True))
    open_here = dict(
        Stage.objects.filter(closed_at__isnull=True, org_unit=unit).values_list("nomination_id", "pk")
    )
    nominations = (
        Nomination.objects.filter(status__in=OPEN_STATUSES, submitting_unit__path__startswith=unit.path)
        .select_related("submitting_unit").order_by("pk")
    )
    for n in nominations:
        moved_unit = successor.code if n.submitting_unit_id == unit.pk else n.submitting_unit.code
        plan.nominations.append(NominationMove(
            nomination=n.pk, status=n.status, submitting_unit=n.submitting_unit.code,
            new_submitting_unit=moved_unit, open_stage=open_here.get(n.pk),
            route_stops=sum(1 for stop in n.route if stop["unit"] == unit.pk),
        ))
    plan.nominees = list(Nominee.objects.filter(unit=unit).order_by("pk").values_list("pk", flat=True))
    plan.roles = [
        {"assignment": a.pk, "user": a.user.get_username(), "role": a.role}
        for a in RoleAssignment.objects.filter(org_unit=unit, revoked_at__isnull=True).select_related("user")
        .order_by("pk")
    ]
    return plan


def reorganise_unit(
    *, actor, unit: OrgUnit | str, successor: OrgUnit | str, day: datetime.date | None = None, dry_run: bool = False,
) -> ReorganisationPlan:
    """Merge `unit` into `successor` (or abolish it with that successor) from `day` (default: today).

    Only an administrator above both units (or a superuser, or the system: actor None) may do it."""
    day = day or timezone.localdate()
    with transaction.atomic():
        unit = OrgUnit.objects.select_for_update().get(code=unit) if isinstance(unit, str) else (
            OrgUnit.objects.select_for_update().get(pk=unit.pk))
        successor = OrgUnit.objects.get(code=successor) if isinstance(successor, str) else successor
        if actor is not None and not actor.is_superuser and not (
            org.administers(actor, unit) and org.administers(actor, successor)
        ):
            raise PermissionDenied(_("Bạn không có quyền quản trị các đơn vị này."))
        plan = plan_reorganisation(unit, successor, day)
        if dry_run:
            return plan
        now = timezone.now()
        for child in unit.children.order_by("code"):
            child.parent = successor  # its subtree follows in the same statement; the event has the paths
            save_unit(actor=actor, unit=child, action="orgunit.move",
                      data={"from_parent": unit.code, "to_parent": successor.code, "reorganisation": unit.code})
        moves = {m.nomination: m for m in plan.nominations}
        for n in Nomination.objects.select_for_update(of=("self",)).filter(pk__in=moves).order_by("pk"):
            move = moves[n.pk]
            if n.submitting_unit_id == unit.pk:
                n.submitting_unit = successor
            n.route = [
                {**stop, "unit": successor.pk, "code": successor.code} if stop["unit"] == unit.pk else stop
                for stop in n.route
            ]
            n.updated_at = now
            n.save(update_fields=["submitting_unit", "route", "updated_at"])
            if move.open_stage is not None:
                Stage.objects.filter(pk=move.open_stage).update(org_unit=successor)
            record(action="nomination.transfer", actor=actor, obj=n, org_unit=successor,
                   from_status=n.status, to_status=n.status,
                   data={"from_unit": unit.code, "to_unit": successor.code, "day": day,
                         "submitting_unit": [move.submitting_unit, move.new_submitting_unit],
                         "open_stage": move.open_stage, "route_stops": move.route_stops})
        if plan.nominees:
            Nominee.objects.filter(pk__in=plan.nominees).update(unit=successor)
            record(action="nominee.transfer", actor=actor, org_unit=successor,
                   data={"nominees": plan.nominees, "from_unit": unit.code, "to_unit": successor.code})
        for assignment in RoleAssignment.objects.filter(org_unit=unit, revoked_at__isnull=True).order_by("pk"):
            revoke_role(actor=actor, assignment=assignment)
        unit.valid_to = min(unit.valid_to or day, day - datetime.timedelta(days=1))
        unit.successor = successor
        unit.save(update_fields=["valid_to", "successor"])
        record(action="orgunit.reorganise", actor=actor, obj=unit, org_unit=unit,
               data={"successor": successor.code, "day": day, "valid_to": unit.valid_to,
                     "children": plan.children, "nominations": sorted(moves), "nominees": plan.nominees,
                     "roles": [r["assignment"] for r in plan.roles]})
        plan.applied = True
    return plan
