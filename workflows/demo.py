"""The demo world of `seed_demo` (and of the tests): units, people with their roles, and nominations in
every state, each written through the real services so the audit trail is complete."""

import datetime
import os

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db.models import Q

from nominations.models import AwardType, Round
from nominations.rules import criteria_for
from roles.models import Kind, Level, OrgUnit, Role, RoleAssignment
from roles.services import grant_role

from . import actions
from .models import CouncilMember, CouncilRule
from .selectors import open_stage

D = datetime.date

UNITS = [
    # code, name, level, parent, valid_to, successor
    ("CP", "Chính phủ", Level.GOVERNMENT, None, None, None),
    ("BTDKTTW", "Ban Thi đua - Khen thưởng Trung ương", Level.CENTRAL_BOARD, "CP", None, None),
    ("BGDDT", "Bộ Giáo dục và Đào tạo", Level.MINISTRY, "CP", None, None),
    ("BGDDT-VGDTX", "Vụ Giáo dục thường xuyên", Level.UNIT, "BGDDT", None, None),
    ("LAOCAI", "Tỉnh Lào Cai", Level.PROVINCE, "CP", None, None),
    ("LC-SAPA", "Phường Sa Pa", Level.COMMUNE, "LAOCAI", None, None),
    ("LC-SAPA-THCS", "Trường THCS Sa Pa", Level.UNIT, "LC-SAPA", None, None),
    ("LC-SAPA-TDP1", "Tổ dân phố 1", Level.UNIT, "LC-SAPA", None, None),
    ("LC-BACHA", "Xã Bắc Hà", Level.COMMUNE, "LAOCAI", None, None),
    ("LC-SAPA-H", "Thị xã Sa Pa", Level.DISTRICT, "LAOCAI", D(2025, 6, 30), None),
    ("HANOI", "Thành phố Hà Nội", Level.PROVINCE, "CP", None, None),
    ("HN-HOANKIEM", "Phường Hoàn Kiếm", Level.COMMUNE, "HANOI", None, None),
    ("HN-HK-THPT", "Trường THPT Hoàn Kiếm", Level.UNIT, "HN-HOANKIEM", None, None),
    ("YENBAI", "Tỉnh Yên Bái", Level.PROVINCE, "CP", D(2025, 6, 30), "LAOCAI"),
]
# The demo's units that are units of the official list (roles.country), by their official codes: Lào Cai is "15"
# since 2025-07-01 (it took in Yên Bái), its communes and Hà Nội's are real ones. `load_country` (seed_demo
# --country) matches them by these codes and adds the rest of the country around them.
OFFICIAL = {  # code: (official code, kind)
    "BGDDT": ("", Kind.MINISTRY),
    "LAOCAI": ("15", Kind.PROVINCE),
    "LC-SAPA": ("03006", Kind.WARD),
    "LC-BACHA": ("02839", Kind.COMMUNE),
    "HANOI": ("01", Kind.CITY),
    "HN-HOANKIEM": ("00070", Kind.WARD),
}

PEOPLE = [
    # username, full name, role, unit
    ("unit_head", "Nguyễn Văn Hùng", Role.PROPOSER, "LC-SAPA-THCS"),
    ("tdp_head", "Lý Thị Mai", Role.PROPOSER, "LC-SAPA-TDP1"),
    ("commune_staff", "Trần Thị Hoa", Role.APPRAISER, "LC-SAPA"),
    ("commune_chair", "Vàng Seo Pao", Role.DECIDER, "LC-SAPA"),
    ("bacha_staff", "Hoàng Văn Nam", Role.APPRAISER, "LC-BACHA"),
    ("bacha_chair", "Giàng A Lử", Role.DECIDER, "LC-BACHA"),
    ("province_staff", "Phạm Thu Trang", Role.APPRAISER, "LAOCAI"),
    ("province_chair", "Đặng Xuân Phong", Role.DECIDER, "LAOCAI"),
    ("commune_secretary", "Lù Thị Hương", Role.SECRETARY, "LC-SAPA"),
    ("province_secretary", "Nguyễn Thị Thanh Hà", Role.SECRETARY, "LAOCAI"),
    ("ministry_unit_head", "Lê Minh Đức", Role.PROPOSER, "BGDDT-VGDTX"),
    ("ministry_staff", "Vũ Thị Hạnh", Role.APPRAISER, "BGDDT"),
    ("minister", "Bộ trưởng Bộ GD&ĐT", Role.DECIDER, "BGDDT"),
    ("central_staff", "Đỗ Quang Vinh", Role.APPRAISER, "BTDKTTW"),
    ("pm", "Thủ tướng Chính phủ", Role.DECIDER, "CP"),
    ("hanoi_unit_head", "Ngô Thanh Tâm", Role.PROPOSER, "HN-HK-THPT"),
    ("hanoi_staff", "Bùi Thị Lan", Role.APPRAISER, "HANOI"),
    ("hanoi_chair", "Trịnh Văn Quyết", Role.DECIDER, "HANOI"),
    ("inspector", "Thanh tra tỉnh Lào Cai", Role.INSPECTOR, "LAOCAI"),
    ("chief_inspector", "Thanh tra Chính phủ", Role.INSPECTOR, "CP"),
    ("ministry_secretary", "Trần Thị Thu Hằng", Role.SECRETARY, "BGDDT"),
    ("central_secretary", "Lê Văn Toàn", Role.SECRETARY, "CP"),
]

