from django import template
from django.utils.translation import gettext_lazy as _

from roles.models import Level

from ..models import Step

register = template.Library()

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


@register.filter
def event_label(action: str) -> str:
    return EVENT_LABELS.get(action, action)


@register.filter
def level_label(level) -> str:
    try:
        return Level(int(level)).label
    except (TypeError, ValueError):
        return ""


@register.filter
def step_label(step: str) -> str:
    return Step(step).label if step in Step.values else step
