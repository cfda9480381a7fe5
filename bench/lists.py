"""The tờ trình's figures (issue 25): the Excel import of a large list, the bulk approval of a large tờ trình, and
the statements its reads take at one item and at many. Each runs the real code: proposals.importing, and
proposals.actions.review_items over the engine's single-item approvals."""

import io
import time

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from openpyxl import Workbook

from nominations.models import Round
from proposals import actions, importing, selectors
from proposals.models import Proposal, ProposalItem, ProposalStatus
from roles.models import OrgUnit, Role
from roles.services import grant_role
from workflows.models import Stage

from .measure import traced


def _statements(fn):
    """(result, statements fn ran, transaction control excluded)."""
    counted = []

    def spy(execute, sql, params, many, context):
        if not sql.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            counted.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        result = fn()
    return result, len(counted)


def _workbook(rows: int, first: int) -> SimpleUploadedFile:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(importing.LIST_SHEET)
    sheet.append([c.header for c in importing.COLUMNS])
    for i in range(first, first + rows):
        sheet.append(["Cá nhân", f"Người nhập {i}", f"{i:012d}", "GK_XA", "Công dân học tập tiêu biểu.", "",
                      "CN-1, CN-2", "Có xác nhận của đơn vị."])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("bench.xlsx", out.getvalue(), content_type=importing.XLSX)


def _draft(proposer, unit) -> Proposal:
    return actions.create_proposal(actor=proposer, issuing_unit=unit, round=Round.objects.get(code="1315-2026"))


def imports(world, rows: int) -> dict:
    """Preview and confirm of a workbook of `rows` rows, timed; the preview's and the confirmation's Python memory
    at a tenth of the rows and at all of them (read-only streaming, created in batches: it should not grow with the
    rows)."""
    User = get_user_model()
    proposer, unit = User.objects.get(pk=world.proposer), OrgUnit.objects.get(pk=world.proposer_unit)
    out = {}
    for share, first in ((rows // 10, 10_000_000), (rows, 20_000_000)):
        proposal = _draft(proposer, unit)
        batch, peak = traced(importing.preview_import, actor=proposer, proposal=proposal,
                             upload=_workbook(share, first))
        out[f"preview {share} rows: tracemalloc peak MiB"] = peak
        _created, peak = traced(importing.confirm_import, actor=proposer, proposal=proposal, batch=batch)
        out[f"confirm {share} rows: tracemalloc peak MiB"] = peak
    proposal, upload = _draft(proposer, unit), _workbook(rows, 30_000_000)
    started = time.perf_counter()
    batch = importing.preview_import(actor=proposer, proposal=proposal, upload=upload)
    previewed = time.perf_counter()
    created, statements = _statements(lambda: importing.confirm_import(actor=proposer, proposal=proposal, batch=batch))
    done = time.perf_counter()
    out.update({"rows": rows, "created": created, "problems": batch.problem_count,
                "preview_seconds": round(previewed - started, 2), "confirm_seconds": round(done - previewed, 2),
                "seconds": round(done - started, 2), "statements": statements,
                "statements_per_row": round(statements / max(created, 1), 2)})
    return out


def bulk_approve(world, pool: list, size: int, single_approve: int) -> dict:
    """One reviewer approves `size` items of one tờ trình in one call (appraisal at their communes: each item's
    own approval, nothing of the envelope's to write). The reviewer is granted the appraiser's role at each
    commune the items wait at (through roles.services, audited)."""
    items = pool[:size]
    if not items:
        return {"skipped": "no nominations left at a commune's appraisal"}
    User = get_user_model()
    reviewer, _ = User.objects.get_or_create(username="bench-bulk-appraiser")
    granter, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_superuser": True})
    stage_units = dict(Stage.objects.filter(pk__in=[s for _n, s, _a in items]).values_list("pk", "org_unit_id"))
    for unit in OrgUnit.objects.filter(pk__in=set(stage_units.values())):
        grant_role(actor=granter, user=reviewer, org_unit=unit, role=Role.APPRAISER)
    first_unit = next(iter(stage_units.values()))
    proposal = Proposal.objects.create(issuing_unit_id=world.proposer_unit, addressee_id=first_unit,
                                       round=Round.objects.get(code="1315-2026"), status=ProposalStatus.SUBMITTED,
                                       number="bench/TTr", date=timezone.localdate(), created_by=granter)
    ProposalItem.objects.bulk_create([ProposalItem(proposal=proposal, nomination_id=n, position=i)
                                      for i, (n, _s, _a) in enumerate(items, start=1)])
    one = Proposal.objects.create(issuing_unit_id=world.proposer_unit, round_id=proposal.round_id,
                                  status=ProposalStatus.SUBMITTED, created_by=granter)
    ProposalItem.objects.create(proposal=one, nomination_id=items[0][0], position=1)
    reads = {}
    for name, target in (("1 item", one), (f"{len(items)} items", proposal)):
        _, reads[f"tờ trình page reads, {name}"] = _statements(
            lambda t=target: selectors.item_gaps(selectors.items_of(t)))
    _, reads["inbox by tờ trình"] = _statements(lambda: selectors.inbox_by_proposal(reviewer))
    started = time.perf_counter()
    result, statements = _statements(lambda: actions.review_items(
        actor=reviewer, proposal=proposal, action="approve",
        items=[{"nomination": n, "stage": s} for n, s, _a in items]))
    seconds = time.perf_counter() - started
    per_item = round(statements / max(len(result.done), 1), 2)
    return {"items": len(items), "done": len(result.done), "refused": len(result.refused),
            "seconds": round(seconds, 2), "per_second": round(len(result.done) / seconds, 1) if seconds else 0,
            "statements": statements, "statements_per_item": per_item, "single approve statements": single_approve,
            **reads}
