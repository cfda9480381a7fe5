"""Many units at once from an .xlsx list (the admin's "Nhập từ Excel"): schools, villages, agencies under communes.

The first sheet, a header row, then one unit per row: Mã, Tên, Đơn vị cấp trên (a code or official code; blank:
the unit chosen in the form), Hiệu lực từ (optional). Reading checks the whole file and lists every problem by
row and column; nothing is written until the person confirms a list with no problem, and then every unit is
added in one transaction through `save_unit` (its permission check, one audit event each). A file that is not a
workbook, too large, or holding formulas is refused with a message saying so."""

import datetime
import zipfile
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from . import selectors
from .models import Level, OrgUnit, Role
from .services import PATH_MAX_LENGTH, add_units

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000
CODE_MAX_LENGTH = OrgUnit._meta.get_field("code").max_length
NAME_MAX_LENGTH = OrgUnit._meta.get_field("name").max_length
COLUMNS = {"mã": "code", "tên": "name", "đơn vị cấp trên": "parent", "hiệu lực từ": "valid_from"}
REQUIRED = ("code", "name")


@dataclass
class Problem:
    row: int
    column: str
    message: str


@dataclass
class UnitRow:
    row: int
    code: str
    name: str
    parent: str = ""
    valid_from: str = ""  # ISO date or ""


