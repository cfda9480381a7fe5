"""A national data set built quickly: 34 provinces with communes and units, users with their roles, nominations
in every status with their stages, and about ten pre-chained audit events per nomination.

Rows are bulk inserted (the ORM's bulk_create for the small tables, executemany / COPY for the big ones), but
into the same tables the real services write: role grants as RoleAssignment rows mirrored into guardian's
OrgUnitUserPermission (as roles.permissions does), events hashed with audit.verify_export.event_hash, so the
real actions, selectors and the verifier work on the result unchanged.
"""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, transaction

from audit.verify_export import GENESIS_HASH, HASHED_FIELDS, event_hash, format_timestamp
from nominations.models import AwardType, Nomination, Nominee, Round, Status
from roles.models import Level, OrgUnit, OrgUnitUserPermission, Role, RoleAssignment
from roles.permissions import _permission_ids, codename
from workflows import routing
from workflows.catalog import load_reference_data
from workflows.models import Outcome, Stage

PROVINCES = 34
UNITS_PER_COMMUNE = 3
EVENTS_PER_NOMINATION = 10
BATCH = 5_000
ROUND = "1315-2026"
PASSWORD = "bench-2026"  # noqa: S105 - throwaway accounts of a throwaway database

EVENT_COLUMNS = (*HASHED_FIELDS, "hash")

# (share of nominations, status, award, open stage position or None, closed stages with their outcome)
PLAN = [
    (10, Status.DRAFT, "GK_XA", None, []),
    (30, Status.IN_REVIEW, "GK_XA", 0, []),
    (10, Status.IN_REVIEW, "GK_XA", 1, [Outcome.APPROVED]),
    (10, Status.IN_REVIEW, "BK_TINH", 2, [Outcome.APPROVED] * 2),
    (5, Status.IN_REVIEW, "BK_TINH", 3, [Outcome.APPROVED] * 3),
    (15, Status.AWARDED, "GK_XA", None, [Outcome.APPROVED] * 2),
    (8, Status.RETURNED, "GK_XA", None, [Outcome.RETURNED]),
    (7, Status.REJECTED, "GK_XA", None, [Outcome.REJECTED]),
    (5, Status.WITHDRAWN, "GK_XA", None, []),
]


@dataclass
class World:
    """What the measurements need to find their actors and their work again."""

    scale: int
    counts: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)


