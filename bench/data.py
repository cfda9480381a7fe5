"""A national data set written by bulk inserts: the country's real tree (roles.country: 34 provinces, 3,321
communes) with units under each commune, people holding
roles (RoleAssignment rows), nominations spread over
every state with their stages, and ~10 pre-chained audit events per nomination (hashed by the verifier's
own `event_hash`, so `audit.chain.verify_chain` accepts the log and `record()` chains on from its head).
"""

import itertools
import json
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from audit.verify_export import GENESIS_HASH, event_hash, format_timestamp
from nominations.models import AwardType, Nomination, Nominee, Round, Status
from nominations.search import nomination_text
from roles.country import country_entries
from roles.models import Level, OrgUnit, Role, RoleAssignment
from workflows.catalog import load_reference_data
from workflows.models import Outcome, Stage, Step

UNITS_PER_COMMUNE = 3
HOME_SHARE = 50  # the last nominations, at the measured commune
EVENTS_PER_NOMINATION = 10
BATCH = 5_000
NOMINATION_TYPE = "nominations.nomination"
# (status, share): the spread of a province's nominations a few weeks before the ceremony.
SPREAD = [(Status.DRAFT, 10), (Status.IN_REVIEW, 50), (Status.RETURNED, 5), (Status.AWARDED, 25),
          (Status.REJECTED, 5), (Status.WITHDRAWN, 5)]
ACTION_OF = {Outcome.APPROVED: "approve", Outcome.REJECTED: "reject", Outcome.RETURNED: "return",
             Outcome.WITHDRAWN: "withdraw"}
AWARDS = [("GK_XA", 60), ("BK_TINH", 35), ("CSTD_CS", 5)]  # commune, province, commune deciding


@dataclass
class World:
    """What the measurements need from the data set: who acts, and on which nominations."""

    scale: int
    units: int = 0
    users: int = 0
    events: int = 0
    commune_reviewer: int = 0
    province_reviewer: int = 0
    national_inspector: int = 0
    province_inspector: int = 0
    proposer: int = 0
    proposer_unit: int = 0
    # (nomination id, open stage id, actor id): open stage is a commune APPRAISE (approve forwards it).
    forward: list = field(default_factory=list)
    # open stage is the last DECIDE of a GK_XA route (approve awards it).
    final: list = field(default_factory=list)
    seconds: float = 0.0
    rows: int = 0


class Progress:
    def __init__(self, say):
        self.say, self.started, self.rows = say, time.perf_counter(), 0

    def add(self, table: str, count: int, elapsed: float):
        self.rows += count
        rate = count / elapsed if elapsed > 0 else float("inf")
        self.say(f"  {table:<28} {count:>10,} rows  {rate:>10,.0f} rows/s")


def _insert(table: str, columns: list[str], rows, progress: Progress, label: str | None = None) -> int:
    """Bulk insert tuples: COPY on PostgreSQL, executemany in BATCH-row transactions on SQLite."""
    started, count = time.perf_counter(), 0
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
    else:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                count += _flush(sql, batch)
        count += _flush(sql, batch)
    progress.add(label or table, count, time.perf_counter() - started)
    return count


def _flush(sql, batch) -> int:
    if not batch:
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, batch)
    count = len(batch)
    batch.clear()
    return count