@dataclass
class Reading:
    rows: list[UnitRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    parents: dict[str, OrgUnit] = field(default_factory=dict)  # row's parent text -> unit

    def as_data(self) -> list[dict]:
        return [asdict(row) for row in self.rows]


def read_workbook(upload) -> Reading:
    """The rows of the uploaded workbook, with the problems of its cells; raises ValidationError when the file as
    a whole cannot be read."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("Tệp lớn quá %(max)s MB (tệp này %(size)s MB).")
                              % {"max": MAX_BYTES // 1048576, "size": f"{upload.size / 1048576:.1f}"})
    try:
        workbook = load_workbook(upload, read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        cells = list(sheet.iter_rows(max_row=MAX_ROWS + 2))
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, IndexError) as exc:
        raise ValidationError(_("Tệp không phải bảng tính Excel (.xlsx) đọc được.")) from exc
    reading = Reading()
    if not cells:
        raise ValidationError(_("Bảng tính trống: dòng đầu là tiêu đề cột (Mã, Tên, Đơn vị cấp trên, Hiệu lực từ)."))
    if len(cells) > MAX_ROWS + 1:
        raise ValidationError(_("Bảng tính có quá %(n)s dòng đơn vị.") % {"n": MAX_ROWS})
    formulas = [c.coordinate for row in cells for c in row if getattr(c, "data_type", None) == "f"]
    if formulas:
        raise ValidationError(_("Ô %(cells)s chứa công thức: hãy dán giá trị thay cho công thức rồi tải lại.")
                              % {"cells": ", ".join(formulas[:10])})
    header = {}
    for index, cell in enumerate(cells[0]):
        name = str(cell.value or "").strip().lower()
        if name in COLUMNS:
            header[COLUMNS[name]] = index
    for column in REQUIRED:
        if column not in header:
            label = next(k for k, v in COLUMNS.items() if v == column)
            reading.problems.append(Problem(1, label.capitalize(), _("Thiếu cột này ở dòng tiêu đề.")))
    if reading.problems:
        return reading
    for number, row in enumerate(cells[1:], start=2):
        values = {key: row[index].value if index < len(row) else None for key, index in header.items()}
        if all(v in (None, "") for v in values.values()):
            continue
        unit = UnitRow(row=number, code=_text(values.get("code")), name=_text(values.get("name")),
                       parent=_text(values.get("parent")))
        day = values.get("valid_from")
        if isinstance(day, datetime.datetime):
            unit.valid_from = day.date().isoformat()
        elif isinstance(day, datetime.date):
            unit.valid_from = day.isoformat()
        elif day not in (None, ""):
            try:
                unit.valid_from = datetime.datetime.strptime(str(day).strip(), "%d/%m/%Y").date().isoformat()
            except ValueError:
                reading.problems.append(Problem(number, "Hiệu lực từ",
                                                _("Ngày «%(v)s» không đúng dạng ngày/tháng/năm.") % {"v": day}))
        reading.rows.append(unit)
    return reading


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def check(reading: Reading, actor, default_parent: OrgUnit | None) -> Reading:
    """Add the problems of the rows as units: each code new and well formed, each name given, each parent found
    among the units `actor` administers (a code from elsewhere reads as not found)."""
    problems = reading.problems
    if not reading.rows and not problems:
        problems.append(Problem(2, "", _("Không có dòng đơn vị nào dưới dòng tiêu đề.")))
    codes = [row.code for row in reading.rows if row.code]
    taken = set(OrgUnit.objects.filter(code__in=codes).values_list("code", flat=True))
    typed = {row.parent for row in reading.rows if row.parent}
    # A commune's official code typed as a number in Excel lost its leading zeros: 3006 is 03006 (a province's has
    # two digits, so three or four can only be a commune's; one or two could be either, and must be written out).
    aliases: dict[str, set[str]] = {}  # official code -> the texts typed for it
    for text in typed:
        aliases.setdefault(text, set()).add(text)
        if text.isdigit() and len(text) in (3, 4):
            aliases.setdefault(text.zfill(5), set()).add(text)
    scope = OrgUnit.objects.valid_on()
    if not actor.is_superuser:
        scope = scope.subtree_of(selectors.units_with_role(actor, Role.ADMIN))
    found = list(scope.filter(Q(code__in=typed) | Q(official_code__in=aliases)))
    for unit in found:
        reading.parents |= dict.fromkeys(aliases.get(unit.official_code, ()), unit)
    reading.parents |= {unit.code: unit for unit in found if unit.code in typed}  # a code wins over an official one
    seen = {}
    for row in reading.rows:
        if not row.code:
            problems.append(Problem(row.row, "Mã", _("Thiếu mã đơn vị.")))
        elif len(row.code) > CODE_MAX_LENGTH or "/" in row.code or any(ch.isspace() for ch in row.code):
            problems.append(Problem(row.row, "Mã", _("Mã chỉ gồm chữ, số, dấu gạch, không có dấu cách hay «/», "
                                                     "tối đa %(n)s ký tự.") % {"n": CODE_MAX_LENGTH}))
        elif row.code in seen:
            problems.append(Problem(row.row, "Mã", _("Mã %(code)s trùng với dòng %(other)s.")
                                    % {"code": row.code, "other": seen[row.code]}))
        elif row.code in taken:
            problems.append(Problem(row.row, "Mã", _("Mã %(code)s đã có trong cây tổ chức.") % {"code": row.code}))
        seen.setdefault(row.code, row.row)
        if not row.name:
            problems.append(Problem(row.row, "Tên", _("Thiếu tên đơn vị.")))
        elif len(row.name) > NAME_MAX_LENGTH:
            problems.append(Problem(row.row, "Tên", _("Tên dài quá %(n)s ký tự.") % {"n": NAME_MAX_LENGTH}))
        parent = reading.parents.get(row.parent) if row.parent else default_parent
        if parent is None:
            message = (_("Không tìm thấy đơn vị cấp trên «%(p)s» trong phạm vi bạn quản trị.") % {"p": row.parent}
                       if row.parent else _("Chưa có đơn vị cấp trên: điền cột này hoặc chọn đơn vị ở trên."))
            if row.parent.isdigit():
                message += " " + _("Mã hành chính ghi đủ các số 0 ở đầu, dạng văn bản (ví dụ 01, 03006).")
            problems.append(Problem(row.row, "Đơn vị cấp trên", message))
        elif row.code and len(parent.path) + len(row.code) + 1 > PATH_MAX_LENGTH:
            problems.append(Problem(row.row, "Mã", _("Đường dẫn của đơn vị sẽ dài quá %(n)s ký tự.")
                                    % {"n": PATH_MAX_LENGTH}))
    problems.sort(key=lambda p: p.row)
    return reading


def create_units(reading: Reading, actor, default_parent: OrgUnit | None) -> list[OrgUnit]:
    """Add every row's unit in one transaction (all or none), each through `save_unit`."""
    if reading.problems:
        raise ValidationError(_("Danh sách còn lỗi: chưa thêm đơn vị nào."))
    rows = {row.code: row.row for row in reading.rows}
    return add_units(actor=actor, data=lambda unit: {"import": "xlsx", "row": rows[unit.code]}, units=[
        OrgUnit(code=row.code, name=row.name, level=Level.UNIT,
                parent=reading.parents.get(row.parent) if row.parent else default_parent,
                valid_from=datetime.date.fromisoformat(row.valid_from) if row.valid_from else None)
        for row in reading.rows
    ])
