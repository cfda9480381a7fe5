"""System checks (`manage.py check --database default`) for the routing configuration an administrator edits:
routing profiles (DOMAIN.md §3) and council rules (§5).

What "covered" means here is what `routing.plan_route` needs. `routing.profile_for` takes the branch of the
submitting unit's chain (SECTOR when a ministry is on it, else LOCAL) and the profile of that branch in force on the
nomination's date, the latest `valid_from` winning; `plan_route` then climbs the profile's levels, in order, up to
the award's deciding level on that date (`rules.deciding_level_for`: the AwardRule in force, else the award's own
level), and `guards.check_deciding_authority` lets only a DECIDE step of that level award it. So:

- workflows.E001  a profile's `levels` is not an ascending list of {"level": <roles.Level value>, "steps":
                  [<"appraise"|"decide">, ...]}, or its branch is not one `profile_for` picks.
- workflows.E002  a profile ends before it starts: it is never in force.
- workflows.E003  a branch has no profile at all while the org tree has units that route through it (a commune,
                  district or province for LOCAL; a ministry for SECTOR): every nomination there fails.
- workflows.E004  a branch's profiles leave days uncovered between the earliest start and an open end: a gap
                  between two profiles, or no profile after the last one ends. Nominations of those days cannot be
                  routed ("Không có tuyến trình nào có hiệu lực…"). Days before the earliest start are history.
- workflows.E005  two profiles of one branch are in force on the same day: which one applies would depend on the
                  database (an empty `valid_from` sorts first on PostgreSQL, last on SQLite).
- workflows.E006  on some days an award of the catalog is in force and decided at a level that no profile in force
                  on those days (in any branch) contains: no nomination for it can reach its decider. Checked on
                  the days on which every branch that has profiles has one in force (other days are E004's).
- workflows.E007  a profile contains an award's deciding level, on days the award is decided there, but that
                  level's steps do not end with "decide": the last stop of the route cannot award it.
- workflows.E008  a council rule names a level that is not a roles.Level value.
- workflows.W001  a council rule's level has no DECIDE step in any profile in force during the rule's validity:
                  councils vote only at DECIDE stages (`council.check_council_vote`), so the rule is never applied.

These are database checks: they run only when a database is named (`check --database default`, `migrate`) and
report nothing while the tables are missing or cannot be read (before the first migrate)."""

from django.core import checks

from roles.models import Level
from roles.periods import LAST, Period, gaps, in_force, on_each_database, overlaps, runs, show, show_run

LEVELS = set(Level.values)
# Which org-tree levels make a branch necessary: `routing.profile_for` picks SECTOR when a ministry is on the chain.
BRANCH_LEVELS = {"local": (Level.COMMUNE, Level.DISTRICT, Level.PROVINCE), "sector": (Level.MINISTRY,)}
ADMIN_HINT = "Sửa trong trang quản trị: Quy trình xét duyệt › Tuyến trình."


def _label(level) -> str:
    return str(Level(level).label) if level in LEVELS else repr(level)


def parse_levels(levels) -> tuple[dict[int, list[str]] | None, list[str]]:
    """The profile's {level: steps}, or None with what is wrong with it."""
    from .models import Step

    problems, parsed, previous = [], {}, None
    if not isinstance(levels, list) or not levels:
        return None, ["“levels” phải là một danh sách khác rỗng"]
    for i, entry in enumerate(levels, 1):
        if not isinstance(entry, dict) or set(entry) != {"level", "steps"}:
            problems.append(f"mục {i} phải có đúng hai khoá “level” và “steps”")
            continue
        level, steps = entry["level"], entry["steps"]
        if isinstance(level, bool) or level not in LEVELS:
            problems.append(f"mục {i}: {level!r} không phải một cấp ({', '.join(map(str, Level.values))})")
        elif previous is not None and level <= previous:
            problems.append(f"mục {i}: cấp {level} phải cao hơn cấp đứng trước ({previous}); các cấp xếp từ thấp lên cao")
        else:
            previous = level
        if (not isinstance(steps, list) or not steps or any(s not in Step.values for s in steps)
                or len(set(steps)) != len(steps)):
            problems.append(f"mục {i}: “steps” phải là danh sách các bước khác nhau trong {Step.values}")
        if not problems:
            parsed[level] = list(steps)
    return (None if problems else parsed), problems


class Config:
    """The configuration read once from one database."""

    def __init__(self, alias: str):
        from nominations.models import AwardRule, AwardType
        from roles.models import OrgUnit

        from .models import CouncilRule, RoutingProfile

        self.profiles = list(RoutingProfile.objects.using(alias).order_by("branch", "valid_from", "pk"))
        self.awards = list(AwardType.objects.using(alias).order_by("order", "code"))
        self.award_rules: dict[int, list[Period]] = {}
        for rule in AwardRule.objects.using(alias).order_by("pk"):
            self.award_rules.setdefault(rule.award_id, []).append(Period(rule.valid_from, rule.valid_to, rule))
        self.council_rules = list(CouncilRule.objects.using(alias).select_related("award").order_by("level", "pk"))
        self.unit_levels = set(OrgUnit.objects.using(alias).values_list("level", flat=True).distinct())
        self.levels = {}  # profile pk -> {level: steps} for the well-formed ones
        self.malformed = {}
        for profile in self.profiles:
            parsed, problems = parse_levels(profile.levels)
            if parsed is None:
                self.malformed[profile] = problems
            else:
                self.levels[profile.pk] = parsed

    def branch_periods(self, branch: str) -> list[Period]:
        return [Period(p.valid_from, p.valid_to, p) for p in self.profiles if p.branch == branch]


