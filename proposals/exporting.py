"""Excel exports of the lists: a tờ trình's items (exactly the import template's columns, so an exported list can be
re-imported or compared), the reader's inbox and the nomination list, each scoped and filtered like the list it
exports (the callers pass the same selector's queryset).

Each export reads its rows in a fixed number of statements, streamed with iterator(), and writes them with an
openpyxl write-only workbook into a temporary file: memory stays flat in the number of rows, and the caller answers
with a FileResponse of that file."""

import datetime
import tempfile
from collections.abc import Iterable, Iterator
from itertools import groupby

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from nominations.models import CriterionAnswer, Nomination, NomineeKind, Status
from roles.models import Level
from workflows.models import Stage, Step

from .importing import COLUMNS, LIST_SHEET, XLSX
from .models import Proposal

MAX_ROWS = 50_000  # a list longer than this is to be filtered first: the message says so
DATE_FORMAT = "dd/mm/yyyy"
CHUNK = 500  # rows fetched at a time: what bounds the memory (measured in docs/proposals.md)


def response(handle, filename: str) -> FileResponse:
    """The workbook as a download, streamed from its temporary file (closed, hence deleted, once sent)."""
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


def _local_date(value):
    return timezone.localdate(value) if isinstance(value, datetime.datetime) else value


def _cell(sheet, value):
    if not isinstance(value, datetime.date):
        return value
    cell = WriteOnlyCell(sheet, value=_local_date(value))
    cell.number_format = DATE_FORMAT
    return cell


def _workbook(title: str, headers: list[str], rows: Iterable[list], widths: list[int], cursors=()):
    """The rows in a write-only workbook saved to a temporary file, rewound; dates as real Excel dates shown
    dd/mm/yyyy. Over MAX_ROWS rows: a ValidationError telling the reader to filter the list. The `cursors` are
    closed here either way: left to the garbage collector, a PostgreSQL server-side cursor was closed later in
    another transaction, which it then broke."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.append(headers)
    try:
        for count, values in enumerate(rows, start=1):
            if count > MAX_ROWS:
                raise ValidationError(_("Danh sách có hơn %(max)d dòng; hãy lọc bớt rồi xuất lại.")
                                      % {"max": MAX_ROWS})
            sheet.append([_cell(sheet, value) for value in values])
    except BaseException:
        sheet.close()  # its own temporary file, else written to after deletion when the sheet is collected
        raise
    finally:
        for cursor in cursors:
            cursor.close()
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the FileResponse that streams it
    book.save(handle)
    handle.seek(0)
    return handle


def _stream(queryset: QuerySet, *fields: str) -> Iterator[tuple]:
    """The rows' values, fetched CHUNK at a time (on PostgreSQL a server-side cursor, closed by _workbook)."""
    return queryset.values_list(*fields).iterator(chunk_size=CHUNK)


def _answers_by_item(answers: Iterator[tuple]) -> Iterator[tuple[int, list[tuple[str, str]]]]:
    """(nomination id, [(criterion code, note)]) from the answers read in the items' order."""
    for nomination_id, group in groupby(answers, key=lambda a: a[0]):
        yield nomination_id, [(code, note) for _n, code, note in group]


def _item_rows(items: Iterator[tuple], answers: Iterator[tuple]) -> Iterator[list]:
    kinds = dict(NomineeKind.choices)
    by_item = _answers_by_item(answers)
    pending = next(by_item, None)
    for nomination_id, kind, name, identity, award, achievement, details in items:
        criteria: list[tuple[str, str]] = []
        if pending is not None and pending[0] == nomination_id:
            criteria = pending[1]
            pending = next(by_item, None)
        notes = list(dict.fromkeys(note for _code, note in criteria if note))
        yield [str(kinds.get(kind, kind)), name, identity or None, award, achievement, details or None,
               ", ".join(code for code, _note in criteria) or None, "; ".join(notes) or None]


def items_export(proposal: Proposal):
    """The tờ trình's items with exactly the import template's sheet and headers: two statements (the answers
    read in the items' order, merged as both stream)."""
    items = _stream(proposal.items.order_by("position", "pk"), "nomination_id", "nomination__nominee__kind",
                    "nomination__nominee__name", "nomination__nominee__identity_number", "nomination__award__code",
                    "nomination__achievement", "nomination__nominee_details")
    answers = _stream(CriterionAnswer.objects.filter(nomination__proposal_items__proposal=proposal, met=True)
                      .order_by("nomination__proposal_items__position", "nomination_id", "criterion__order",
                                "criterion__code"), "nomination_id", "criterion__code", "note")
    return _workbook(LIST_SHEET, [c.header for c in COLUMNS], _item_rows(items, answers),
                     [16, 32, 22, 18, 60, 30, 30, 40], cursors=(items, answers))


def inbox_export(stages: QuerySet[Stage]):
    """The inbox as the reader's selector gave it (already filtered): one statement."""
    levels, steps = dict(Level.choices), dict(Step.choices)
    rows = _stream(stages.prefetch_related(None).select_related(None), "nomination_id", "nomination__nominee__name",
                   "nomination__award__code", "nomination__round__code", "nomination__submitting_unit__name", "level",
                   "org_unit__name", "step", "opened_at", "due_at")
    headers = [_("Số hồ sơ"), _("Đối tượng"), _("Hình thức"), _("Đợt"), _("Đơn vị đề nghị"), _("Cấp"),
               _("Đơn vị xét"), _("Bước"), _("Ngày nhận"), _("Hạn xử lý")]
    return _workbook(_("Hộp việc"), headers, (
        [pk, name, award, round_code, unit, str(levels.get(level, level)), org_unit, str(steps.get(step, step)),
         opened, due] for pk, name, award, round_code, unit, level, org_unit, step, opened, due in rows),
        [10, 32, 14, 14, 32, 12, 32, 12, 12, 12], cursors=(rows,))


def nominations_export(nominations: QuerySet[Nomination]):
    """The nomination list as the reader's selector and filters gave it, in its order: one statement."""
    statuses, kinds = dict(Status.choices), dict(NomineeKind.choices)
    rows = _stream(nominations.select_related(None), "pk", "nominee__kind", "nominee__name", "award__code",
                   "round__code", "submitting_unit__name", "status", "submitted_at", "updated_at")
    headers = [_("Số hồ sơ"), _("Loại đối tượng"), _("Đối tượng"), _("Hình thức"), _("Đợt"), _("Đơn vị đề nghị"),
               _("Trạng thái"), _("Ngày trình"), _("Ngày cập nhật")]
    return _workbook(_("Hồ sơ"), headers, (
        [pk, str(kinds.get(kind, kind)), name, award, round_code, unit, str(statuses.get(status, status)),
         submitted, updated] for pk, kind, name, award, round_code, unit, status, submitted, updated in rows),
        [10, 14, 32, 14, 14, 32, 16, 12, 12], cursors=(rows,))
