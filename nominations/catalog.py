"""Reference data: the award catalog (DOMAIN.md §4), the 1315/QĐ-TTg movement with its criteria per subject
group (transcribed from the decision, see shared/seed) and its rounds. Loaded idempotently; administrators
edit it afterwards in the admin."""

import datetime

from django.db import transaction
from django.utils.translation import gettext_noop

from roles.models import Level

from .models import AwardRule, AwardType, Criterion, DocumentKind, Movement, Round, SubjectGroup

D = datetime.date
STANDARD_DOSSIER = [DocumentKind.TO_TRINH, DocumentKind.BAO_CAO_THANH_TICH, DocumentKind.BIEN_BAN_HOI_DONG]

AWARDS = [
    ("GK_UNIT", gettext_noop("Giấy khen của Thủ trưởng cơ quan, đơn vị"), Level.UNIT, None, None),
    ("GK_XA", gettext_noop("Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã"), Level.COMMUNE, None, None),
    ("GK_HUYEN", gettext_noop("Giấy khen của Chủ tịch Ủy ban nhân dân cấp huyện"), Level.DISTRICT, None, D(2025, 6, 30)),
    ("BK_TINH", gettext_noop("Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh"), Level.PROVINCE, None, None),
    ("BK_BO", gettext_noop("Bằng khen của Bộ trưởng, Thủ trưởng ban, ngành, đoàn thể Trung ương"), Level.MINISTRY,
     None, None),
    ("BK_TTG", gettext_noop("Bằng khen của Thủ tướng Chính phủ"), Level.GOVERNMENT, None, None),
    ("CSTD_CS", gettext_noop("Danh hiệu Chiến sĩ thi đua cơ sở"), Level.COMMUNE, None, None),
]

# Who decides, by date (DOMAIN.md §4): an award without rules is decided at its own `deciding_level`.
_BEFORE_REFORM = "Chủ tịch UBND cấp huyện (trước 01/07/2025)"
AWARD_RULES = [
    ("GK_HUYEN", Level.DISTRICT, None, D(2025, 6, 30), _BEFORE_REFORM),
    ("CSTD_CS", Level.DISTRICT, None, D(2025, 6, 30), _BEFORE_REFORM),
    ("CSTD_CS", Level.COMMUNE, D(2025, 7, 1), None, "Chính quyền địa phương 2 cấp, từ 01/07/2025"),
]

MOVEMENT = {
    "code": "1315",
    "name": "Cả nước thi đua xây dựng xã hội học tập, đẩy mạnh học tập suốt đời giai đoạn 2023 - 2030",
    "decision": "1315/QĐ-TTg",
    "thematic": True,
    "period_start": D(2023, 1, 1),
    "period_end": D(2030, 12, 31),
}

