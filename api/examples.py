"""The examples of the OpenAPI document: one story (a teacher's nomination for the Prime Minister's certificate of
merit, from a school in Sa Pa) told by every operation, so the Swagger page and generated clients read as one.

A list operation's example is one item: drf-spectacular wraps it in the list or the page. tests/api/test_conventions.py
checks every example against the schema it illustrates.
"""

from drf_spectacular.utils import OpenApiExample


def request(value) -> OpenApiExample:
    return OpenApiExample("request", value=value, request_only=True)


def response(value) -> OpenApiExample:
    return OpenApiExample("response", value=value, response_only=True)


def upload(fields: dict) -> OpenApiExample:
    return OpenApiExample("request", value=fields, request_only=True, media_type="multipart/form-data")


AT = "2026-03-02T09:15:00+07:00"
SHA256 = "68d3dbe223d4659eb030429ecc280a437eb6e9b042a59797cbbd9e16f56c1d56"

TOKEN_REQUEST = request({"username": "unit_head", "password": "thidua-demo-2026"})
TOKEN = response({"token": "5f0c1e…", "expiry": "2026-03-02T19:15:00+07:00"})
ME = response({"id": 2, "username": "unit_head", "full_name": "Lò Văn Minh",
               "roles": [{"org_unit": "LC-SAPA-THCS", "role": "proposer", "valid_from": None, "valid_to": None}]})

ORG_UNIT = response({"code": "LC-SAPA", "name": "Phường Sa Pa", "level": 20, "parent": "LAOCAI",
                     "path": "/CP/LAOCAI/LC-SAPA/", "valid_from": None, "valid_to": None, "successor": None})
AWARD = response({"code": "BK_TTG", "name": "Bằng khen của Thủ tướng Chính phủ", "deciding_level": 70,
                  "required_documents": ["to_trinh", "bao_cao_thanh_tich", "bien_ban_hoi_dong"],
                  "valid_from": None, "valid_to": None, "rules": []})
ROUND = response({"code": "1315-SK-2025", "name": "Sơ kết Phong trào 1315 giai đoạn 2023 - 2025", "kind": "so_ket",
                  "movement": "1315", "period_start": "2023-01-01", "period_end": "2025-12-31",
                  "opens_on": "2026-01-01", "closes_on": "2026-06-30"})
MOVEMENT = response({"code": "1315", "name": "Cả nước thi đua xây dựng xã hội học tập giai đoạn 2023 - 2030",
                     "decision": "1315/QĐ-TTg", "thematic": True, "period_start": "2023-01-01",
                     "period_end": "2030-12-31", "criteria": [{"code": "CN-1", "group": "individual", "text": (
                         "Được công nhận danh hiệu “Công dân học tập”.")}]})

NOMINEE = {"kind": "individual", "name": "Hà Thị Ngọc Ánh", "identity_number": "", "details": ""}
ACHIEVEMENT = "Mở lớp xóa mù chữ cho đồng bào vùng cao suốt ba năm."
CRITERIA = [{"code": "CN-1", "met": True, "note": "Có xác nhận của Ủy ban nhân dân phường."}]
SUMMARY = {"id": 7, "status": "in_review", "round": "1315-SK-2025", "award": "BK_TTG",
           "submitting_unit": "LC-SAPA-THCS", "nominee": NOMINEE, "path": "movement", "achievement": ACHIEVEMENT,
           "created_at": AT, "updated_at": AT, "submitted_at": AT, "decision_number": "", "decision_date": None}
OPEN_STAGE = {"id": 21, "level": 20, "org_unit": "LC-SAPA", "step": "appraise", "opened_at": AT,
              "due_at": "2026-04-01T23:59:59+07:00"}
NOMINATION = {**SUMMARY, "criteria": CRITERIA, "open_stage": OPEN_STAGE, "available_actions": ["approve", "return"],
              "may_edit": False, "may_attach": True}
DRAFT = {**NOMINATION, "status": "draft", "submitted_at": None, "open_stage": None,
         "available_actions": ["submit"], "may_edit": True}

NOMINATIONS = response(SUMMARY)
NOMINATION_READ = response(NOMINATION)
NOMINATION_CREATE = [
    request({"round": "1315-SK-2025", "award": "BK_TTG", "submitting_unit": "LC-SAPA-THCS",
             "nominee": {"kind": "individual", "name": "Hà Thị Ngọc Ánh"}, "achievement": ACHIEVEMENT,
             "criteria": CRITERIA}),
    response(DRAFT),
]
NOMINATION_UPDATE = [request({"criteria": CRITERIA}), response(DRAFT)]
ACTION = [
    request({"stage": 21, "comment": "Đồng ý trình lên Ủy ban nhân dân tỉnh."}),
    response({**NOMINATION, "open_stage": {**OPEN_STAGE, "id": 22, "step": "decide"}, "available_actions": []}),
]

