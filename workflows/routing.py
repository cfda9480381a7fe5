"""Routing as data: which units and steps a nomination passes, computed from the org tree, the award's
deciding level and the routing profile in force on the nomination's date."""

import datetime
from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from nominations.models import AwardType, Nomination
from nominations.rules import deciding_level_for
from roles import selectors as org
from roles.models import Level, OrgUnit, valid_on_q

from .models import RoutingProfile, Stage

NATIONAL_LEVELS = (Level.CENTRAL_BOARD, Level.GOVERNMENT)


@dataclass(frozen=True)
class Stop:
    """One step of one level on a route."""

    level: int
    unit: int
    code: str
    step: str

    def as_dict(self) -> dict:
        return asdict(self)


def profile_for(chain: list[OrgUnit], day: datetime.date) -> RoutingProfile:
    branch = (
        RoutingProfile.Branch.SECTOR if any(u.level == Level.MINISTRY for u in chain) else RoutingProfile.Branch.LOCAL
    )
    profile = RoutingProfile.objects.filter(valid_on_q(day), branch=branch).order_by("-valid_from").first()
    if profile is None:
        raise ValidationError(_("Không có tuyến trình nào có hiệu lực vào ngày %(day)s.") % {"day": day})
    return profile


def plan_route(*, submitting_unit: OrgUnit, award: AwardType, day: datetime.date) -> list[Stop]:
    """The stops from the first level above the submitting unit up to the level that decides the award.

    The submitting unit itself is a stop only when it decides the award (GK_UNIT).
    """
    chain = [u for u in org.ancestors(submitting_unit) if u.is_valid_on(day)]
    profile = profile_for(chain, day)
    nearest = {}
    for unit in chain:  # top down: the deepest unit of a level wins
        nearest[unit.level] = unit
    deciding = deciding_level_for(award, day)
    stops: list[Stop] = []
    for entry in profile.levels:
        level = entry["level"]
        if level > deciding:
            break
        if level < submitting_unit.level or (level == submitting_unit.level and level != deciding):
            continue
        unit = nearest.get(level)
        if unit is None and level in NATIONAL_LEVELS:
            unit = org.national_unit(level, day)
        if unit is None:
            continue  # the branch has no unit of this level (e.g. a commune directly under its province)
        stops.extend(Stop(level=level, unit=unit.pk, code=unit.code, step=step) for step in entry["steps"])
    if not stops or stops[-1].level != deciding:
        raise ValidationError(
            _("Đơn vị %(unit)s không có tuyến trình lên %(level)s để quyết định %(award)s vào ngày %(day)s.")
            % {"unit": submitting_unit.code, "level": Level(deciding).label, "award": award.code, "day": day}
        )
    return stops


def route_of(nomination: Nomination) -> list[Stop]:
    """The nomination's route: fixed at first submission, planned for today before that."""
    if nomination.route:
        return [Stop(**stop) for stop in nomination.route]
    return plan_route(submitting_unit=nomination.submitting_unit, award=nomination.award, day=nomination.route_date)


def first_position_of_level(route: list[Stop], position: int) -> int:
    level = route[position].level
    return next(i for i, stop in enumerate(route) if stop.level == level)


@dataclass(frozen=True)
class RouteEntry:
    stop: Stop
    state: str  # "done" | "current" | "planned"
    unit_name: str


def route_with_state(nomination: Nomination, open_stage: Stage | None) -> list[RouteEntry]:
    """Each stop of the route with whether it is done, current or still planned."""
    try:
        route = route_of(nomination)
    except ValidationError:
        return []
    names = dict(OrgUnit.objects.filter(pk__in={s.unit for s in route}).values_list("pk", "name"))
    if nomination.status == "awarded":
        current = len(route)
    elif open_stage is not None:
        current = open_stage.position
    elif nomination.status in ("rejected", "withdrawn"):
        last = nomination.stages.order_by("-closed_at", "-pk").first()
        current = last.position + 1 if last else 0
    else:
        current = 0
    entries = []
    for i, stop in enumerate(route):
        state = "done" if i < current else "current" if (i == current and open_stage is not None) else "planned"
        entries.append(RouteEntry(stop=stop, state=state, unit_name=names.get(stop.unit, stop.code)))
    return entries