# The councils (Hội đồng Thi đua - Khen thưởng) of the commune and the province on the demo's main path, whose
# secretaries are demo accounts: a CouncilRule added in the admin for these levels then works out of the box.
CHAIR, VICE, MEMBER, SECRETARY = (CouncilMember.Position.CHAIR, CouncilMember.Position.VICE_CHAIR,
                                  CouncilMember.Position.MEMBER, CouncilMember.Position.SECRETARY)
COUNCILS = {
    # unit: [(full name, title, position, demo username or None)]; 7 voting members at the commune, 9 at the province
    "LC-SAPA": [
        ("Vàng Seo Pao", "Chủ tịch UBND phường", CHAIR, "commune_chair"),
        ("Hoàng Văn Thắng", "Phó Chủ tịch UBND phường", VICE, None),
        ("Trần Thị Hoa", "Công chức Văn hóa - Xã hội", MEMBER, "commune_staff"),
        ("Lý Văn Sơn", "Chủ tịch Ủy ban Mặt trận Tổ quốc phường", MEMBER, None),
        ("Tẩn Thị Mây", "Chủ tịch Hội Liên hiệp Phụ nữ phường", MEMBER, None),
        ("Phàn Văn Lâm", "Bí thư Đoàn Thanh niên phường", MEMBER, None),
        ("Đỗ Thị Nga", "Chủ tịch Hội Khuyến học phường", MEMBER, None),
        ("Lù Thị Hương", "Công chức Văn phòng - Thống kê", SECRETARY, "commune_secretary"),
    ],
    "LAOCAI": [
        ("Đặng Xuân Phong", "Chủ tịch UBND tỉnh", CHAIR, "province_chair"),
        ("Nguyễn Văn Bình", "Phó Chủ tịch UBND tỉnh", VICE, None),
        ("Hà Thị Thu", "Giám đốc Sở Nội vụ", VICE, None),
        ("Phạm Thu Trang", "Trưởng ban Thi đua - Khen thưởng", MEMBER, "province_staff"),
        ("Lê Quang Huy", "Giám đốc Sở Giáo dục và Đào tạo", MEMBER, None),
        ("Vương Thị Hồng", "Chủ tịch Ủy ban Mặt trận Tổ quốc tỉnh", MEMBER, None),
        ("Trần Minh Tuấn", "Chủ tịch Liên đoàn Lao động tỉnh", MEMBER, None),
        ("Sùng A Páo", "Chủ tịch Hội Khuyến học tỉnh", MEMBER, None),
        ("Bùi Thị Ngọc", "Chủ tịch Hội Liên hiệp Phụ nữ tỉnh", MEMBER, None),
        ("Nguyễn Thị Thanh Hà", "Phó Trưởng ban Thi đua - Khen thưởng", SECRETARY, "province_secretary"),
    ],
    "BGDDT": [
        ("Bộ trưởng Bộ GD&ĐT", "Bộ trưởng", CHAIR, "minister"),
        ("Phạm Ngọc Thưởng", "Thứ trưởng", VICE, None),
        ("Vũ Thị Hạnh", "Vụ trưởng Vụ Thi đua - Khen thưởng", MEMBER, "ministry_staff"),
        ("Nguyễn Xuân Thành", "Vụ trưởng Vụ Giáo dục thường xuyên", MEMBER, None),
        ("Đỗ Thị Minh", "Chủ tịch Công đoàn Giáo dục Việt Nam", MEMBER, None),
        ("Trần Thị Thu Hằng", "Phó Vụ trưởng Vụ Thi đua - Khen thưởng", SECRETARY, "ministry_secretary"),
    ],
    # Hội đồng Thi đua - Khen thưởng Trung ương, whose vote comes before the Prime Minister's decision
    "CP": [
        ("Thủ tướng Chính phủ", "Chủ tịch Hội đồng", CHAIR, "pm"),
        ("Phạm Thị Thanh Trà", "Bộ trưởng Bộ Nội vụ", VICE, None),
        ("Đỗ Quang Vinh", "Trưởng ban Thi đua - Khen thưởng Trung ương", MEMBER, "central_staff"),
        ("Nguyễn Kim Sơn", "Bộ trưởng Bộ Giáo dục và Đào tạo", MEMBER, None),
        ("Hoàng Văn Minh", "Chủ tịch Tổng Liên đoàn Lao động Việt Nam", MEMBER, None),
        ("Lê Văn Toàn", "Phó Trưởng ban Thi đua - Khen thưởng Trung ương", SECRETARY, "central_secretary"),
    ],
}

