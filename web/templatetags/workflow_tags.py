from django import template

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
