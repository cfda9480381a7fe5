"""The README's journey through a client generated from the live schema (openapi-python-client), as an integrator
would walk it: no hand-written HTTP. Run by .ci/api-client, which generates `thidua_client` and puts it on the path:

    PYTHONPATH=<dir holding thidua_client> python scripts/api_client_journey.py http://127.0.0.1:8000

Against the demo (`manage.py seed_demo`, password DEMO_PASSWORD): the head of a school drafts a nomination,
attaches the award's documents and submits it; the commune's appraiser finds it in the inbox and approves that
stage; the document comes back byte for byte; the nomination's timeline and the inspector's log show every step.
Exits non-zero (the step and what it found, or the client's UnexpectedStatus) at the first step that goes wrong.
"""

import io
import os
import sys

from thidua_client import AuthenticatedClient, Client
from thidua_client.api.audit import list_audit_events
from thidua_client.api.auth import create_token
from thidua_client.api.awards import list_awards
from thidua_client.api.inbox import list_inbox
from thidua_client.api.movements import list_movements
from thidua_client.api.nominations import (
    act_on_nomination,
    create_nomination,
    download_document,
    list_nomination_events,
    upload_document,
)
from thidua_client.api.rounds import list_rounds
from thidua_client.models import (
    Action,
    ActOnNominationAction,
    Answer,
    Document,
    DocumentUpload,
    Nomination,
    NominationCreate,
    NomineeKindEnum,
    NomineeRequest,
    PaginatedStageList,
    Token,
    TokenRequest,
)
from thidua_client.types import File

COMMENT = "Đồng ý trình lên Ủy ban nhân dân phường."
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def check(holds: bool, found) -> None:
    """A step's outcome: when it is wrong, the journey stops and shows what it found instead."""
    if not holds:
        raise SystemExit(f"api client journey: FAILED: {found}")


def expect(answer, kind):
    """The operation's answer is the model of its success (else an `Error` or a 400's field messages)."""
    check(isinstance(answer, kind), f"expected {kind.__name__}, got {answer!r}")
    return answer


def log_in(base: str, username: str) -> AuthenticatedClient:
    anonymous = Client(base_url=base, raise_on_unexpected_status=True)
    token = expect(create_token.sync(client=anonymous, body=TokenRequest(
        username=username, password=os.environ["DEMO_PASSWORD"])), Token)
    return AuthenticatedClient(base_url=base, token=token.token, prefix="Token", raise_on_unexpected_status=True)


def main(base: str) -> None:
    head = log_in(base, "unit_head")
    award = next(a for a in list_awards.sync(client=head, limit=500).results if a.code == "BK_TTG")
    round_ = next(r for r in list_rounds.sync(client=head, limit=500).results if r.code == "1315-SK-2025")
    movement = next(m for m in list_movements.sync(client=head, limit=500).results if m.code == round_.movement)
    draft = expect(create_nomination.sync(client=head, body=NominationCreate(
        round_=round_.code, award=award.code, submitting_unit="LC-SAPA-THCS",
        nominee=NomineeRequest(kind=NomineeKindEnum.INDIVIDUAL, name="Hà Thị Ngọc Ánh"),
        achievement="Mở lớp xóa mù chữ cho đồng bào vùng cao suốt ba năm.",
        criteria=[Answer(code=c.code, met=True, note="Có xác nhận của Ủy ban nhân dân phường.")
                  for c in movement.criteria if c.group == "individual"])), Nomination)
    documents = [
        expect(upload_document.sync(draft.id, client=head, body=DocumentUpload(
            kind=kind, file=File(payload=io.BytesIO(PDF), file_name=f"{kind}.pdf", mime_type="application/pdf"))),
            Document)
        for kind in award.required_documents]
    submitted = expect(act_on_nomination.sync(draft.id, ActOnNominationAction.SUBMIT, client=head, body=Action()),
                       Nomination)
    check(submitted.status == "in_review", submitted.status)
    print(f"nomination {draft.id}: drafted, {len(documents)} documents attached, submitted")

    reviewer = log_in(base, "commune_staff")
    inbox = expect(list_inbox.sync(client=reviewer, nomination=draft.id), PaginatedStageList)
    check([stage.nomination.id for stage in inbox.results] == [draft.id], inbox)
    stage = inbox.results[0]
    approved = expect(act_on_nomination.sync(draft.id, ActOnNominationAction.APPROVE, client=reviewer, body=Action(
        stage=stage.id, comment=COMMENT)), Nomination)
    check(approved.open_stage.id != stage.id, "the approved stage is still open")
    print(f"stage {stage.id} ({stage.org_unit}, {stage.step}) approved; now open: {approved.open_stage.step}")

    file = expect(download_document.sync(draft.id, documents[0].id, client=reviewer), File)
    check(file.payload.read() == PDF, "the downloaded document differs from the upload")

    timeline = list_nomination_events.sync(draft.id, client=reviewer)
    actions = [event.action for event in timeline]
    check(actions[0] == "nomination.create" and "nomination.submit" in actions, actions)
    check(actions[-1] == "nomination.approve" and timeline[-1].comment == COMMENT, actions)
    inspector = log_in(base, "inspector")
    logged = list_audit_events.sync(client=inspector, nomination=draft.id).results
    check([event.seq for event in logged] == sorted((event.seq for event in timeline), reverse=True), logged)
    print(f"document {documents[0].id} downloaded intact; {len(timeline)} audit events, the same in the inspector's log")


if __name__ == "__main__":
    main(sys.argv[1])
