"""System checks (`manage.py check --database default`) for the award catalog an administrator edits.

Database checks: they run only when a database is named (`check --database`, `migrate`), and report nothing
while the tables are missing (before the first migrate) or cannot be read.

- nominations.E001  an AwardRule ends before it starts: it is never in force.
- nominations.E002  two AwardRules of one award are both in force on some day: `rules.award_rule_on` then picks
                    one by the latest `valid_from`, and an empty `valid_from` sorts first on PostgreSQL but last on
                    SQLite, so who decides would depend on the database.
- nominations.E003  an AwardRule names a deciding level that is not a roles.Level value.
- nominations.W001  the rules of one award leave days uncovered between the first rule's start and the last rule's
                    end, inside the award's own validity: on those days the award's own `deciding_level` applies
                    silently (`rules.deciding_level_for`). Days before the first rule or after the last are the
                    award's own level by design (a rule that starts on the reform date) and are not reported.
"""

from django.core import checks

from roles.models import Level
from roles.periods import Period, gaps, on_each_database, overlaps, show, show_run

LEVELS = set(Level.values)


def _rules_by_award(alias: str) -> dict:
    from .models import AwardRule

    by_award: dict = {}
    for rule in AwardRule.objects.using(alias).select_related("award").order_by("award__code", "valid_from", "pk"):
        by_award.setdefault(rule.award, []).append(rule)
    return by_award


def _describe(rule) -> str:
    return f"{rule.award.code} #{rule.pk} ({show(rule.valid_from, '…')} – {show(rule.valid_to, '…')})"


def award_rule_problems(by_award: dict) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for award, rules in by_award.items():
        periods = [Period(r.valid_from, r.valid_to, r) for r in rules]
        for period in periods:
            rule = period.item
            if period.empty:
                errors.append(checks.Error(
                    f"Thẩm quyền quyết định {_describe(rule)} kết thúc trước khi bắt đầu nên không bao giờ có hiệu lực.",
                    hint="Sửa “hiệu lực từ” / “hiệu lực đến” của quy định này trong trang quản trị "
                         "(Thẩm quyền quyết định theo thời gian), hoặc xoá nó.",
                    obj=rule, id="nominations.E001"))
            if rule.deciding_level not in LEVELS:
                errors.append(checks.Error(
                    f"Thẩm quyền quyết định {_describe(rule)} ghi cấp quyết định {rule.deciding_level!r}, "
                    "không phải một cấp của hệ thống.",
                    hint="Chọn một cấp trong danh sách: " + ", ".join(f"{v} ({label})" for v, label in Level.choices),
                    obj=rule, id="nominations.E003"))
        for a, b, first, last in overlaps(periods):
            errors.append(checks.Error(
                f"Hai quy định thẩm quyền của {award.code} cùng có hiệu lực {show_run(first, last)}: "
                f"#{a.item.pk} ({Level(a.item.deciding_level).label if a.item.deciding_level in LEVELS else '?'}) "
                f"và #{b.item.pk} ({Level(b.item.deciding_level).label if b.item.deciding_level in LEVELS else '?'}); "
                "không xác định được cấp nào quyết định.",
                hint=f"Cho quy định #{a.item.pk} kết thúc ngày trước ngày quy định #{b.item.pk} bắt đầu "
                     "(hiệu lực đến = hiệu lực từ của quy định sau trừ một ngày), hoặc xoá quy định thừa.",
                obj=award, id="nominations.E002"))
        validity = Period(award.valid_from, award.valid_to)
        for first, last, before, after in gaps(periods):
            first, last = max(first, validity.first), min(last, validity.last)
            if first > last:
                continue  # the award is not in force during the gap
            errors.append(checks.Warning(
                f"Các quy định thẩm quyền của {award.code} bỏ trống {show_run(first, last)} (giữa quy định "
                f"#{before.item.pk} và #{after.item.pk}): trong khoảng đó cấp quyết định mặc định của hình thức "
                f"({Level(award.deciding_level).label if award.deciding_level in LEVELS else award.deciding_level}) "
                "được áp dụng.",
                hint=f"Kéo dài quy định #{before.item.pk} hoặc cho quy định #{after.item.pk} bắt đầu sớm hơn để hai "
                     "quy định nối liền nhau; nếu khoảng trống là cố ý, thêm một quy định cho khoảng đó.",
                obj=award, id="nominations.W001"))
    return errors


def check_award_rules(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """Award rules (nominations.AwardRule) whose dates leave gaps or overlap for one award. Registered with
    Tags.database by NominationsConfig.ready()."""
    if app_configs is not None and "nominations" not in {c.label for c in app_configs}:
        return []
    return on_each_database(databases, lambda alias: award_rule_problems(_rules_by_award(alias)))