DOCUMENT = {"id": 31, "kind": "to_trinh", "original_name": "to_trinh.pdf", "content_type": "application/pdf",
            "size": 48213, "sha256": SHA256, "uploaded_by": "unit_head", "uploaded_at": AT}
DOCUMENTS = response(DOCUMENT)
DOCUMENT_UPLOAD = [upload({"kind": "to_trinh", "file": "(the file: to_trinh.pdf)"}), response(DOCUMENT)]
ROUTE = response({"position": 0, "level": 20, "org_unit": "LC-SAPA", "org_unit_name": "Phường Sa Pa",
                  "step": "appraise", "state": "current"})

STAGE = response({**OPEN_STAGE, "days_left": 20, "nomination": SUMMARY})
COUNCIL_VOTE = [
    request({"stage": 22, "present": 7, "votes_for": 6, "minutes": 33, "meeting_date": "2026-03-10"}),
    response({"id": 4, "stage": 22, "members": 9, "present": 7, "votes_for": 6, "minutes": 33,
              "meeting_date": "2026-03-10", "recorded_by": "commune_secretary", "recorded_at": AT}),
]

HOLD = {"id": 3, "reason": "discipline", "note": "Đang xem xét kỷ luật.", "original_name": "quyet-dinh.pdf",
        "sha256": SHA256, "placed_by": "inspector", "placed_at": AT, "cleared_by": None, "cleared_at": None,
        "clear_note": ""}
HOLDS = response(HOLD)
PERSONAL_DATA = response({"identity_number": "001190012345", "holds": [{
    "id": 3, "reason": "discipline", "placed_at": AT, "cleared_at": None, "note": "Đang xem xét kỷ luật.",
    "clear_note": ""}]})
HOLD_PLACE = [upload({"reason": "discipline", "file": "(the file: quyet-dinh.pdf)", "note": "Đang xem xét kỷ luật."}),
              response(HOLD)]
HOLD_CLEAR = [request({"note": "Kết luận không vi phạm."}),
              response({**HOLD, "cleared_by": "inspector", "cleared_at": AT, "clear_note": "Kết luận không vi phạm."})]

DUPLICATE = {"id": 2, "unit": "LAOCAI", "opened_at": AT, "nominations": [SUMMARY, {**SUMMARY, "id": 9,
             "submitting_unit": "LC-BACHA"}], "resolved_at": None, "kept": None, "note": ""}
DUPLICATES = response(DUPLICATE)
DUPLICATE_RESOLVE = [request({"keep": 7, "note": "Thành tích gắn với trường ở Sa Pa."}),
                     response({**DUPLICATE, "resolved_at": AT, "kept": 7, "note": "Thành tích gắn với trường ở Sa Pa."})]

EVENT = {"seq": 75, "at": AT, "action": "nomination.approve", "actor_name": "commune_staff", "on_behalf_of_name": "",
         "object_type": "nominations.nomination", "object_id": "7", "org_unit": "LC-SAPA",
         "org_path": "/CP/LAOCAI/LC-SAPA/", "from_status": "in_review", "to_status": "in_review",
         "comment": "Đồng ý trình lên Ủy ban nhân dân tỉnh.", "data": {"stage": 21, "opened_stage": 22},
         "prev_hash": "e3e82ef58b2cbe7ae863bd55a40b0c6f05e8fac3a58f5ffedf2facb249047205",
         "hash": "e01c1818acc682e76ae7acb3a000d7089ca080ca91f1b94695d88892e2f374be"}
EVENTS = response(EVENT)
EXPORT_LINE = ('{"seq": 75, "at": "2026-03-02T02:15:00+00:00", "action": "nomination.approve", …, '
               '"prev_hash": "e3e8…", "hash": "e01c…"}\n')
VERIFIED = [
    response({"ok": True, "head_hash": EVENT["hash"], "complete": True, "problem": None,
              "full_checked_at": "2026-03-02T03:00:00+07:00", "checkpoint_at": "2026-03-02T09:00:00+07:00",
              "events_checked_in_scope": 12}),
    OpenApiExample("broken", value={"ok": False, "head_hash": EVENT["prev_hash"], "complete": True,
                                    "problem": "changed", "full_checked_at": None, "checkpoint_at": None,
                                    "events_checked_in_scope": 12,
                                    "message": "Chuỗi nhật ký bị thay đổi."}, response_only=True, status_codes=[409]),
]
