"""The tờ trình of the demo (`seed_demo`): the school's list of twelve in mixed states, and the commune's own
tờ trình gathering the items it forwards from two units. Written through the real actions, so the audit trail
is complete. Registered in workflows.demo.EXTRA_BUILDERS by the app's ready()."""

from nominations.models import Round
from workflows import demo
from workflows.selectors import open_stage

from . import actions

SCHOOL = [  # (award, kind, name)
    ("BK_TINH", "individual", "Lò Văn An"), ("BK_TINH", "individual", "Vàng Thị Bình"),
    ("BK_TINH", "individual", "Giàng A Chư"), ("GK_XA", "individual", "Sùng Thị Dung"),
    ("GK_XA", "individual", "Hoàng Văn Em"), ("GK_XA", "individual", "Lý Thị Gấm"),
    ("GK_XA", "collective", "Tổ Toán - Tin"), ("GK_XA", "collective", "Tổ Ngữ văn"),
    ("BK_TINH", "individual", "Tẩn Văn Hải"), ("GK_XA", "individual", "Phàn Thị Kim"),
    ("GK_XA", "individual", "Ma Văn Lâm"), ("GK_XA", "individual", "Đinh Thị Mơ"),
]
TDP = [("BK_TINH", "household", "Hộ bà Chảo Thị Nga"), ("BK_TINH", "clan", "Dòng họ Lý ở Sa Pa")]


def _pins(proposal, positions):
    items = proposal.items.select_related("nomination").order_by("position")
    return [{"nomination": i.nomination_id, "stage": open_stage(i.nomination).pk} for i in items
            if i.position in positions]


def _list(u, units, proposer, unit, rows, number, title):
    proposal = actions.create_proposal(actor=u[proposer], issuing_unit=units[unit], title=title,
                                       round=Round.objects.get(code="1315-2026"))
    drafts = [demo.prepare_draft(u, units, proposer, unit, award, "1315-2026", kind, name,
                                 "Tiêu biểu trong xây dựng xã hội học tập năm 2026.") for award, kind, name in rows]
    actions.add_items(actor=u[proposer], proposal=proposal, nominations=[d.pk for d in drafts])
    actions.submit_proposal(actor=u[proposer], proposal=proposal, number=number)
    return proposal


def build(u, units) -> None:
    school = _list(u, units, "unit_head", "LC-SAPA-THCS", SCHOOL, "12/TTr-THCS",
                   "Đề nghị khen thưởng năm 2026 (phong trào 1315)")
    # The commune's staff: eight appraised, one returned to the school, one rejected, two still waiting.
    actions.review_items(actor=u["commune_staff"], proposal=school, action="approve", items=_pins(school, range(1, 9)))
    actions.review_items(actor=u["commune_staff"], proposal=school, action="return", items=_pins(school, [9]),
                         reason="Báo cáo thành tích chưa có xác nhận của nhà trường.")
    actions.review_items(actor=u["commune_staff"], proposal=school, action="reject", items=_pins(school, [10]),
                         reason="Chưa đủ tiêu chuẩn khen thưởng.")
    # The commune's chair: the Giấy khen awarded in one decision, the Bằng khen sent up in the commune's tờ trình.
    forwarded = actions.review_items(actor=u["commune_chair"], proposal=school, action="approve",
                                     items=_pins(school, range(1, 7)), number="5/TTr-UBND",
                                     decision_number="21/QĐ-UBND")
    # The residents' group's list: its items gathered into the same tờ trình of the commune.
    tdp = _list(u, units, "tdp_head", "LC-SAPA-TDP1", TDP, "3/TTr-TDP1", "Đề nghị khen thưởng hộ gia đình, dòng họ")
    actions.review_items(actor=u["commune_staff"], proposal=tdp, action="approve", items=_pins(tdp, [1, 2]))
    actions.review_items(actor=u["commune_chair"], proposal=tdp, action="approve", items=_pins(tdp, [1, 2]),
                         into=forwarded.forwarded_in[0])
