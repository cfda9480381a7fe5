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


def _workbook(title: str, headers: list[str], rows: Iterable[list], widths: list[int]):
    """The rows in a write-only workbook saved to a temporary file, rewound; dates as real Excel dates shown
    dd/mm/yyyy. Over MAX_ROWS rows: a ValidationError telling the reader to filter the list."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
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
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the FileResponse that streams it
    book.save(handle)
    handle.seek(0)
    return handle


def _answers_by_item(proposal: Proposal) -> Iterator[tuple[int, list[tuple[str, str]]]]:
    """(nomination id, [(criterion code, note)]) in the items' order: one statement, streamed beside the items."""
    answers = (CriterionAnswer.objects.filter(nomination__proposal_items__proposal=proposal, met=True)
               .order_by("nomination__proposal_items__position", "nomination_id", "criterion__order", "criterion__code")
               .values_list("nomination_id", "criterion__code", "note").iterator(chunk_size=CHUNK))
    for nomination_id, group in groupby(answers, key=lambda a: a[0]):
        yield nomination_id, [(code, note) for _n, code, note in group]


def _item_rows(proposal: Proposal) -> Iterator[list]:
    kinds = dict(NomineeKind.choices)
    items = (proposal.items.order_by("position", "pk")
             .values_list("nomination_id", "nomination__nominee__kind", "nomination__nominee__name",
                          "nomination__nominee__identity_number", "nomination__award__code",
                          "nomination__achievement", "nomination__nominee_details")
             .iterator(chunk_size=CHUNK))
    answers = _answers_by_item(proposal)
    pending = next(answers, None)
    for nomination_id, kind, name, identity, award, achievement, details in items:
        criteria: list[tuple[str, str]] = []
        if pending is not None and pending[0] == nomination_id:
            criteria = pending[1]
            pending = next(answers, None)
        notes = list(dict.fromkeys(note for _code, note in criteria if note))
        yield [str(kinds.get(kind, kind)), name, identity or None, award, achievement, details or None,
               ", ".join(code for code, _note in criteria) or None, "; ".join(notes) or None]


def items_export(proposal: Proposal):
    """The tờ trình's items with exactly the import template's sheet and headers: three statements (the answers
    read in the items' order, merged as both stream)."""
    return _workbook(LIST_SHEET, [c.header for c in COLUMNS], _item_rows(proposal), [16, 32, 22, 18, 60, 30, 30, 40])


def inbox_export(stages: QuerySet[Stage]):
    """The inbox as the reader's selector gave it (already filtered): one statement."""
    levels, steps = dict(Level.choices), dict(Step.choices)
    rows = (stages.prefetch_related(None).select_related(None).order_by("opened_at", "pk")
            .values_list("nomination_id", "nomination__nominee__name", "nomination__award__code",
                         "nomination__round__code", "nomination__submitting_unit__name", "level", "org_unit__name",
                         "step", "opened_at", "due_at")
            .iterator(chunk_size=CHUNK))
    headers = [_("Số hồ sơ"), _("Đối tượng"), _("Hình thức"), _("Đợt"), _("Đơn vị đề nghị"), _("Cấp"),
               _("Đơn vị xét"), _("Bước"), _("Ngày nhận"), _("Hạn xử lý")]
    return _workbook(_("Hộp việc"), headers, (
        [pk, name, award, round_code, unit, str(levels.get(level, level)), org_unit, str(steps.get(step, step)),
         opened, due] for pk, name, award, round_code, unit, level, org_unit, step, opened, due in rows),
        [10, 32, 14, 14, 32, 12, 32, 12, 12, 12])


def nominations_export(nominations: QuerySet[Nomination]):
    """The nomination list as the reader's selector and filters gave it, in its order: one statement."""
    statuses, kinds = dict(Status.choices), dict(NomineeKind.choices)
    rows = (nominations.select_related(None)
            .values_list("pk", "nominee__kind", "nominee__name", "award__code", "round__code",
                         "submitting_unit__name", "status", "submitted_at", "updated_at")
            .iterator(chunk_size=CHUNK))
    headers = [_("Số hồ sơ"), _("Loại đối tượng"), _("Đối tượng"), _("Hình thức"), _("Đợt"), _("Đơn vị đề nghị"),
               _("Trạng thái"), _("Ngày trình"), _("Ngày cập nhật")]
    return _workbook(_("Hồ sơ"), headers, (
        [pk, str(kinds.get(kind, kind)), name, award, round_code, unit, str(statuses.get(status, status)),
         submitted, updated] for pk, kind, name, award, round_code, unit, status, submitted, updated in rows),
        [10, 14, 32, 14, 14, 32, 16, 12, 12])
