"""Names people read for the audit log's actions."""

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "nomination.create": _("Lập hồ sơ"),
    "nomination.update": _("Sửa hồ sơ"),
    "nomination.document_add": _("Đính kèm tài liệu"),
    "nomination.submit": _("Trình hồ sơ"),
    "nomination.resubmit": _("Trình lại"),
    "nomination.withdraw": _("Rút hồ sơ"),
    "nomination.approve": _("Đồng ý, chuyển tiếp"),
    "nomination.award": _("Quyết định khen thưởng"),
    "nomination.return": _("Trả lại"),
    "nomination.reject": _("Không đồng ý"),
    "nomination.council_vote": _("Ghi kết quả bỏ phiếu của Hội đồng"),
    "duplicate.flag": _("Phát hiện hồ sơ trùng thành tích"),
    "duplicate.resolve": _("Đối chiếu hồ sơ trùng thành tích"),
    "role.grant": _("Giao vai trò"),
    "role.revoke": _("Thu hồi vai trò"),
    "role.change": _("Sửa thời hạn vai trò"),
    "orgunit.add": _("Thêm đơn vị"),
    "orgunit.change": _("Sửa, chuyển đơn vị"),
    "orgunit.move": _("Chuyển đơn vị khi sắp xếp lại"),
    "admin.add": _("Thêm trong trang quản trị"),
    "admin.change": _("Sửa trong trang quản trị"),
    "admin.delete": _("Xóa trong trang quản trị"),
    "admin.password_change": _("Đổi mật khẩu trong trang quản trị"),
}