def profile_problems(config: Config) -> list[checks.CheckMessage]:
    from .models import RoutingProfile

    errors: list[checks.CheckMessage] = []
    branches = RoutingProfile.Branch.values
    for profile in config.profiles:
        problems = list(config.malformed.get(profile, []))
        if profile.branch not in branches:
            problems.insert(0, f"nhánh {profile.branch!r} không phải {' hay '.join(branches)}")
        if problems:
            errors.append(checks.Error(
                f"Tuyến trình {profile.code} không đúng định dạng: " + "; ".join(problems) + ".",
                hint='Mỗi mục là {"level": <cấp>, "steps": ["appraise", "decide"]}, các cấp từ thấp lên cao. '
                     + ADMIN_HINT,
                obj=profile, id="workflows.E001"))
        if Period(profile.valid_from, profile.valid_to).empty:
            errors.append(checks.Error(
                f"Tuyến trình {profile.code} kết thúc ({show(profile.valid_to)}) trước khi bắt đầu "
                f"({show(profile.valid_from)}) nên không bao giờ có hiệu lực.",
                hint="Sửa “valid_from” / “valid_to” của tuyến trình. " + ADMIN_HINT,
                obj=profile, id="workflows.E002"))
    for branch, label in RoutingProfile.Branch.choices:
        periods = config.branch_periods(branch)
        needed = config.unit_levels & set(BRANCH_LEVELS[branch])
        if not periods:
            if needed:
                errors.append(checks.Error(
                    f"Không có tuyến trình nào cho nhánh “{label}” ({branch}) trong khi cây tổ chức có đơn vị "
                    f"{', '.join(_label(level) for level in sorted(needed))}: hồ sơ của các đơn vị này không trình "
                    "được.",
                    hint=f"Thêm một tuyến trình nhánh {branch} (có thể nạp mẫu: manage.py load_reference_data). "
                         + ADMIN_HINT,
                    id="workflows.E003"))
            continue
        for first, last, before, after in gaps(periods):
            errors.append(checks.Error(
                f"Nhánh “{label}” không có tuyến trình nào {show_run(first, last)} (giữa {before.item.code} và "
                f"{after.item.code}): hồ sơ trình trong những ngày đó không xác định được tuyến.",
                hint=f"Cho {after.item.code} bắt đầu ngày sau ngày kết thúc của {before.item.code}, hoặc thêm một "
                     "tuyến trình cho khoảng trống. " + ADMIN_HINT,
                obj=after.item, id="workflows.E004"))
        last_one = max((p for p in periods if not p.empty), key=lambda p: p.last, default=None)
        if last_one is not None and last_one.last < LAST:
            errors.append(checks.Error(
                f"Nhánh “{label}” không có tuyến trình nào sau ngày {show(last_one.last)} (tuyến trình cuối cùng, "
                f"{last_one.item.code}, hết hiệu lực ngày đó): hồ sơ trình sau ngày này không xác định được tuyến.",
                hint=f"Để trống “valid_to” của {last_one.item.code}, hoặc thêm tuyến trình thay thế có hiệu lực từ "
                     "ngày hôm sau và để trống ngày kết thúc. " + ADMIN_HINT,
                obj=last_one.item, id="workflows.E004"))
        for a, b, first, last in overlaps(periods):
            errors.append(checks.Error(
                f"Hai tuyến trình nhánh “{label}” cùng có hiệu lực {show_run(first, last)}: {a.item.code} và "
                f"{b.item.code}; không xác định được hồ sơ đi theo tuyến nào.",
                hint=f"Cho {a.item.code} kết thúc ngày trước ngày {b.item.code} bắt đầu (hoặc ngược lại), hoặc xoá "
                     "tuyến trình thừa. " + ADMIN_HINT,
                obj=b.item, id="workflows.E005"))
    return errors