# The councils' voting rules `seed_demo` ships, from the province up (DOMAIN.md §5: ≥ 70 % of all members for a
# Bằng khen), so the demo shows a Hội đồng Thi đua - Khen thưởng vote before a province, a ministry or the Prime
# Minister decides. Not built for the tests' world, whose journeys decide without one unless a test adds a rule.
COUNCIL_RULES = [(Level.PROVINCE, 50, 70), (Level.MINISTRY, 50, 70), (Level.GOVERNMENT, 50, 70)]

DEFAULT_PASSWORD = "thidua-demo-2026"  # noqa: S105 - a demo's known password; DEMO_PASSWORD overrides it


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD


PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
DOSSIER = ["to_trinh", "bao_cao_thanh_tich", "bien_ban_hoi_dong"]



def build_units() -> dict[str, OrgUnit]:
    """The demo's units by their demo codes; a unit of the official list already in the tree (the country loaded
    first) is found by its official code and keeps its own code."""
    units: dict[str, OrgUnit] = {}
    stored = list(OrgUnit.objects.filter(  # one query for all
        Q(code__in=[u[0] for u in UNITS]) | Q(official_code__in=[o for o, _k in OFFICIAL.values() if o],
                                              valid_to__isnull=True)))
    by_code = {u.code: u for u in stored}
    by_official = {u.official_code: u for u in stored if u.official_code and u.valid_to is None}
    for code, name, level, parent, valid_to, _successor in UNITS:
        official_code, kind = OFFICIAL.get(code, ("", ""))
        unit = by_code.get(code) or by_official.get(official_code) or OrgUnit(code=code)
        unit.name, unit.level, unit.parent, unit.valid_to = name, level, units.get(parent), valid_to
        unit.official_code, unit.kind = official_code, kind
        unit.save()
        units[code] = unit
    for code, *_rest, successor in UNITS:
        if successor and units[code].successor_id != units[successor].pk:
            units[code].successor = units[successor]
            units[code].save(update_fields=["successor"])
    return units


def build_people(password: str, units: dict[str, OrgUnit]) -> dict:
    """The demo accounts with their roles; an existing account keeps its password."""
    User = get_user_model()
    users = {}
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True, "first_name": "Quản trị"}
    )
    if created:
        admin.set_password(password)
        admin.save()
    users["admin"] = admin
    for username, full_name, role, unit in PEOPLE:
        user, created = User.objects.get_or_create(username=username, defaults={"first_name": full_name})
        if created:
            user.set_password(password)
            user.save()
        if not RoleAssignment.objects.filter(user=user, org_unit=units[unit], role=role, revoked_at__isnull=True).exists():
            grant_role(actor=admin, user=user, org_unit=units[unit], role=role)
        users[username] = user
    build_councils(units, users)
    return users


def build_councils(units: dict[str, OrgUnit], users: dict) -> None:
    """The councils' members (COUNCILS), for a unit that has none yet."""
    for code, seats in COUNCILS.items():
        if CouncilMember.objects.filter(org_unit=units[code]).exists():
            continue
        CouncilMember.objects.bulk_create([
            CouncilMember(org_unit=units[code], full_name=name, title=title, position=position,
                          user=users.get(username) if username else None)
            for name, title, position, username in seats
        ])


def build_council_rules() -> None:
    """COUNCIL_RULES, for a level that has none yet."""
    for level, quorum, threshold in COUNCIL_RULES:
        if not CouncilRule.objects.filter(level=level).exists():
            CouncilRule.objects.create(level=level, quorum_percent=quorum, threshold_percent=threshold,
                                       threshold_base=CouncilRule.Base.MEMBERS)


def prepare_draft(u, units, proposer, unit, award, rnd, kind, name, achievement, documents=DOSSIER,
                  identity_number="", details=""):
    """A draft with every criterion answered and the given documents attached."""
    nomination = actions.create_nomination(
        actor=u[proposer], round=Round.objects.get(code=rnd), award=AwardType.objects.get(code=award),
        submitting_unit=units[unit], achievement=achievement,
        nominee={"kind": kind, "name": name, "identity_number": identity_number, "details": details},
    )
    actions.update_nomination(actor=u[proposer], nomination=nomination, criteria=[
        {"code": c.code, "met": True, "note": "Có minh chứng trong báo cáo thành tích."}
        for c in criteria_for(nomination)
    ])
    for kind_ in documents:
        actions.attach_document(actor=u[proposer], nomination=nomination, kind=kind_,
                                upload=ContentFile(PDF, name=f"{kind_}.pdf"))
    return nomination


