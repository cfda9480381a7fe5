"""Names people read for the audit log's actions: the workflow's from the action registry, the others here."""

from django.utils.translation import gettext_lazy as _

from . import registry
from .models import Stage, Step

# Events recorded outside the workflow's actions: role grants, the org tree, the admin site.
OTHER_EVENT_LABELS = {
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


def event_labels() -> dict:
    """Every audit action with a label → its label: the registry's actions first, in its order, then the others."""
    return {**registry.event_labels(), **OTHER_EVENT_LABELS}


def event_label(action: str) -> str:
    """The label of an audit action; an action without one reads as itself."""
    return event_labels().get(action, action)


def event_choices() -> list[tuple[str, str]]:
    """The audit filter's choices: every labelled action, after "all"."""
    return [("", _("Tất cả")), *event_labels().items()]


def action_label(name: str, stage: Stage | None, final: bool) -> str:
    """A button's words for what the action does at this step: an approval appraises and passes the dossier to the
    level's leader, forwards it to the level above, or (at the route's end) awards; the others say their name."""
    if name == "approve" and stage is not None:
        if final:
            return _("Quyết định khen thưởng")
        return _("Thẩm định, trình lãnh đạo") if stage.step == Step.APPRAISE else _("Trình cấp trên")
    return registry.get(name).label
