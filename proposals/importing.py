"""The Excel import of a tờ trình's list: a template to fill, a preview listing every problem by row and column,
and the creation of every row in one transaction once the proposer confirms.

The workbook is read with openpyxl in read-only mode, row by row: memory stays flat in the number of rows. The
preview keeps the uploaded file (an ImportBatch), not its rows; the confirmation reads it again, checks it again
(the world may have changed: another nomination of the same person, an award no longer in force) and creates
the rows as it reads them, all or none."""

import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from nominations.documents import safe_display_name
from nominations.models import AwardType, Criterion, Nomination, NomineeKind, Status, subject_group
from roles.models import Role
from roles.selectors import holds_role_at
from workflows.errors import InvalidTransition

from . import actions
from .models import ImportBatch, Proposal

MAX_ROWS = 5000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a workbook is a zip: what it unpacks to, checked before reading it
PROBLEMS_SHOWN = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_SHEET, CODES_SHEET = "Danh sách", "Mã hợp lệ"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool


COLUMNS = (
    Column("kind", "Loại đối tượng", True),
    Column("name", "Tên cá nhân, tập thể", True),
    Column("identity_number", "Số định danh (CCCD, mã số thuế)", False),
    Column("award", "Hình thức khen thưởng (mã)", True),
    Column("achievement", "Tóm tắt thành tích", True),
    Column("details", "Thông tin thêm về đối tượng", False),
    Column("criteria", "Tiêu chí đạt (mã, cách nhau bởi dấu phẩy)", False),
    Column("evidence", "Minh chứng cho các tiêu chí", False),
)
# Dead rows still "proposed" for G3 in the import (the same person twice in one round of the unit).
PROPOSED = (Status.DRAFT, Status.IN_REVIEW, Status.RETURNED, Status.ON_HOLD, Status.AWARDED)


@dataclass(frozen=True)
class Problem:
    row: int
    column: str  # the column's letter and header, "" for the whole file or row
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


def _column_label(index: int) -> str:
    return f"{get_column_letter(index + 1)} ({COLUMNS[index].header})"


