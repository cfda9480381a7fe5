"""System checks for settings.DEADLINE_WORKING_DAYS (read by `policy.working_days_for`).

`working_days_for(level, step, award)` looks the keys up, most specific first, as (level, step, award code),
(level, step) and step, where level is a roles.Level value (an int: 20, or Level.COMMUNE), step a stage step
("appraise", "decide") and award an AwardType code. Any other key is never looked up, so the limit it was meant to
set silently stays at the default (policy.DEFAULT_DAYS).

- deadlines.E001  the setting is not a dict.
- deadlines.E002  a key has none of the three shapes (e.g. a bare level, ("appraise", 20), a list, a level name).
- deadlines.E003  a key's level is not a roles.Level value.
- deadlines.E004  a key's step is not a step of workflows.Stage.
- deadlines.E005  a value is not a whole number of working days ≥ 1.
- deadlines.W001  (database) a key's award code is not in the award catalog (nominations.AwardType).
- deadlines.E006  settings.DEADLINE_EXTRA_CLOCKS (policy.extra_clocks) is not {(level, step): {clock name: working
                  days ≥ 1}}.

The steps are read from the choices of workflows.Stage.step through the app registry, so that deadlines keeps
importing no workflows code (DESIGN.md: imports point down)."""

from django.apps import apps
from django.conf import settings
from django.core import checks

from roles.models import Level
from roles.periods import on_each_database

HINT = ("Khoá hợp lệ: (cấp, bước, mã hình thức), (cấp, bước) hoặc bước; cấp là một trong "
        + ", ".join(f"{v} ({label})" for v, label in Level.choices)
        + "; bước là \"appraise\" hoặc \"decide\". Ví dụ: {(20, \"appraise\"): 20, \"decide\": 10}.")


def _table():
    return getattr(settings, "DEADLINE_WORKING_DAYS", {})


def _steps() -> set[str] | None:
    try:
        stage = apps.get_model("workflows", "Stage")
    except LookupError:
        return None  # the engine is not installed: nothing to compare the steps with
    return {value for value, _label in stage._meta.get_field("step").choices}


def _is_level(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in Level.values


def split_key(key) -> tuple[object, object, object] | None:
    """(level, step, award) of a key of one of the three shapes (absent parts None), or None."""
    if isinstance(key, str):
        return None, key, None
    if isinstance(key, tuple) and len(key) in (2, 3) and all(isinstance(part, str) for part in key[1:]):
        return key[0], key[1], key[2] if len(key) == 3 else None
    return None


def check_deadline_setting(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """DEADLINE_WORKING_DAYS keys that name no level or step, and values that are no number of days."""
    table = _table()
    if not isinstance(table, dict):
        return [checks.Error(f"DEADLINE_WORKING_DAYS phải là một dict, không phải {type(table).__name__}.",
                             hint=HINT, id="deadlines.E001")]
    steps = _steps()
    errors: list[checks.CheckMessage] = []
    for key, days in table.items():
        parts = split_key(key)
        if parts is None:
            errors.append(checks.Error(
                f"DEADLINE_WORKING_DAYS: khoá {key!r} không có dạng nào được tra cứu nên thời hạn này không bao giờ "
                "được áp dụng.", hint=HINT, id="deadlines.E002"))
        else:
            level, step, _award = parts
            if isinstance(key, tuple) and not _is_level(level):
                errors.append(checks.Error(
                    f"DEADLINE_WORKING_DAYS: khoá {key!r} ghi cấp {level!r}, không phải một cấp của hệ thống.",
                    hint=HINT, id="deadlines.E003"))
            if steps is not None and step not in steps:
                errors.append(checks.Error(
                    f"DEADLINE_WORKING_DAYS: khoá {key!r} ghi bước {step!r}, không phải một bước xét duyệt "
                    f"({', '.join(sorted(steps))}).", hint=HINT, id="deadlines.E004"))
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            errors.append(checks.Error(
                f"DEADLINE_WORKING_DAYS[{key!r}] = {days!r}: thời hạn phải là số ngày làm việc nguyên, từ 1 trở lên.",
                hint="Ghi số ngày làm việc, ví dụ 20.", id="deadlines.E005"))
    return errors


def check_deadline_award_codes(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """DEADLINE_WORKING_DAYS keys (level, step, award code) whose award code is not in the catalog (database)."""
    table = _table()
    codes = {parts[2] for key in (table if isinstance(table, dict) else ())
             if (parts := split_key(key)) is not None and parts[2] is not None}
    if not codes:
        return []
    model = apps.get_model("nominations", "AwardType")

    def unknown_codes(alias) -> list[checks.CheckMessage]:
        known = set(model.objects.using(alias).filter(code__in=codes).values_list("code", flat=True))
        return [
            checks.Warning(
                f"DEADLINE_WORKING_DAYS: khoá {key!r} ghi mã hình thức {parts[2]!r} không có trong danh mục "
                "hình thức khen thưởng nên thời hạn này không bao giờ được áp dụng.",
                hint="Dùng đúng mã hình thức (Hồ sơ đề nghị khen thưởng › Hình thức khen thưởng), ví dụ \"GK_XA\".",
                id="deadlines.W001")
            for key in table if (parts := split_key(key)) is not None and parts[2] is not None and parts[2] not in known
        ]

    return on_each_database(databases, unknown_codes)


def check_extra_clocks(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """DEADLINE_EXTRA_CLOCKS entries policy.extra_clocks would never read, or whose days are no number of days."""
    table = getattr(settings, "DEADLINE_EXTRA_CLOCKS", {})
    steps = _steps()
    wrong = []
    for key, clocks in (table.items() if isinstance(table, dict) else [(table, None)]):
        ok_key = (isinstance(key, tuple) and len(key) == 2 and _is_level(key[0])
                  and (steps is None or key[1] in steps))
        ok_clocks = isinstance(clocks, dict) and all(
            isinstance(name, str) and name and isinstance(days, int) and not isinstance(days, bool) and days >= 1
            for name, days in clocks.items())
        if not (ok_key and ok_clocks):
            wrong.append(key)
    return [checks.Error(
        f"DEADLINE_EXTRA_CLOCKS: mục {key!r} không đúng dạng nên thời hạn này không bao giờ được áp dụng.",
        hint="Dạng đúng: {(cấp, bước): {tên thời hạn: số ngày làm việc ≥ 1}}, ví dụ "
             "{(60, \"appraise\"): {\"return_ineligible\": 5}}.", id="deadlines.E006") for key in wrong]