def award_level_problems(config: Config) -> list[checks.CheckMessage]:
    """E006/E007: for each run of days on which nothing changes, the deciding level of every award in force is on
    a profile in force, with a final DECIDE step."""
    from .models import RoutingProfile, Step

    by_branch = {b: [p for p in config.branch_periods(b) if p.item.pk in config.levels]
                 for b in RoutingProfile.Branch.values}
    profile_periods = [p for periods in by_branch.values() for p in periods]
    everything = profile_periods + [Period(a.valid_from, a.valid_to) for a in config.awards]
    everything += [p for rules in config.award_rules.values() for p in rules]
    issues: list[list] = []  # [(kind, award, level, profile), first day, last day], runs merged while it lasts
    open_issues: dict = {}
    for first, last in runs(everything):
        chosen = [in_force(periods, first) for periods in by_branch.values() if periods]
        # E006 only on days on which every branch with profiles has one in force: the others are E004's (or history).
        complete = bool(chosen) and None not in chosen
        chosen = [p.item for p in chosen if p is not None]
        found = []
        for award in config.awards if chosen else ():
            if not Period(award.valid_from, award.valid_to).contains(first):
                continue
            rule = in_force(config.award_rules.get(award.pk, []), first)
            level = rule.item.deciding_level if rule is not None else award.deciding_level
            if level not in LEVELS:
                continue  # nominations.E003
            having = [p for p in chosen if level in config.levels[p.pk]]
            if complete and not having:
                found.append(("missing", award, level, None))
            found += [("no-decide", award, level, p) for p in having if config.levels[p.pk][level][-1] != Step.DECIDE]
        still_open = {}
        for key in found:
            issue = open_issues.get(key)
            if issue is None:
                issue = [key, first, last]
                issues.append(issue)
            issue[2] = last
            still_open[key] = issue
        open_issues = still_open
    errors = []
    for (kind, award, level, profile), first, last in issues:
        if kind == "missing":
            errors.append(checks.Error(
                f"{award.code} do {_label(level)} quyết định {show_run(first, last)}, nhưng không tuyến trình nào có "
                f"hiệu lực trong thời gian đó có cấp này: hồ sơ đề nghị {award.code} không lên được cấp quyết định.",
                hint=f"Thêm cấp {int(level)} (với bước \"decide\") vào tuyến trình của nhánh phù hợp, hoặc sửa cấp "
                     f"quyết định của {award.code} (Hình thức khen thưởng / Thẩm quyền quyết định theo thời gian). "
                     + ADMIN_HINT,
                obj=award, id="workflows.E006"))
        else:
            errors.append(checks.Error(
                f"Tuyến trình {profile.code} có {_label(level)}, cấp quyết định {award.code} {show_run(first, last)}, "
                f"nhưng các bước của cấp này ({', '.join(config.levels[profile.pk][level])}) không kết thúc bằng "
                "\"decide\": bước cuối của tuyến không thể quyết định khen thưởng.",
                hint=f"Thêm \"decide\" làm bước cuối của cấp {int(level)} trong {profile.code}. " + ADMIN_HINT,
                obj=profile, id="workflows.E007"))
    return errors


def council_rule_problems(config: Config) -> list[checks.CheckMessage]:
    from .models import Step

    errors: list[checks.CheckMessage] = []
    profile_periods = [Period(p.valid_from, p.valid_to, p) for p in config.profiles if p.pk in config.levels]
    for rule in config.council_rules:
        if rule.level not in LEVELS:
            errors.append(checks.Error(
                f"Quy định bỏ phiếu #{rule.pk} ghi cấp {rule.level!r}, không phải một cấp của hệ thống.",
                hint="Chọn một cấp trong danh sách: " + ", ".join(f"{v} ({label})" for v, label in Level.choices)
                     + ". Sửa trong trang quản trị: Quy trình xét duyệt › Quy định bỏ phiếu của Hội đồng.",
                obj=rule, id="workflows.E008"))
            continue
        period = Period(rule.valid_from, rule.valid_to)
        used = [p.item.code for p in profile_periods
                if max(p.first, period.first) <= min(p.last, period.last)
                and Step.DECIDE in config.levels[p.item.pk].get(rule.level, [])]
        if not used:
            award = rule.award.code if rule.award_id else "mọi hình thức"
            errors.append(checks.Warning(
                f"Quy định bỏ phiếu #{rule.pk} ({_label(rule.level)}, {award}, "
                f"{show_run(period.first, period.last)}) không bao giờ được áp dụng: không tuyến trình nào có hiệu lực "
                "trong thời gian đó có bước quyết định ở cấp này.",
                hint="Hội đồng chỉ bỏ phiếu ở bước \"decide\". Sửa cấp hoặc thời hạn của quy định (Quy trình xét duyệt "
                     "› Quy định bỏ phiếu của Hội đồng), hoặc xoá nó nếu không còn dùng.",
                obj=rule, id="workflows.W001"))
    return errors


def _on(databases, app_configs, check) -> list[checks.CheckMessage]:
    if app_configs is not None and "workflows" not in {c.label for c in app_configs}:
        return []
    return on_each_database(databases, lambda alias: check(Config(alias)))


def check_routing_profiles(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """Routing profiles that leave a branch, a date or an award's deciding level uncovered (E001–E007)."""
    return _on(databases, app_configs, lambda config: profile_problems(config) + award_level_problems(config))


def check_council_rules(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """Council rules for levels that do not exist (E008) or have no DECIDE step on any profile (W001)."""
    return _on(databases, app_configs, council_rule_problems)
