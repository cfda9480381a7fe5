"""The country as the top of the organisation tree: the government, the central board and the ministries and
ministerial-level agencies (roles/data/central.json, kept with the project), and the 34 provinces with their
3,321 communes after the reform of 2025-07-01 (the `vietnam-provinces` package: the Statistics Office's list,
with official codes, names and kinds).

`plan_country` compares that list with the tree; `load_country` applies the plan. A unit of the list is matched
with a unit of the tree by its official code (a province or a commune) or by its code (a central body), so units
typed before (the demo's LAOCAI is Lào Cai, "15") are not duplicated. What is missing is added, in bulk, with one
"orgunit.add" event each; a kind left blank is filled ("orgunit.change"); any other field that differs (a name an
administrator changed, another parent) is reported and left as it is. A second run finds nothing to do.
"""

import datetime
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import vietnam_provinces
from django.db import transaction
from django.db.models import Q
from vietnam_provinces import Province, VietNamDivisionType, Ward

from .models import Kind, Level, OrgUnit
from .services import add_units, save_unit

REFORM_DAY = datetime.date(2025, 7, 1)  # the two-level local government (Resolution 202/2025/QH15)
CENTRAL_FILE = Path(__file__).parent / "data" / "central.json"
SOURCE = f"vietnam-provinces {vietnam_provinces.__version__} ({vietnam_provinces.__data_version__})"
KIND_OF = {
    VietNamDivisionType.TINH: Kind.PROVINCE, VietNamDivisionType.THANH_PHO_TRUNG_UONG: Kind.CITY,
    VietNamDivisionType.XA: Kind.COMMUNE, VietNamDivisionType.PHUONG: Kind.WARD,
    VietNamDivisionType.DAC_KHU: Kind.SPECIAL_ZONE,
}
COMPARED = ("name", "level", "kind", "parent")
BATCH = 1_000  # units written between two progress lines


@dataclass(frozen=True)
class Entry:
    """A unit of the official list. `code` is the code a new unit gets (the official code, or the central body's
    code in central.json); `parent` is the parent entry's key."""

    code: str
    name: str
    level: int
    kind: str
    official_code: str = ""
    parent: str | None = None
    valid_from: datetime.date | None = None

    @property
    def key(self) -> str:
        return self.official_code or self.code


def central_entries() -> list[Entry]:
    data = json.loads(CENTRAL_FILE.read_text(encoding="utf-8"))
    return [
        Entry(code=u["code"], name=u["name"], level=Level[u["level"]], kind=u["kind"], parent=u["parent"],
              valid_from=datetime.date.fromisoformat(u["valid_from"]) if u.get("valid_from") else None)
        for u in data["units"]
    ]


def province_code(province: Province) -> str:
    return f"{province.code.value:02d}"


def commune_code(ward: Ward) -> str:
    return f"{ward.code.value:05d}"


def local_entries(provinces: set[str] | None = None) -> list[Entry]:
    """The provinces (all 34, or those whose official codes are given) and their communes, each province
    followed by its communes in code order."""
    entries = []
    communes: dict[str, list[Ward]] = {}
    for ward in Ward.iter_all():
        communes.setdefault(f"{ward.province_code.value:02d}", []).append(ward)
    for province in sorted(Province.iter_all(), key=lambda p: p.code.value):
        code = province_code(province)
        if provinces is not None and code not in provinces:
            continue
        kind = KIND_OF[province.division_type]
        name = f"Tỉnh {province.name}" if kind == Kind.PROVINCE else province.name
        entries.append(Entry(code=code, name=name, level=Level.PROVINCE, kind=kind, official_code=code,
                             parent="CP", valid_from=REFORM_DAY))
        for ward in sorted(communes.get(code, []), key=lambda w: w.code.value):
            entries.append(Entry(code=commune_code(ward), name=ward.name, level=Level.COMMUNE,
                                 kind=KIND_OF[ward.division_type], official_code=commune_code(ward), parent=code,
                                 valid_from=REFORM_DAY))
    return entries


def country_entries(provinces: set[str] | None = None) -> list[Entry]:
    """The whole list, parents before children."""
    return central_entries() + local_entries(provinces)


@dataclass
class Plan:
    add: list[Entry] = field(default_factory=list)
    fill: list[tuple[OrgUnit, dict]] = field(default_factory=list)  # (unit, {field: value to set})
    differences: list[tuple[str, str, str, str]] = field(default_factory=list)  # (unit, field, in the tree, list)
    conflicts: list[str] = field(default_factory=list)
    matched: int = 0
    found: dict[str, OrgUnit | None] = field(default_factory=dict)  # entry key -> its unit (None: to be added)
    added: list[OrgUnit] = field(default_factory=list)  # after `load_country`
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def changes(self) -> int:
        return len(self.add) + len(self.fill)

    def added_by_level(self) -> Counter:
        return Counter(entry.level for entry in self.add)