def approve_in_turn(u, nomination, *people):
    for person in people:
        actions.approve_nomination(actor=u[person], nomination=nomination, stage=open_stage(nomination))


def build_nominations(u, units) -> None:
    """Nominations in every state, in the rounds open today (annual 2026 and the sơ kết 2023–2025)."""

    def draft(*args, **kwargs):
        return prepare_draft(u, units, *args, **kwargs)

    annual, so_ket = "1315-2026", "1315-SK-2025"
    draft("unit_head", "LC-SAPA-THCS", "GK_XA", annual, "individual", "Nguyễn Thị Lan",
          "Giáo viên tích cực tham gia xây dựng xã hội học tập ở phường.", documents=DOSSIER[:1])

    n = draft("tdp_head", "LC-SAPA-TDP1", "GK_XA", annual, "household", "Hộ ông Vàng A Sử",
              "Gia đình học tập tiêu biểu của tổ dân phố.")
    actions.submit_nomination(actor=u["tdp_head"], nomination=n)

    n = draft("tdp_head", "LC-SAPA-TDP1", "GK_XA", annual, "clan", "Dòng họ Giàng ở Sa Pa",
              "Dòng họ học tập ba năm liền.")
    actions.submit_nomination(actor=u["tdp_head"], nomination=n)
    approve_in_turn(u, n, "commune_staff", "commune_chair")

    n = draft("unit_head", "LC-SAPA-THCS", "BK_TINH", annual, "collective", "Trường THCS Sa Pa",
              "Đơn vị học tập, nhiều sáng kiến về học tập suốt đời cho giáo viên.")
    actions.submit_nomination(actor=u["unit_head"], nomination=n)
    approve_in_turn(u, n, "commune_staff", "commune_chair")

    n = draft("unit_head", "LC-SAPA-THCS", "BK_TINH", annual, "individual", "Phạm Văn Toàn",
              "Công dân học tập, hướng dẫn tin học cho người dân.")
    actions.submit_nomination(actor=u["unit_head"], nomination=n)
    actions.return_nomination(actor=u["commune_staff"], nomination=n, stage=open_stage(n),
                              reason="Biên bản họp hội đồng chưa có kết quả bỏ phiếu.")

    n = draft("tdp_head", "LC-SAPA-TDP1", "GK_XA", annual, "individual", "Sùng Thị Dợ",
              "Tham gia lớp xóa mù chữ và vận động người dân cùng học.")
    actions.submit_nomination(actor=u["tdp_head"], nomination=n)
    actions.reject_nomination(actor=u["commune_staff"], nomination=n, stage=open_stage(n),
                              reason="Thành tích chưa đủ tiêu chuẩn khen thưởng.", reason_code="khong_du_tieu_chuan")

    n = draft("unit_head", "LC-SAPA-THCS", "GK_XA", annual, "individual", "Lò Văn Sinh",
              "Hướng dẫn học sinh tự học trực tuyến.")
    actions.withdraw_nomination(actor=u["unit_head"], nomination=n, reason="Đề nghị ở đợt sau.")

    n = draft("unit_head", "LC-SAPA-THCS", "BK_TTG", so_ket, "individual", "Hoàng Thị Thu",
              "Tiêu biểu xuất sắc trong phong trào giai đoạn 2023 - 2025.")
    actions.submit_nomination(actor=u["unit_head"], nomination=n)
    approve_in_turn(u, n, "commune_staff", "commune_chair", "province_staff", "province_chair")

    n = draft("ministry_unit_head", "BGDDT-VGDTX", "BK_BO", annual, "collective", "Phòng Giáo dục thường xuyên",
              "Xây dựng tài liệu học tập suốt đời cho người lớn.")
    actions.submit_nomination(actor=u["ministry_unit_head"], nomination=n)

    n = draft("hanoi_unit_head", "HN-HK-THPT", "BK_TINH", annual, "collective", "Trường THPT Hoàn Kiếm",
              "Mô hình thư viện mở cho cộng đồng.")
    actions.submit_nomination(actor=u["hanoi_unit_head"], nomination=n)


# The demo parts of the apps above the engine (proposals/: the tờ trình), which the engine cannot import: each
# registers a builder(users, units) here when Django starts (its AppConfig.ready), and seed_demo runs them after
# build_nominations.
EXTRA_BUILDERS: list = []