def communes_per_province(scale: int) -> int:
    """About 30 nominations a commune, between 2 and 100 communes a province (3,321 communes nationally)."""
    return max(2, min(100, scale // (PROVINCES * 30)))


class Progress:
    def __init__(self, say: Callable[[str], None]):
        self.say = say

    def done(self, what: str, rows: int, started: float) -> float:
        seconds = time.perf_counter() - started
        self.say(f"  {what}: {rows} rows in {seconds:.1f} s ({rows / max(seconds, 1e-9):,.0f} rows/s)")
        return seconds


def reset_database(say) -> None:
    """An empty schema: the bench database is thrown away and rebuilt (PostgreSQL: its public schema)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0, interactive=False)
    load_reference_data()
    say("  schema migrated, reference data loaded")


def build(scale: int, say: Callable[[str], None] = print) -> World:
    progress = Progress(say)
    world = World(scale)
    started_all = time.perf_counter()
    reset_database(say)
    with transaction.atomic():
        units = _units(scale, progress, world)
        people = _people(units, progress, world)
        _nominations(scale, units, people, progress, world)
    world.seconds["build"] = round(time.perf_counter() - started_all, 1)
    with connection.cursor() as cursor:  # the planner's statistics, as a maintained database has them
        cursor.execute("ANALYZE")
    say(f"  data set built in {world.seconds['build']} s")
    return world


def _units(scale, progress, world) -> dict:
    started = time.perf_counter()
    rows = [
        OrgUnit(code="CP", name="Chính phủ", level=Level.GOVERNMENT, path="/CP/"),
    ]
    OrgUnit.objects.bulk_create(rows)
    top = OrgUnit.objects.get(code="CP")
    board = OrgUnit(code="BTDKTTW", name="Ban Thi đua - Khen thưởng Trung ương", level=Level.CENTRAL_BOARD,
                    parent=top, path="/CP/BTDKTTW/")
    provinces = [
        OrgUnit(code=f"T{p:02d}", name=f"Tỉnh {p:02d}", level=Level.PROVINCE, parent=top, path=f"/CP/T{p:02d}/")
        for p in range(1, PROVINCES + 1)
    ]
    OrgUnit.objects.bulk_create([board, *provinces])
    provinces = list(OrgUnit.objects.filter(level=Level.PROVINCE).order_by("code"))
    per = communes_per_province(scale)
    communes = [
        OrgUnit(code=f"{p.code}-X{c:03d}", name=f"Xã {c:03d} {p.name}", level=Level.COMMUNE, parent=p,
                path=f"{p.path}{p.code}-X{c:03d}/")
        for p in provinces for c in range(1, per + 1)
    ]
    OrgUnit.objects.bulk_create(communes, batch_size=BATCH)
    communes = list(OrgUnit.objects.filter(level=Level.COMMUNE).order_by("pk"))
    leaves = [
        OrgUnit(code=f"{c.code}-D{u}", name=f"Đơn vị {u} {c.name}", level=Level.UNIT, parent=c,
                path=f"{c.path}{c.code}-D{u}/")
        for c in communes for u in range(1, UNITS_PER_COMMUNE + 1)
    ]
    OrgUnit.objects.bulk_create(leaves, batch_size=BATCH)
    leaves = list(OrgUnit.objects.filter(level=Level.UNIT).order_by("pk"))
    total = 2 + len(provinces) + len(communes) + len(leaves)
    world.counts["org_units"] = total
    world.seconds["org_units"] = progress.done("org units", total, started)
    return {"top": top, "provinces": provinces, "communes": communes, "leaves": leaves}


def _people(units, progress, world) -> dict:
    """Per unit a proposer; per commune and province an appraiser and a decider; an inspector per province and
    one national inspector. Grants are RoleAssignment rows plus their guardian mirror."""
    started = time.perf_counter()
    User = get_user_model()
    password = make_password(PASSWORD)
    wanted = [("national_inspector", Role.INSPECTOR, units["top"])]
    for p in units["provinces"]:
        wanted += [(f"{p.code}_appraiser", Role.APPRAISER, p), (f"{p.code}_decider", Role.DECIDER, p),
                   (f"{p.code}_inspector", Role.INSPECTOR, p)]
    for c in units["communes"]:
        wanted += [(f"{c.code}_appraiser", Role.APPRAISER, c), (f"{c.code}_decider", Role.DECIDER, c)]
    for u in units["leaves"]:
        wanted.append((f"{u.code}_proposer", Role.PROPOSER, u))
    User.objects.bulk_create([User(username=name, password=password, first_name=name) for name, _r, _u in wanted],
                             batch_size=BATCH)
    by_name = dict(User.objects.values_list("username", "pk"))
    ids = _permission_ids()
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user_id=by_name[name], org_unit=unit, role=role) for name, role, unit in wanted],
        batch_size=BATCH,
    )
    OrgUnitUserPermission.objects.bulk_create(
        [OrgUnitUserPermission(user_id=by_name[name], permission_id=ids[codename(role)], content_object=unit)
         for name, role, unit in wanted],
        batch_size=BATCH,
    )
    world.counts["users"] = len(wanted)
    world.seconds["users"] = progress.done("users, role assignments and grants", 3 * len(wanted), started)
    return by_name


def _route_template(award: AwardType, leaf: OrgUnit) -> list[routing.Stop]:
    return routing.plan_route(submitting_unit=leaf, award=award, day=datetime.now(UTC).date())


def _nominations(scale, units, people, progress, world) -> None:
    started = time.perf_counter()
    rnd = Round.objects.get(code=ROUND)
    awards = {a.code: a for a in AwardType.objects.filter(code__in={p[2] for p in PLAN})}
    templates = {code: _route_template(award, units["leaves"][0]) for code, award in awards.items()}
    leaves = units["leaves"]
    commune_of = {c.pk: c for c in units["communes"]}
    province_of = {p.pk: p for p in units["provinces"]}
    shares = [share for share, *_rest in PLAN]
    slots = [i for i, share in enumerate(shares) for _ in range(share)]
    now = datetime.now(UTC)
    t0 = now - timedelta(days=60)

    # Nominees, then nominations, in batches; the id order is the creation order.
    nominees = [Nominee(kind="individual", name=f"Người đề nghị {i}", unit=leaves[i % len(leaves)])
                for i in range(scale)]
    Nominee.objects.bulk_create(nominees, batch_size=BATCH)
    nominee_ids = list(Nominee.objects.order_by("pk").values_list("pk", flat=True))
    nominations, specs = [], []
    for i in range(scale):
        leaf = leaves[i % len(leaves)]
        commune = commune_of[leaf.parent_id]
        province = province_of[commune.parent_id]
        _share, status, award, open_at, closed = PLAN[slots[(i * 37) % len(slots)]]
        route = [
            {"level": s.level, "unit": (commune if s.level == Level.COMMUNE else province).pk,
             "code": (commune if s.level == Level.COMMUNE else province).code, "step": s.step}
            for s in templates[award]
        ]
        created = t0 + timedelta(seconds=i * 50 / max(scale, 1) * 3600 / 60)
        submitted = status != Status.DRAFT
        proposer = people[f"{leaf.code}_proposer"]
        nominations.append(Nomination(
            round=rnd, award=awards[award], nominee_id=nominee_ids[i], submitting_unit=leaf,
            achievement="Thành tích tiêu biểu trong phong trào học tập suốt đời.", status=status,
            created_by_id=proposer, created_at=created, updated_at=created + timedelta(hours=1),
            submitted_at=created if submitted else None, submitted_by_id=proposer if submitted else None,
            route=route if submitted and status != Status.WITHDRAWN else [],
            decision_number=f"{i}/QĐ-KT" if status == Status.AWARDED else "",
            decision_date=(created + timedelta(days=1)).date() if status == Status.AWARDED else None,
            decision_signer_id=people[f"{commune.code}_decider"] if status == Status.AWARDED else None,
        ))
        specs.append((status, open_at, closed, route, created, leaf, commune, province, proposer))
    Nomination.objects.bulk_create(nominations, batch_size=BATCH)
    nomination_ids = list(Nomination.objects.order_by("pk").values_list("pk", flat=True))
    world.seconds["nominations"] = progress.done("nominees and nominations", 2 * scale, started)

    started = time.perf_counter()
    stages = []
    for pk, (_status, open_at, closed, route, created, _leaf, commune, province, _p) in zip(
        nomination_ids, specs, strict=True
    ):
        for position, outcome in enumerate(closed):
            stop = route[position]
            unit = commune if stop["level"] == Level.COMMUNE else province
            actor = people[f"{unit.code}_{'appraiser' if stop['step'] == 'appraise' else 'decider'}"]
            stages.append(Stage(nomination_id=pk, position=position, level=stop["level"], org_unit_id=stop["unit"],
                                step=stop["step"], opened_at=created + timedelta(minutes=position),
                                closed_at=created + timedelta(minutes=position + 1), closed_by_id=actor,
                                outcome=outcome))
        if open_at is not None:
            stop = route[open_at]
            stages.append(Stage(nomination_id=pk, position=open_at, level=stop["level"], org_unit_id=stop["unit"],
                                step=stop["step"], opened_at=created + timedelta(minutes=open_at)))
    Stage.objects.bulk_create(stages, batch_size=BATCH)
    world.counts["stages"] = len(stages)
    world.seconds["stages"] = progress.done("stages", len(stages), started)

    started = time.perf_counter()
    events = _write_events(nomination_ids, specs, people, progress)
    world.counts["nominations"] = scale
    world.counts["audit_events"] = events
    world.seconds["audit_events"] = progress.done("audit events (hashed and chained)", events, started)


def _history(pk, spec, people):
    """The events of one nomination's life, about EVENTS_PER_NOMINATION of them."""
    status, open_at, closed, route, created, leaf, commune, province, proposer = spec
    name = f"{leaf.code}_proposer"
    at_leaf = {"org_unit": leaf.code, "org_path": leaf.path}
    yield (created, proposer, name, "nomination.create", at_leaf, "", "draft", {"award": "bench"})
    for step in range(4):
        yield (created, proposer, name, "nomination.update", at_leaf, "draft", "draft", {"edit": step})
    for kind in ("to_trinh", "bao_cao_thanh_tich", "bien_ban_hoi_dong"):
        yield (created, proposer, name, "nomination.attach", at_leaf, "draft", "draft", {"kind": kind})
    if status == Status.DRAFT:
        return
    if status == Status.WITHDRAWN:
        yield (created, proposer, name, "nomination.withdraw", at_leaf, "draft", "withdrawn", {"reason": ""})
        return
    yield (created, proposer, name, "nomination.submit", at_leaf, "draft", "in_review", {"route": route})
    for position, outcome in enumerate(closed):
        stop = route[position]
        unit = commune if stop["level"] == Level.COMMUNE else province
        who = f"{unit.code}_{'appraiser' if stop['step'] == 'appraise' else 'decider'}"
        final = outcome == Outcome.APPROVED and position == len(route) - 1
        to = {Outcome.RETURNED: "returned", Outcome.REJECTED: "rejected"}.get(outcome, "awarded" if final else "in_review")
        action = "award" if final else {"approved": "approve", "returned": "return", "rejected": "reject"}[outcome]
        yield (created, people[who], who, f"nomination.{action}", {"org_unit": unit.code, "org_path": unit.path},
               "in_review", to, {"level": stop["level"], "step": stop["step"]})


def _event_rows(nomination_ids, specs, people):
    """Every event as a tuple in EVENT_COLUMNS order, chained, in seq order."""
    prev, seq = GENESIS_HASH, 0
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for pk, spec in zip(nomination_ids, specs, strict=True):
        for _created, actor, actor_name, action, where, before, after, data in _history(pk, spec, people):
            seq += 1
            event = {
                "seq": seq, "at": format_timestamp(base + timedelta(microseconds=seq * 997)), "actor_id": actor,
                "actor_name": actor_name, "on_behalf_of_id": None, "on_behalf_of_name": "", "action": action,
                "object_type": "nominations.nomination", "object_id": str(pk), **where,
                "from_status": before, "to_status": after, "comment": "", "data": data, "prev_hash": prev,
            }
            event["hash"] = prev = event_hash(event)
            yield event


def _write_events(nomination_ids, specs, people, progress) -> int:
    columns = ", ".join(EVENT_COLUMNS)
    count = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY audit_event ({columns}) FROM STDIN") as copy:
            for event in _event_rows(nomination_ids, specs, people):
                copy.write_row([json.dumps(event["data"], ensure_ascii=False) if c == "data" else event[c]
                                for c in EVENT_COLUMNS])
                count += 1
        return count
    marks = ", ".join(["%s"] * len(EVENT_COLUMNS))
    sql = f"INSERT INTO audit_event ({columns}) VALUES ({marks})"  # noqa: S608 - constants only
    batch = []
    with connection.cursor() as cursor:
        for event in _event_rows(nomination_ids, specs, people):
            at = datetime.fromisoformat(event["at"].replace("Z", "+00:00"))
            batch.append([connection.ops.adapt_datetimefield_value(at) if c == "at" else
                          json.dumps(event["data"], ensure_ascii=False) if c == "data" else event[c]
                          for c in EVENT_COLUMNS])
            if len(batch) == BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