def plan_country(entries: list[Entry]) -> Plan:
    """What loading `entries` would add, fill in and report, without writing anything (one query)."""
    plan = Plan()
    # the units that may match: any with an official code, and those holding a code of the list (a conflict if
    # not the same unit); not the installation's own thousands
    units = list(OrgUnit.objects.filter(Q(official_code__gt="") | Q(code__in=[e.code for e in entries]))
                 .select_related("parent").order_by("pk"))
    by_official = {u.official_code: u for u in units if u.official_code and u.valid_to is None}
    by_code = {u.code: u for u in units}
    found = plan.found
    for entry in entries:
        if entry.parent is not None and entry.parent not in found:
            continue  # its parent could not be placed: reported there
        unit = by_official.get(entry.official_code) if entry.official_code else by_code.get(entry.code)
        if unit is None:
            if entry.code in by_code:
                plan.conflicts.append(f"mã {entry.code} đã là của đơn vị {by_code[entry.code]}: không thêm "
                                      f"{entry.name} (và các đơn vị trực thuộc).")
                continue
            plan.add.append(entry)
            found[entry.key] = None
            continue
        found[entry.key] = unit
        plan.matched += 1
        parent = found.get(entry.parent) if entry.parent is not None else None
        wanted = {"name": entry.name, "level": entry.level, "kind": entry.kind,
                  "parent": parent.code if parent is not None else entry.parent}
        stored = {"name": unit.name, "level": unit.level, "kind": unit.kind,
                  "parent": unit.parent.code if unit.parent_id else None}
        fill = {}
        for name in COMPARED:
            if stored[name] == wanted[name]:
                continue
            if name == "kind" and not stored[name]:
                fill["kind"] = entry.kind
            else:
                plan.differences.append((unit.code, name, str(stored[name]), str(wanted[name])))
        if fill:
            plan.fill.append((unit, fill))
    return plan


def load_country(*, actor=None, provinces: set[str] | None = None, dry_run: bool = False, say=None) -> Plan:
    """Plan, then (unless `dry_run`) apply in one transaction: bulk inserts, one level of the tree at a time,
    and one audit event per unit added or filled in."""
    say = say or (lambda message: None)
    with transaction.atomic():
        started = time.perf_counter()
        entries = country_entries(provinces)
        plan = plan_country(entries)
        plan.seconds["plan"] = time.perf_counter() - started
        say(f"Danh mục: {len(entries):,} đơn vị; đã có trong cây: {plan.matched:,}; cần thêm: {len(plan.add):,}; "
            f"bổ sung loại: {len(plan.fill):,}; khác danh mục: {len(plan.differences):,} "
            f"({plan.seconds['plan']:.2f} s)")
        if dry_run or not plan.changes:
            return plan
        started = time.perf_counter()
        placed = {key: unit for key, unit in plan.found.items() if unit is not None}
        pending = list(plan.add)
        while pending:  # a generation at a time: units whose parents are in the tree
            ready = [e for e in pending if e.parent is None or e.parent in placed]
            pending = [e for e in pending if not (e.parent is None or e.parent in placed)]
            for start in range(0, len(ready), BATCH):
                batch = ready[start:start + BATCH]
                units = add_units(actor=actor, data=lambda unit: {"source": SOURCE}, units=[
                    OrgUnit(code=e.code, name=e.name, level=e.level, kind=e.kind, official_code=e.official_code,
                            parent=placed.get(e.parent) if e.parent is not None else None, valid_from=e.valid_from)
                    for e in batch
                ])
                placed |= {u.official_code or u.code: u for u in units}
                plan.added += units
                say(f"  đã thêm {len(plan.added):,}/{len(plan.add):,} đơn vị, mỗi đơn vị một sự kiện kiểm toán "
                    f"({time.perf_counter() - started:.2f} s)")
        for unit, values in plan.fill:
            for name, value in values.items():
                setattr(unit, name, value)
            save_unit(actor=actor, unit=unit, data={"source": SOURCE})
    plan.seconds["write"] = time.perf_counter() - started
    say(f"Đã ghi {len(plan.added):,} đơn vị mới và {len(plan.fill):,} đơn vị bổ sung, mỗi thay đổi một sự kiện "
        f"kiểm toán ({plan.seconds['write']:.2f} s)")
    return plan