_CDHT = "Được công nhận \u201cCộng đồng học tập\u201d cấp {} theo tiêu chí do Bộ Giáo dục và Đào tạo ban hành."
_INITIATIVES = "Có nhiều sáng kiến, giải pháp hiệu quả trong triển khai thực hiện Phong trào thi đua."
_AWARENESS = (
    "Thực hiện tốt công tác tuyên truyền nâng cao nhận thức cho cộng đồng về học tập suốt đời, "
    "xây dựng xã hội học tập."
)
CRITERIA = {
    SubjectGroup.PROVINCE: [
        ("TINH-1", "Xây dựng, ban hành các chính sách thu hút, khuyến khích sự tham gia của các tổ chức, cá nhân vào "
                   "công tác xây dựng xã hội học tập; chính sách hỗ trợ người học có hoàn cảnh khó khăn, người dân "
                   "tộc thiểu số, người khuyết tật."),
        ("TINH-2", "Xây dựng, triển khai có hiệu quả công tác xây dựng xã hội học tập; đề ra các nội dung, giải pháp "
                   "sáng tạo, đặc thù, thiết thực, phù hợp với tình hình và điều kiện của địa phương."),
        ("TINH-3", "Có nhiều giải pháp, sáng kiến hiệu quả trong triển khai thực hiện Phong trào thi đua."),
        ("TINH-4", _CDHT.format("tỉnh")),
    ],
    SubjectGroup.DISTRICT: [
        ("HUYEN-1", "Thực hiện đầy đủ các chính sách thúc đẩy khuyến học, khuyến tài, học tập suốt đời, xây dựng xã "
                    "hội học tập do trung ương và tỉnh ban hành. " + _AWARENESS),
        ("HUYEN-2", _INITIATIVES),
        ("HUYEN-3", _CDHT.format("huyện")),
    ],
    SubjectGroup.COMMUNE: [
        ("XA-1", "Thực hiện đầy đủ các chính sách thúc đẩy học tập suốt đời, xây dựng xã hội học tập do tỉnh và "
                 "huyện ban hành. " + _AWARENESS),
        ("XA-2", _INITIATIVES),
        ("XA-3", _CDHT.format("xã")),
    ],
    SubjectGroup.HOUSEHOLD_CLAN: [
        ("HGD-1", "Đạt danh hiệu \u201cGia đình học tập\u201d và \u201cDòng họ học tập\u201d theo tiêu chí do Bộ Giáo dục "
                  "và Đào tạo phối hợp với Hội Khuyến học Việt Nam ban hành."),
        ("HGD-2", "Có nhiều đóng góp về công sức, trí tuệ, vật chất xây dựng thôn bản, tổ dân phố trở thành "
                  "\u201cCộng đồng học tập\u201d trên địa bàn hành chính cấp xã."),
    ],
    SubjectGroup.ORGANIZATION: [
        ("DV-1", "Có những đóng góp cụ thể, thiết thực trong công tác xây dựng xã hội học tập và được cấp có thẩm "
                 "quyền ghi nhận."),
        ("DV-2", "Ban hành quy định cụ thể về việc học tập, bồi dưỡng thường xuyên cho công chức, viên chức và người "
                 "lao động trong cơ quan, đơn vị."),
        ("DV-3", "Có chế độ, chính sách hỗ trợ, tạo điều kiện cho cán bộ, công chức, kỹ sư, chuyên gia, nhân viên và "
                 "công nhân kỹ thuật học tập nâng cao trình độ."),
        ("DV-4", "Các tổ chức trong doanh nghiệp, cơ quan, đơn vị được công nhận \u201cĐơn vị học tập\u201d theo tiêu "
                 "chí do Bộ Giáo dục và Đào tạo ban hành."),
    ],
    SubjectGroup.INDIVIDUAL: [
        ("CN-1", "Được công nhận danh hiệu \u201cCông dân học tập\u201d theo tiêu chí do Bộ Giáo dục và Đào tạo phối "
                 "hợp với Hội Khuyến học Việt Nam ban hành."),
        ("CN-2", "Có nhiều đóng góp về công sức, trí tuệ, vật chất xây dựng xã hội học tập ở địa phương/cơ quan, "
                 "đơn vị."),
    ],
    SubjectGroup.OTHER: [
        ("KHAC-1", "Có nhiều đóng góp về công sức, trí tuệ, vật chất xây dựng xã hội học tập ở địa phương (tổ chức "
                   "quốc tế, tổ chức phi chính phủ nước ngoài, các hội, doanh nhân, trí thức, nhà khoa học, gia đình, "
                   "cá nhân trong và ngoài nước, người Việt Nam định cư ở nước ngoài...)."),
    ],
}


def _annual(year: int) -> tuple:
    return (f"1315-{year}", f"Khen thưởng hằng năm {year}", Round.Kind.ANNUAL, D(year, 1, 1), D(year, 12, 31),
            D(year, 1, 1), D(year + 1, 1, 31))


ROUNDS = [
    _annual(2024),
    _annual(2025),
    _annual(2026),
    ("1315-SK-2025", "Sơ kết giai đoạn 2023 - 2025", Round.Kind.SO_KET, D(2023, 1, 1), D(2025, 12, 31),
     D(2025, 10, 1), D(2026, 12, 31)),
    ("1315-TK-2030", "Tổng kết giai đoạn 2023 - 2030", Round.Kind.TONG_KET, D(2023, 1, 1), D(2030, 12, 31),
     D(2030, 6, 1), D(2030, 12, 31)),
]


@transaction.atomic
def load_catalog() -> Movement:
    """Create the catalog where it is missing; rows an administrator has already edited are left as they are."""
    for order, (code, name, level, valid_from, valid_to) in enumerate(AWARDS):
        AwardType.objects.get_or_create(
            code=code,
            defaults={"name": name, "deciding_level": level, "required_documents": list(STANDARD_DOSSIER),
                      "valid_from": valid_from, "valid_to": valid_to, "order": order},
        )
    for code, level, valid_from, valid_to, basis in AWARD_RULES:
        award = AwardType.objects.get(code=code)
        AwardRule.objects.get_or_create(
            award=award, valid_from=valid_from, valid_to=valid_to,
            defaults={"deciding_level": level, "basis": basis},
        )
    movement, _ = Movement.objects.get_or_create(code=MOVEMENT["code"], defaults=MOVEMENT)
    for group, items in CRITERIA.items():
        for order, (code, text) in enumerate(items):
            Criterion.objects.get_or_create(
                movement=movement, code=code, defaults={"group": group, "text": text, "order": order}
            )
    for code, name, kind, start, end, opens, closes in ROUNDS:
        Round.objects.get_or_create(
            code=code,
            defaults={"movement": movement, "name": name, "kind": kind, "period_start": start, "period_end": end,
                      "opens_on": opens, "closes_on": closes},
        )
    return movement
