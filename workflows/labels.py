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
    "role.grant": _("Giao vai trò"),
    "role.revoke": _("Thu hồi vai trò"),
}
