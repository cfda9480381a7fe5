from django import template
from django.utils.translation import gettext as _

from nominations import personal_data
from nominations.models import Status
from roles.models import Level
from workflows import labels
from workflows.models import Step

register = template.Library()



@register.filter
def event_label(action: str) -> str:
    return labels.event_label(action)


@register.filter
def level_label(level) -> str:
    try:
        return Level(int(level)).label
    except (TypeError, ValueError):
        return ""


@register.filter
def step_label(step: str) -> str:
    return Step(step).label if step in Step.values else step


@register.filter
def status_label(status: str) -> str:
    return Status(status).label if status in Status.values else status


@register.filter
def event_comment(event) -> str:
    """An audit event's comment as pages show it: a hold's note hidden (nominations.personal_data)."""
    shown = personal_data.masked_comment(event.action, event.comment)
    return _("(ẩn: dữ liệu cá nhân)") if shown == personal_data.HIDDEN else shown


@register.filter
def mask_identity(number: str) -> str:
    return personal_data.mask_identity(number)