def _dt(value: datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _next_id(model) -> int:
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def build(scale: int, say=print, seed: int = 7) -> World:
    """Build the data set for `scale` nominations; the database must be migrated (and is assumed empty)."""
    rng = random.Random(seed)
    world = World(scale=scale)
    progress = Progress(say)
    started = time.perf_counter()
    load_reference_data()
    now = datetime.now(UTC).replace(microsecond=0)
    User = get_user_model()

    # --- the tree: the country's (roles.country), 34 provinces and 3,321 communes, units under each commune ---
    unit_rows, next_unit = [], _next_id(OrgUnit)

    def unit(code, name, level, parent, kind="", official_code="", valid_from=None):
        nonlocal next_unit
        pk, next_unit = next_unit, next_unit + 1
        path = (parent[1] if parent else "/") + f"{code}/"
        unit_rows.append((pk, code, name, int(level), parent[0] if parent else None, path, kind, official_code,
                          connection.ops.adapt_datefield_value(valid_from)))
        return pk, path, code

    entries = country_entries()
    government = unit("CP", "Chính phủ", Level.GOVERNMENT, None)
    unit("BTDKTTW", "Ban Thi đua - Khen thưởng Trung ương", Level.CENTRAL_BOARD, government)
    provinces, communes, by_province = [], [], {}
    for entry in entries:
        if entry.level == Level.PROVINCE:
            province = unit(entry.code, entry.name, Level.PROVINCE, government, entry.kind, entry.official_code,
                            entry.valid_from)
            provinces.append(province)
            by_province[entry.key] = province
        elif entry.level == Level.COMMUNE:
            province = by_province[entry.parent]
            commune = unit(entry.code, entry.name, Level.COMMUNE, province, entry.kind, entry.official_code,
                           entry.valid_from)
            communes.append((commune, province))
    # The units under the communes, interleaved across the provinces (the first of each commune of each province,
    # then the second...), so a data set of any size spreads its nominations over the whole country.
    rounds = [[] for _ in range(UNITS_PER_COMMUNE)]
    for commune, province in communes:
        for u in range(1, UNITS_PER_COMMUNE + 1):
            leaf = unit(f"{commune[2]}-D{u}", f"Đơn vị {u} thuộc {commune[2]}", Level.UNIT, commune)
            rounds[u - 1].append((leaf, commune, province))
    per_province = {}
    for batch in rounds:
        for leaf in batch:
            per_province.setdefault(leaf[2][0], []).append(leaf)
    leaves = [leaf for group in itertools.zip_longest(*per_province.values()) for leaf in group if leaf is not None]
    # The measured commune (the first's: its appraiser is the commune reviewer, its first unit's head the proposer)
    # also gets the last nominations, so its inbox is never empty at a small scale; the approvals, taken from the
    # first nominations, leave them for the latency.
    home = [leaf for leaf in leaves if leaf[1] == communes[0][0]]
    world.units = _insert("roles_orgunit", ["id", "code", "name", "level", "parent_id", "path", "kind",
                                            "official_code", "valid_from"], unit_rows, progress)

    # --- people and their roles (RoleAssignment) ---------------------------------------------------
    user_rows, grants, next_user = [], [], _next_id(User)
    joined = _dt(now)

    def person(username, role, unit_pk):
        nonlocal next_user
        pk, next_user = next_user, next_user + 1
        user_rows.append((pk, "!bench", False, username, "", "", "", False, True, joined))
        grants.append((pk, unit_pk, role))
        return pk

    world.national_inspector = person("bench-national-inspector", Role.INSPECTOR, government[0])
    appraiser, decider, proposer, inspector = {}, {}, {}, {}
    for province in provinces:
        appraiser[province[0]] = person(f"bench-{province[2]}-appraiser", Role.APPRAISER, province[0])
        decider[province[0]] = person(f"bench-{province[2]}-decider", Role.DECIDER, province[0])
        inspector[province[0]] = person(f"bench-{province[2]}-inspector", Role.INSPECTOR, province[0])
    for commune, _province in communes:
        appraiser[commune[0]] = person(f"bench-{commune[2]}-appraiser", Role.APPRAISER, commune[0])
        decider[commune[0]] = person(f"bench-{commune[2]}-decider", Role.DECIDER, commune[0])
    for leaf, _commune, _province in leaves:
        proposer[leaf[0]] = person(f"bench-{leaf[2]}-head", Role.PROPOSER, leaf[0])
    world.users = _insert(
        "auth_user", ["id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
                      "is_active", "date_joined"], user_rows, progress)
    world.commune_reviewer = appraiser[communes[0][0][0]]
    world.province_reviewer = appraiser[provinces[0][0]]
    # The fifth province's: its nominations are old ones, which made walking the date index the slowest there
    # before the scope was collected first.
    world.province_inspector = inspector[provinces[min(4, len(provinces) - 1)][0]]
    world.proposer, world.proposer_unit = proposer[leaves[0][0][0]], leaves[0][0][0]
    granted = _dt(now)
    next_ra = _next_id(RoleAssignment)
    _insert("roles_roleassignment", ["id", "user_id", "org_unit_id", "role", "granted_at"],
            ((next_ra + i, u, o, str(r), granted) for i, (u, o, r) in enumerate(grants)), progress)

    # --- nominees, nominations, stages, events -----------------------------------------------------
    rnd = Round.objects.get(code="1315-2026")
    awards = {a.code: a for a in AwardType.objects.filter(code__in=[c for c, _ in AWARDS])}
    home_share = min(HOME_SHARE, scale // 4)
    statuses = rng.choices([s for s, _ in SPREAD], [w for _, w in SPREAD], k=scale)
    award_codes = rng.choices([c for c, _ in AWARDS], [w for _, w in AWARDS], k=scale)
    first_nominee, first_nomination, first_stage = _next_id(Nominee), _next_id(Nomination), _next_id(Stage)
    nominees, nominations, stages, events = [], [], [], []
    stage_pk = first_stage
    base = now - timedelta(days=60)
    for i in range(scale):
        leaf, commune, province = leaves[i % len(leaves)] if i < scale - home_share else home[i % len(home)]
        award = awards[award_codes[i]]
        status = statuses[i]
        nominee_pk, pk = first_nominee + i, first_nomination + i
        head = proposer[leaf[0]]
        route = [(Level.COMMUNE, commune, Step.APPRAISE), (Level.COMMUNE, commune, Step.DECIDE)]
        if award.deciding_level == Level.PROVINCE:
            route += [(Level.PROVINCE, province, Step.APPRAISE), (Level.PROVINCE, province, Step.DECIDE)]
        created = base + timedelta(seconds=i * 40)
        nominees.append((nominee_pk, "individual", f"Người được đề nghị {i}", "", leaf[0]))
        history = []  # (action, actor, unit, from, to, data)
        submitted = status not in (Status.DRAFT,) and not (status == Status.WITHDRAWN and i % 2)
        # stages: closed ones then perhaps the open one
        closed, open_at, last_outcome = 0, None, Outcome.APPROVED
        if status == Status.IN_REVIEW:
            open_at = 0 if rng.random() < 0.5 else rng.randrange(len(route))
            closed = open_at
        elif status == Status.AWARDED:
            closed = len(route)
        elif status == Status.REJECTED:
            closed, last_outcome = rng.randrange(len(route)) + 1, Outcome.REJECTED
        elif status == Status.RETURNED:
            closed, last_outcome = 1, Outcome.RETURNED
        elif status == Status.WITHDRAWN and submitted:
            closed, last_outcome = 1, Outcome.WITHDRAWN
        moment = created
        route_json = [{"level": int(level), "unit": u[0], "code": u[2], "step": str(step)} for level, u, step in route]
        for position in range(closed + (1 if open_at is not None else 0)):
            level, u, step = route[position]
            opened = moment = moment + timedelta(hours=1)
            is_open = position == open_at
            outcome = "" if is_open else (last_outcome if position == closed - 1 else Outcome.APPROVED)
            actor = (appraiser if step == Step.APPRAISE else decider)[u[0]]
            if outcome == Outcome.WITHDRAWN:
                actor = head
            if is_open:
                if position == 0:
                    world.forward.append((pk, stage_pk, actor))
                elif position == len(route) - 1 and award.code == "GK_XA":
                    world.final.append((pk, stage_pk, actor))
            else:
                moment = moment + timedelta(hours=2)
            stages.append((stage_pk, pk, position, int(level), u[0], str(step), _dt(opened), _dt(opened + timedelta(
                days=10)), None if is_open else _dt(moment), None if is_open else actor, str(outcome), ""))
            stage_pk += 1
            if not is_open:
                to = {Outcome.APPROVED: Status.AWARDED if position == len(route) - 1 else Status.IN_REVIEW,
                      Outcome.REJECTED: Status.REJECTED, Outcome.RETURNED: Status.RETURNED,
                      Outcome.WITHDRAWN: Status.WITHDRAWN}[outcome]
                action = ACTION_OF[outcome] if to != Status.AWARDED else "award"
                history.append((action, actor, u, Status.IN_REVIEW, to, {"level": int(level), "step": str(step),
                                                                         "stage": stage_pk - 1}))
        if status == Status.WITHDRAWN and not submitted:
            history.append(("withdraw", head, leaf, Status.DRAFT, Status.WITHDRAWN, {"reason": "Đề nghị ở đợt sau."}))
        decided = status == Status.AWARDED
        nominations.append((
            pk, rnd.pk, award.pk, nominee_pk, leaf[0], f"Thành tích tiêu biểu số {i} trong phong trào.", "", "movement",
            str(status), head, _dt(created), _dt(moment), _dt(created + timedelta(minutes=30)) if submitted else None,
            head if submitted else None, json.dumps(route_json if submitted else []),
            f"{pk}/2026/QĐ" if decided else "", moment.date() if decided else None,
            decider[route[-1][1][0]] if decided else None,
            nomination_text(f"Người được đề nghị {i}", f"Thành tích tiêu biểu số {i} trong phong trào."),
        ))
        opening = [("create", head, leaf, "", Status.DRAFT, {"round": rnd.code, "award": award.code})]
        if submitted:
            history.insert(0, ("submit", head, leaf, Status.DRAFT, Status.IN_REVIEW, {"route": route_json}))
        padding = max(0, EVENTS_PER_NOMINATION - len(opening) - len(history))
        opening += [("update", head, leaf, Status.DRAFT, Status.DRAFT, {"fields": ["achievement"]})] * padding
        events.append((pk, created, opening + history))

    _insert("nominations_nominee", ["id", "kind", "name", "identity_number", "unit_id"], nominees, progress)
    _insert("nominations_nomination", [
        "id", "round_id", "award_id", "nominee_id", "submitting_unit_id", "achievement", "nominee_details", "path",
        "status",
        "created_by_id", "created_at", "updated_at", "submitted_at", "submitted_by_id", "route", "decision_number",
        "decision_date", "decision_signer_id", "search_text"], nominations, progress)
    _insert("workflows_stage", ["id", "nomination_id", "position", "level", "org_unit_id", "step", "opened_at",
                                "due_at", "closed_at", "closed_by_id", "outcome", "comment"], stages, progress)
    usernames = dict(User.objects.values_list("pk", "username"))
    world.events = _insert_events(events, usernames, progress)
    _reset_sequences()
    with connection.cursor() as cursor:
        # PostgreSQL: VACUUM as well, which sets the rows' hint bits and the visibility map, as autovacuum has long
        # done in a database in service; otherwise the first statements to touch each freshly loaded page pay for it.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    world.seconds = time.perf_counter() - started
    world.rows = progress.rows
    return world


EVENT_COLUMNS = ["seq", "at", "actor_id", "actor_name", "on_behalf_of_id", "on_behalf_of_name", "action",
                 "object_type", "object_id", "org_unit", "org_path", "from_status", "to_status", "comment", "data",
                 "prev_hash", "hash"]


def _insert_events(per_nomination, usernames, progress) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")
        head = cursor.fetchone()
    seq, prev = head if head else (0, GENESIS_HASH)

    def rows():
        nonlocal seq, prev
        for pk, created, history in per_nomination:
            at = created
            for action, actor, unit, before, after, data in history:
                seq += 1
                at = at + timedelta(minutes=7, microseconds=seq % 1_000_000)
                event = {
                    "seq": seq, "at": format_timestamp(at), "actor_id": actor, "actor_name": usernames[actor],
                    "on_behalf_of_id": None, "on_behalf_of_name": "", "action": f"nomination.{action}",
                    "object_type": NOMINATION_TYPE, "object_id": str(pk), "org_unit": unit[2], "org_path": unit[1],
                    "from_status": str(before), "to_status": str(after), "comment": "", "data": data,
                    "prev_hash": prev,
                }
                event["data"] = json.loads(json.dumps(data))  # plain str/int, as read back
                prev = event["hash"] = event_hash(event)
                yield (seq, _dt(at), actor, event["actor_name"], None, "", event["action"], NOMINATION_TYPE,
                       event["object_id"], unit[2], unit[1], event["from_status"], event["to_status"], "",
                       json.dumps(event["data"], ensure_ascii=False), event["prev_hash"], event["hash"])

    return _insert("audit_event", EVENT_COLUMNS, rows(), progress)


def _reset_sequences():
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    models = [OrgUnit, get_user_model(), RoleAssignment, Nominee, Nomination, Stage]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