def template(proposal: Proposal) -> bytes:
    """The .xlsx to fill: the list's headers, and a sheet of the valid codes (awards in force, nominee kinds, the
    round's criteria) that the list's drop-downs read."""
    book = Workbook()
    sheet = book.active
    sheet.title = LIST_SHEET
    sheet.append([c.header for c in COLUMNS])
    for index, width in enumerate((16, 32, 22, 18, 60, 30, 30, 40), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    codes = book.create_sheet(CODES_SHEET)
    awards = list(AwardType.objects.valid_on(timezone.localdate()).values_list("code", "name"))
    kinds = [str(label) for label in NomineeKind.labels]
    criteria = list(Criterion.objects.filter(movement_id=proposal.round.movement_id).values_list("code", "text"))
    codes.append(["Hình thức", "Tên hình thức", "Loại đối tượng", "Tiêu chí", "Nội dung tiêu chí"])
    for i in range(max(len(awards), len(kinds), len(criteria))):
        award = awards[i] if i < len(awards) else ("", "")
        criterion = criteria[i] if i < len(criteria) else ("", "")
        codes.append([award[0], award[1], kinds[i] if i < len(kinds) else "", criterion[0], criterion[1][:200]])
    for letter, count, column, strict in (("A", len(awards), "D", True), ("C", len(kinds), "A", True),
                                          ("D", len(criteria), "G", False)):
        if not count:
            continue
        rule = DataValidation(type="list", formula1=f"='{CODES_SHEET}'!${letter}$2:${letter}${count + 1}",
                              allow_blank=True, showErrorMessage=strict)
        rule.error = _("Hãy chọn một giá trị trong danh sách.")
        sheet.add_data_validation(rule)
        rule.add(f"{column}2:{column}{MAX_ROWS + 1}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _require_proposer(actor, proposal: Proposal) -> None:
    actions.require_draft(proposal)
    if not holds_role_at(actor, Role.PROPOSER, proposal.issuing_unit):
        raise PermissionDenied(_("Chỉ thủ trưởng đơn vị trình mới được nhập danh sách."))


def _open(handle):
    """The list sheet of the workbook, or a ValidationError saying why it cannot be read."""
    try:
        with zipfile.ZipFile(handle) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise ValidationError(_("Tệp Excel quá lớn khi giải nén; hãy chia danh sách thành nhiều tệp."))
        handle.seek(0)
        book = load_workbook(handle, read_only=True, data_only=False)
    except ValidationError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a file that is not a workbook
        raise ValidationError(_("Tệp không phải bảng tính Excel (.xlsx) đọc được; hãy dùng mẫu tải về.")) from exc
    if LIST_SHEET not in book.sheetnames:
        raise ValidationError(_("Không thấy trang “%(sheet)s” của mẫu; hãy dùng mẫu tải về.") % {"sheet": LIST_SHEET})
    return book, book[LIST_SHEET]


def _text(value, index: int, row: int, problems: list[Problem]) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool) and COLUMNS[index].key == "identity_number":
        return str(value)  # a number typed without a leading apostrophe
    problems.append(Problem(row, _column_label(index), _("Sai kiểu dữ liệu: cần chữ, không phải %(value)s.")
                            % {"value": value}))
    return ""


class Reader:
    """Reads and checks the rows of one workbook for one tờ trình: rows(handle) yields (row number, the create
    arguments) of each good row and collects every problem in `problems`."""

    def __init__(self, proposal: Proposal):
        self.proposal = proposal
        self.problems: list[Problem] = []
        self.count = 0
        today = timezone.localdate()
        self.awards = {a.code: a for a in AwardType.objects.valid_on(today)}
        self.kinds = {**{str(label).casefold(): value for value, label in NomineeKind.choices},
                      **{value: value for value in NomineeKind.values}}
        self.criteria: dict[str, set[str]] = {}
        for code, group in Criterion.objects.filter(movement_id=proposal.round.movement_id).values_list("code", "group"):
            self.criteria.setdefault(group, set()).add(code)
        self.unit_level = proposal.issuing_unit.level

    def rows(self, handle) -> Iterator[tuple[int, dict]]:
        book, sheet = _open(handle)
        try:
            yield from self._rows(sheet)
        finally:
            book.close()
            self.problems.sort(key=lambda p: p.row)  # G3's are found a batch later than the row's own

    def _rows(self, sheet) -> Iterator[tuple[int, dict]]:
        seen: dict[tuple, int] = {}
        pending: list[tuple[int, dict]] = []  # a batch: the G3 check reads the database once per batch
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number == 1:
                if [str(v or "").strip() for v in values[:len(COLUMNS)]] != [c.header for c in COLUMNS]:
                    self.problems.append(Problem(1, "", _("Dòng tiêu đề không đúng mẫu; hãy dùng mẫu tải về.")))
                    return
                continue
            values = tuple(values[:len(COLUMNS)]) + (None,) * (len(COLUMNS) - len(values))
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            self.count += 1
            if self.count > MAX_ROWS:
                self.problems.append(Problem(number, "", _("Quá %(max)d dòng; hãy chia danh sách thành nhiều tệp.")
                                             % {"max": MAX_ROWS}))
                return
            row = self._row(number, values, seen)
            if row is not None:
                pending.append((number, row))
            if len(pending) >= 200:
                yield from self._not_yet_proposed(pending)
                pending = []
        yield from self._not_yet_proposed(pending)

    def _row(self, number: int, values: tuple, seen: dict) -> dict | None:
        before = len(self.problems)
        cells = {}
        for index, (column, value) in enumerate(zip(COLUMNS, values, strict=True)):
            if isinstance(value, str) and value.startswith("="):
                self.problems.append(Problem(number, _column_label(index),
                                             _("Ô chứa công thức; hãy dán giá trị thay cho công thức.")))
                value = None
            cells[column.key] = _text(value, index, number, self.problems)
            if column.required and not cells[column.key] and len(self.problems) == before:
                self.problems.append(Problem(number, _column_label(index), _("Ô bắt buộc đang trống.")))
        index = {c.key: i for i, c in enumerate(COLUMNS)}
        kind = self.kinds.get(cells["kind"].casefold()) if cells["kind"] else None
        if cells["kind"] and kind is None:
            self.problems.append(Problem(number, _column_label(index["kind"]), _(
                "Loại đối tượng “%(value)s” không có trong danh sách mã.") % {"value": cells["kind"]}))
        award = self.awards.get(cells["award"].upper()) if cells["award"] else None
        if cells["award"] and award is None:
            self.problems.append(Problem(number, _column_label(index["award"]), _(
                "Hình thức khen thưởng “%(value)s” không có hoặc không còn áp dụng.") % {"value": cells["award"]}))
        codes = [c.strip().upper() for c in cells["criteria"].replace(";", ",").split(",") if c.strip()]
        if kind is not None and codes:
            valid = self.criteria.get(subject_group(kind, self.unit_level), set())
            if unknown := [c for c in codes if c not in valid]:
                self.problems.append(Problem(number, _column_label(index["criteria"]), _(
                    "Tiêu chí không thuộc nhóm đối tượng này: %(codes)s.") % {"codes": ", ".join(unknown)}))
        if kind is not None and award is not None and cells["name"]:
            key = (kind, cells["identity_number"] or cells["name"].casefold(), award.code)
            if key in seen:
                self.problems.append(Problem(number, _column_label(index["name"]), _(
                    "Trùng với dòng %(row)d (cùng đối tượng, cùng hình thức).") % {"row": seen[key]}))
            else:
                seen[key] = number
        if len(self.problems) > before:
            return None
        return {
            "award": award,
            "nominee": {"kind": kind, "name": cells["name"], "identity_number": cells["identity_number"],
                        "details": cells["details"]},
            "achievement": cells["achievement"],
            "criteria": [{"code": c, "met": True, "note": cells["evidence"]} for c in codes],
        }

    def _not_yet_proposed(self, pending: list[tuple[int, dict]]) -> Iterator[tuple[int, dict]]:
        """G3 among the unit's own records: a nominee already proposed in this round (one statement a batch)."""
        if not pending:
            return
        people = Q(pk__in=[])
        for _number, row in pending:
            nominee = row["nominee"]
            people |= (Q(nominee__kind=nominee["kind"], nominee__identity_number=nominee["identity_number"])
                       if nominee["identity_number"] else Q(nominee__kind=nominee["kind"], nominee__name=nominee["name"]))
        taken = {}
        for pk, kind, identity, name in (Nomination.objects.filter(people, round=self.proposal.round,
                                                                   nominee__unit=self.proposal.issuing_unit,
                                                                   status__in=PROPOSED)
                                         .values_list("pk", "nominee__kind", "nominee__identity_number", "nominee__name")):
            taken[(kind, identity)] = pk
            taken[(kind, name.casefold())] = pk
        name_column = _column_label(1)
        for number, row in pending:
            nominee = row["nominee"]
            rival = taken.get((nominee["kind"], nominee["identity_number"] or nominee["name"].casefold()))
            if rival is not None:
                self.problems.append(Problem(number, name_column, _(
                    "Đối tượng đã được đề nghị trong đợt này (hồ sơ #%(pk)d): không khen thưởng hai lần cho một "
                    "thành tích.") % {"pk": rival}))
                continue
            yield number, row


def _check_file(upload) -> None:
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError({"file": _("Tệp quá lớn (%(size)s MB); tối đa %(max)s MB.") % {
            "size": f"{upload.size / 1048576:.1f}", "max": settings.UPLOAD_MAX_BYTES // 1048576}})
    if upload.size == 0:
        raise ValidationError({"file": _("Tệp rỗng.")})


def preview_import(*, actor, proposal: Proposal, upload) -> ImportBatch:
    """Read the workbook, keep it, and record what it holds: the number of rows and every problem (the first
    PROBLEMS_SHOWN). Nothing is created."""
    _require_proposer(actor, proposal)
    _check_file(upload)
    reader = Reader(proposal)
    try:
        good = sum(1 for _row in reader.rows(upload))
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = safe_display_name(upload.name)
    batch = ImportBatch(proposal=proposal, original_name=name, size=upload.size, sha256=digest.hexdigest(),
                        rows=reader.count, good_rows=good, problem_count=len(reader.problems),
                        problems=[p.as_dict() for p in reader.problems[:PROBLEMS_SHOWN]], uploaded_by=actor)
    batch.file.save(name, upload, save=False)
    try:
        batch.save()
    except BaseException:
        batch.file.delete(save=False)
        raise
    return batch


def confirm_import(*, actor, proposal: Proposal, batch: ImportBatch) -> int:
    """Create every row of a previewed workbook in one transaction, reading it again: any problem now (or a
    batch already confirmed) creates nothing. Returns the number of items created."""
    _require_proposer(actor, proposal)
    if batch.proposal_id != proposal.pk:
        raise ValidationError({"batch": _("Tệp nhập không thuộc tờ trình này.")})
    reader = Reader(proposal)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.confirmed_at is not None:
            raise InvalidTransition(_("Danh sách này đã được nhập."))
        with locked.file.open("rb") as handle:
            created = actions.create_items(actor=actor, proposal=proposal,
                                           rows=(row for _number, row in reader.rows(handle)))
            if reader.problems or not created:
                raise ValidationError({"file": [_("Dòng %(row)d, cột %(column)s: %(message)s") % p.as_dict()
                                                for p in reader.problems[:PROBLEMS_SHOWN]]
                                       or [_("Tệp không có dòng nào để nhập.")]})
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["confirmed_at"])
    return len(created)
