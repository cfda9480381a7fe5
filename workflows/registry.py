"""The action registry: every audited write to a nomination, listed once, with what the rest of the code reads about
it (DESIGN.md, "The one path").

An entry gives an action's public name (the one name in the pages' and the API's URLs, the API's enum and the
buttons: "return", never "return_"), its function, its lifecycle transition (the viewflow method: `return_`, since
`return` is a keyword; the only place the underscore lives), its labels, the audit events it appends, the fields it
requires and accepts, and the notices it sends. `perform`, the pages, the API, `selectors.available_actions`, the
"Không thể …" messages and the audit log's labels all read it from here, so adding an action is an entry here plus
its function (tests/workflows/test_registry.py holds the code to that).

It is data and imports nothing of ours: the actions read it (their labels) and so do the selectors (which actions
a reader may take), while the actions read through the selectors; so it sits beside both rather than inside
workflows/actions/ (where selectors → actions → selectors would be a cycle, which the import contracts refuse), and
names each function by its dotted path, imported when it runs (`Action.run`).

Readers look entries up when they run (`get`, `dispatched`, `ACTION_NAMES`) and copy none at import: a test may add
one.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Action:
    name: str  # the public name
    function: str  # its function, as a dotted path: imported when it runs (see the module's docstring)
    label: Promise  # a button, the action form's title, "Đã thực hiện: …"
    events: tuple[tuple[str, Promise], ...]  # (audit action, its label in the log); the usual one first
    verb: Promise | None = None  # in a sentence: "Không thể %(action)s hồ sơ ở trạng thái …"
    transition: str = ""  # the NominationLifecycle method it fires; "" when it changes no status
    dispatch: bool = False  # run by `perform`: /nominations/<pk>/<name>/ and /api/nominations/<pk>/actions/<name>/
    review: bool = False  # taken at the open stage by its reviewer: separation of duties applies
    requires: tuple[str, ...] = ()  # refused (400, naming the field) without them
    accepts: tuple[str, ...] = ()  # optional
    when_final: tuple[str, ...] = ()  # of `accepts`, those that apply only when the action ends the route
    notifications: tuple[str, ...] = ()  # the notifications.services functions it calls

    @property
    def run(self) -> Callable:
        """The function itself."""
        return import_string(self.function)

    def fields(self, *, final: bool = True) -> tuple[str, ...]:
        """What a form of this action carries (the decision's fields only when it ends the route)."""
        return tuple(f for f in (*self.requires, *self.accepts) if final or f not in self.when_final)


REVIEW_FIELDS = ("stage", "comment")

REGISTRY: tuple[Action, ...] = (
    # --- the pages' and the API's actions, in the order of their buttons --------------------------------------------
    Action(
        "submit", "workflows.actions.review.submit_nomination", _("Trình hồ sơ"),
        (("nomination.submit", _("Trình hồ sơ")),),
        verb=_("trình"), transition="submit", dispatch=True, accepts=("comment",), notifications=("stage_opened",),
    ),
    Action(
        "resubmit", "workflows.actions.review.resubmit_nomination", _("Trình lại"),
        (("nomination.resubmit", _("Trình lại")),),
        verb=_("trình lại"), transition="resubmit", dispatch=True, accepts=("comment",),
        notifications=("stage_opened",),
    ),
    # An approval that ends the route awards: it is logged as the award (past events keep their names).
    Action(
        "approve", "workflows.actions.review.approve_nomination", _("Đồng ý"),
        (("nomination.approve", _("Đồng ý, chuyển tiếp")), ("nomination.award", _("Quyết định khen thưởng"))),
        verb=_("đồng ý"), transition="approve", dispatch=True, review=True,
        accepts=(*REVIEW_FIELDS, "decision_number", "decision_date"), when_final=("decision_number", "decision_date"),
        notifications=("stage_opened", "nomination_awarded"),
    ),
    Action(
        "return", "workflows.actions.review.return_nomination", _("Trả lại"),
        (("nomination.return", _("Trả lại")),),
        verb=_("trả lại"), transition="return_", dispatch=True, review=True,
        requires=("reason",), accepts=(*REVIEW_FIELDS, "reason_code"),
        notifications=("stage_opened", "nomination_returned"),
    ),
    Action(
        "reject", "workflows.actions.review.reject_nomination", _("Không đồng ý"),
        (("nomination.reject", _("Không đồng ý")),),
        verb=_("không đồng ý"), transition="reject", dispatch=True, review=True,
        requires=("reason",), accepts=(*REVIEW_FIELDS, "reason_code"), notifications=("nomination_rejected",),
    ),
    Action(
        "withdraw", "workflows.actions.review.withdraw_nomination", _("Rút hồ sơ"),
        (("nomination.withdraw", _("Rút hồ sơ")),),
        verb=_("rút"), transition="withdraw", dispatch=True, accepts=("comment", "reason"),
    ),
    # --- the other audited writes, each with a page or an endpoint of its own ---------------------------------------
    # create_nominations (the tờ trình's Excel import) is this action for many rows: the same code and events.
    Action(
        "create", "workflows.actions.dossier.create_nomination", _("Lập hồ sơ"),
        (("nomination.create", _("Lập hồ sơ")),),
        requires=("round", "award", "submitting_unit", "nominee", "achievement"), accepts=("criteria", "path"),
    ),
    Action(
        "update", "workflows.actions.dossier.update_nomination", _("Sửa hồ sơ"),
        (("nomination.update", _("Sửa hồ sơ")),),
        accepts=("achievement", "criteria", "nominee_details", "path"),
    ),
    Action(
        "attach_document", "workflows.actions.dossier.attach_document", _("Đính kèm tài liệu"),
        (("nomination.document_add", _("Đính kèm tài liệu")),),
        requires=("kind", "upload"),
    ),
    Action(
        "remove_document", "workflows.actions.dossier.remove_document", _("Xóa tài liệu"),
        (("nomination.document_remove", _("Xóa tài liệu")),),
        requires=("document",),
    ),
    Action(
        "replace_document", "workflows.actions.dossier.replace_document", _("Thay tài liệu"),
        (("nomination.document_replace", _("Thay tài liệu")),),
        requires=("document", "upload"),
    ),
    Action(
        "council_vote", "workflows.actions.council.record_council_vote", _("Ghi kết quả bỏ phiếu của Hội đồng"),
        (("nomination.council_vote", _("Ghi kết quả bỏ phiếu của Hội đồng")),),
        requires=("stage", "present", "votes_for", "minutes"), accepts=("meeting_date",),
    ),
    # G4: the nominee is flagged, and each of their nominations in review waits (the transition, one event each).
    Action(
        "hold", "workflows.actions.holds.place_hold", _("Tạm dừng xét khen thưởng đối tượng"),
        (("nominee.hold", _("Tạm dừng xét khen thưởng đối tượng")), ("nomination.hold", _("Tạm dừng xét hồ sơ"))),
        verb=_("tạm dừng"), transition="hold", requires=("reason", "upload"), accepts=("note",),
    ),
    Action(
        "clear_hold", "workflows.actions.holds.clear_hold", _("Gỡ tạm dừng"),
        (("nominee.clear_hold", _("Gỡ tạm dừng")), ("nomination.release", _("Tiếp tục xét hồ sơ"))),
        verb=_("tiếp tục xét"), transition="release", requires=("note",),
    ),
    # Decree 13/2023: a read of a nominee's identity number or hold notes, recorded (nominations.personal_data).
    Action(
        "reveal", "workflows.actions.personal_data.reveal_personal_data", _("Xem dữ liệu cá nhân"),
        (("nominee.reveal", _("Xem dữ liệu cá nhân của đối tượng")),),
    ),
    Action(
        "export", "workflows.actions.personal_data.record_export", _("Tải về nhật ký kiểm toán"),
        (("audit.export", _("Tải về nhật ký kiểm toán (kèm ghi chú tạm dừng)")),),
        requires=("root",), accepts=("since", "until"),
    ),
    # G3: submit and resubmit flag a rival nomination of the same person; the level above both settles it.
    Action(
        "flag_duplicate", "workflows.actions.duplicates.flag_duplicates", _("Phát hiện hồ sơ trùng thành tích"),
        (("duplicate.flag", _("Phát hiện hồ sơ trùng thành tích")),),
        requires=("rivals",),
    ),
    Action(
        "resolve_duplicate", "workflows.actions.duplicates.resolve_duplicate", _("Đối chiếu hồ sơ trùng thành tích"),
        (("duplicate.resolve", _("Đối chiếu hồ sơ trùng thành tích")),),
        requires=("keep", "note"),
    ),
    # --- the tờ trình (proposals/): the envelope a level sends up, its items reviewed one by one by the actions above --
    Action(
        "proposal_create", "proposals.actions.create_proposal", _("Lập tờ trình"),
        (("proposal.create", _("Lập tờ trình")),),
        requires=("issuing_unit", "round"), accepts=("title",),
    ),
    Action(
        "proposal_add_items", "proposals.actions.add_items", _("Thêm hồ sơ vào tờ trình"),
        (("proposal.add_items", _("Thêm hồ sơ vào tờ trình")),),
        requires=("nominations",),
    ),
    Action(
        "proposal_document", "proposals.actions.attach_proposal_document", _("Đính kèm tài liệu của tờ trình"),
        (("proposal.document_add", _("Đính kèm tài liệu của tờ trình")),),
        requires=("kind", "upload"),
    ),
    Action(
        "proposal_submit", "proposals.actions.submit_proposal", _("Trình tờ trình"),
        (("proposal.submit", _("Trình tờ trình")),),
        accepts=("number", "date", "comment"),
    ),
    Action(
        "review_items", "proposals.actions.review_items", _("Xét duyệt theo danh sách"),
        (("proposal.forward", _("Trình tờ trình lên cấp trên")),
         ("proposal.decide", _("Quyết định khen thưởng theo danh sách"))),
        requires=("action", "items"),
        accepts=("comment", "reason", "reason_code", "number", "into", "decision_number", "decision_date"),
    ),
    # --- written by the system: the deadlines' reminders and escalations, the reorganisation of units ---------------
    Action(
        "remind", "workflows.reminders.run", _("Nhắc hạn xử lý"),
        (("nomination.reminder", _("Nhắc hạn xử lý")), ("nomination.escalation", _("Quá hạn xử lý"))),
        accepts=("today",), notifications=("send",),
    ),
    Action(
        "reorganise", "workflows.reorganisation.reorganise_unit", _("Sắp xếp lại đơn vị"),
        (("orgunit.reorganise", _("Sắp xếp lại đơn vị")),
         ("nomination.transfer", _("Chuyển hồ sơ sang đơn vị kế thừa")),
         ("nominee.transfer", _("Chuyển đối tượng sang đơn vị kế thừa"))),
        requires=("successor",), accepts=("day", "dry_run"),
    ),
)


def get(name: str) -> Action:
    """The entry of this public name; LookupError if there is none."""
    for action in REGISTRY:
        if action.name == name:
            return action
    raise LookupError(f"unknown action {name!r}")


def dispatched() -> list[Action]:
    """The actions `perform` runs (the pages' and the API's), in the order of their buttons."""
    return [action for action in REGISTRY if action.dispatch]


def event_labels() -> dict[str, Promise]:
    """Every audit action the registry's actions record → its label in the log."""
    return {event: label for action in REGISTRY for event, label in action.events}


class _Names(Sequence):
    """The public names of the dispatched actions, read from REGISTRY each time it is used."""

    def __getitem__(self, index):
        return [action.name for action in dispatched()][index]

    def __len__(self) -> int:
        return len(dispatched())

    def __repr__(self) -> str:
        return f"ACTION_NAMES{tuple(self)!r}"


# What the pages' and the API's action URLs, the API's enum and `perform` accept.
ACTION_NAMES: Sequence[str] = _Names()
